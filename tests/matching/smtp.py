"""A real SMTP server on loopback for tests where delivery matters: Django's SMTP backend talks to it over
a socket, so a refused connection, a failed send and a delivered message are the real thing."""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage as Message


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 localhost ESMTP Testserver")
        in_data, lines, recipients = False, [], []
        while raw := self.rfile.readline():
            if in_data:
                body = raw.rstrip(b"\r\n")
                if body == b".":
                    message = email.message_from_bytes(b"\r\n".join(lines), policy=email.policy.default)
                    self.server.inbox.append((recipients, message))
                    in_data, lines = False, []
                    self._say("250 angenommen")
                else:
                    lines.append(body[1:] if body.startswith(b"..") else body)
                continue
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self._say("250-localhost")
                self._say("250 8BITMIME")
            elif verb == "MAIL":
                recipients = []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                in_data = True
                self._say("354 weiter")
            elif verb == "QUIT":
                self._say("221 tschüss")
                return
            else:  # HELO, RSET, NOOP
                self._say("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    inbox: list[tuple[list[str], Message]]


@dataclass
class SMTPServer:
    port: int
    inbox: list[tuple[list[str], Message]] = field(default_factory=list)

    def bodies(self) -> list[str]:
        return [message.get_content() for _, message in self.inbox]


def smtp_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def start() -> tuple[_Server, SMTPServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.inbox = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handle = SMTPServer(server.server_address[1])
    handle.inbox = server.inbox
    return server, handle


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused, as with a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
