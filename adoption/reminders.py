"""Follow-through: „Wie weit sind Sie?“ 3 and 6 months after a declaration, then every 6 months while the plan
is not finished.

*Finished* means „im Betrieb“, „abgeschlossen“ or „abgebrochen“: from operation on, the town has shown that the
solution travels (the case shows it under „Wo es läuft“ and in the transfer record), and the yearly
re-confirmation of cases keeps those entries current; asking every half year on top would be noise. A plan
stays in the loop while it is „geplant“ or in the „Pilotphase“ – the steps where plans quietly die.

Never twice: each due date is claimed as an AdoptionReminder row (unique per plan and due date) and committed
before the mails go out. When several due dates were missed (the worker was down), only the latest is sent.
A mail server that is down gives the claim back, so the next run sends it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from adoption.links import VALID_DAYS, status_url
from adoption.models import AdoptionPlan, AdoptionReminder
from adoption.services import plan_edit_url
from core.mail import MailNotDelivered, mail_send
from notifications.links import unsubscribe_url
from notifications.models import NoticeKind, Notification, NotificationSettings
from notifications.selectors import members_approved
from notifications.services import absolute, mail_links, notify, settings_ensure, unsubscribe_headers
from solutions.choices import AdoptionStatus
from solutions.models import SolutionAdopter

logger = logging.getLogger(__name__)

FIRST_MONTHS = (3, 6)
EVERY_MONTHS = 6
FINISHED_STATUSES = frozenset({AdoptionStatus.IN_OPERATION, AdoptionStatus.COMPLETED, AdoptionStatus.STOPPED})


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the 31st becomes the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_due_dates(declared_on: dt.date, until: dt.date) -> list[dt.date]:
    """Every due date up to and including ``until``: 3 and 6 months after the declaration, then every 6."""
    dates = []
    months = FIRST_MONTHS[0]
    while True:
        due = months_later(declared_on, months)
        if due > until:
            return dates
        dates.append(due)
        months = FIRST_MONTHS[1] if months < FIRST_MONTHS[1] else months + EVERY_MONTHS


def reminder_latest_due(declared_on: dt.date, today: dt.date) -> dt.date | None:
    """The due date to send today, if any: the latest one reached (missed earlier ones are not sent)."""
    dates = reminder_due_dates(declared_on, today)
    return dates[-1] if dates else None


@dataclass
class ReminderReport:
    plans: int = 0  # plans with a reminder due (sent, or in a dry run: would be sent)
    mails: int = 0
    notices: int = 0
    refused: int = 0
    aborted: str = ""
    lines: list[str] = field(default_factory=list)


def plans_in_loop():
    """Plans on a live case whose status is not finished, with that status as ``current``."""
    status = SolutionAdopter.objects.filter(
        page_id=OuterRef("page_id"), municipality_id=OuterRef("municipality_id")
    ).values("status")[:1]
    return (
        AdoptionPlan.objects.filter(page__live=True)
        .annotate(current=Subquery(status))
        .exclude(current__isnull=True)
        .exclude(current__in=list(FINISHED_STATUSES))
        .select_related("page", "municipality")
        .order_by("pk")
    )


def _wants_mail(user_id: int) -> bool:
    """Someone who switched every e-mail off (the one-click unsubscribe) gets the reminder in the bell only."""
    stored = NotificationSettings.objects.filter(user_id=user_id).first()
    return stored is None or stored.email_immediate or stored.email_digest


def _claim(plan: AdoptionPlan, due: dt.date) -> AdoptionReminder | None:
    try:
        with transaction.atomic():
            return AdoptionReminder.objects.create(plan=plan, due_on=due)
    except IntegrityError:
        return None  # another run claimed it a moment ago


def _send(reminder: AdoptionReminder, plan: AdoptionPlan, report: ReminderReport, connection=None) -> bool:
    """Mails the reminder to the town's members and puts it in their bell; False if the mail server is down."""
    members = list(members_approved().filter(municipality_id=plan.municipality_id).select_related("user"))
    status_label = str(AdoptionStatus(plan.current).label)
    title = f"Wie weit sind Sie mit „{plan.page.title}“?"
    mailed = []
    for member in members:
        user = member.user
        if not user.email or not _wants_mail(user.pk):
            continue
        link = unsubscribe_url(settings_ensure(user))
        body = render_to_string(
            "adoption/email/reminder.txt",
            {
                "plan": plan,
                "status_label": status_label,
                "declared_on": timezone.localtime(plan.declared_at).date(),
                "status_url": status_url(reminder, user),
                "valid_days": VALID_DAYS,
                "edit_url": absolute(plan_edit_url(plan)),
                "case_url": absolute(plan.page.url or ""),
                "unsubscribe": link,
                **mail_links(),
            },
        )
        try:
            mail_send(title, body, [user.email], headers=unsubscribe_headers(link), connection=connection)
        except MailNotDelivered as exc:
            if not exc.refused:
                report.aborted = str(exc)
                if not mailed:
                    reminder.delete()  # nobody has it yet: the next run sends it
                    return False
                break
            report.refused += 1
            logger.warning("Erinnerung %s an %s abgelehnt: %s", reminder.pk, user.pk, exc)
        else:
            mailed.append(user.pk)
    created = notify(
        [m.user for m in members],
        kind=NoticeKind.ADOPTION_REMINDER,
        key=f"adoption-reminder:{reminder.pk}",
        title=title,
        body=f"Stand bisher: {status_label}. Bitte sagen Sie kurz, wie es weitergeht – das hilft anderen Kommunen.",
        url=plan_edit_url(plan),
    )
    now = timezone.now()
    # What went out by mail need not come again in the weekly digest.
    Notification.objects.filter(pk__in=[n.pk for n in created], user_id__in=mailed).update(emailed_at=now)
    AdoptionReminder.objects.filter(pk=reminder.pk).update(sent_at=now, recipients=len(mailed))
    report.mails += len(mailed)
    report.notices += len(created)
    return True


def adoption_reminders_send(
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[], None] | None = None,
    plan_ids: Iterable[int] | None = None,
    connection: BaseEmailBackend | None = None,
) -> ReminderReport:
    """Sends every reminder that is due (see the module docstring); safe to run as often as one likes.
    ``plan_ids`` limits it to those plans and ``connection`` picks the mail backend (the demo sends its sample
    reminders to memory, so that they neither reach anyone nor fill the console)."""
    today = today or timezone.localdate()
    report = ReminderReport()
    plans = plans_in_loop()
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    for plan in plans:
        if progress is not None:
            progress()
        due = reminder_latest_due(timezone.localtime(plan.declared_at).date(), today)
        if due is None or plan.reminders.filter(due_on__gte=due).exists():
            continue
        who = f"{plan.municipality.name} – „{plan.page.title}“ (fällig am {due:%d.%m.%Y})"
        if dry_run:
            count = members_approved().filter(municipality_id=plan.municipality_id).count()
            report.plans += 1
            report.lines.append(f"{who}: würde an {count} Mitglied(er) gehen")
            continue
        reminder = _claim(plan, due)
        if reminder is None:
            continue
        if not _send(reminder, plan, report, connection):
            break
        report.plans += 1
        report.lines.append(who)
        if report.aborted:
            break
    return report
