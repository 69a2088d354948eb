"""Sending one plain-text e-mail with extra headers, with the failure said as one exception.

``matching.hospitation._send`` sends inside a write and rolls it back on failure; the notifications send
after the commit and record the outcome instead. Both treat an ``OSError`` (smtplib's errors and refused
connections are OSErrors) as „not delivered“.
"""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class MailNotDelivered(Exception):
    """The mail server refused the message or could not be reached. ``refused`` is True when the server
    answered and refused this addressee (the next addressee may well work)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def mail_send(
    subject: str,
    body: str,
    to: list[str],
    *,
    headers: dict[str, str] | None = None,
    connection: BaseEmailBackend | None = None,
) -> None:
    """Sends one message (from DEFAULT_FROM_EMAIL) or raises MailNotDelivered. A line break in the subject
    (a title typed by someone) would be refused as a header injection: it becomes a space."""
    subject = " ".join(subject.split())
    message = EmailMessage(subject, body, None, to, headers=headers or {}, connection=connection)
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailNotDelivered(str(exc), refused=True) from exc
    except OSError as exc:
        raise MailNotDelivered(str(exc)) from exc
