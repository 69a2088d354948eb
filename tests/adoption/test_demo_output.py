"""What scripts/demo prints: the demo's own reminder mails stay out of the console (they are still sent, to
memory), and the output ends with the lines to try things out with."""

from __future__ import annotations

import pytest

from adoption.models import AdoptionReminder
from pages.demo import DEMO_LOGINS
from pages.impact import impact_snapshot_refresh

pytestmark = pytest.mark.django_db


def test_the_demo_ends_with_what_to_try_and_prints_no_mails(settings, capsys):
    from tests.pages.test_demo import setup_demo

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as scripts/demo runs it
    out = setup_demo()
    console = capsys.readouterr().out
    assert "Subject:" not in console and "Wie weit sind Sie mit" not in console  # no raw e-mail printed
    reminder = AdoptionReminder.objects.get(plan__municipality__ags="15083531")
    assert reminder.sent_at is not None and reminder.recipients >= 1  # the mayor's reminder counts as sent
    summary = out[out.index("Zum Ausprobieren") :]
    for login in DEMO_LOGINS:
        assert login.email in summary and login.password in summary
    assert "„Wie weit sind Sie?“ an die Beispiel-Bürgermeisterin: http" in summary and "/vorhaben/stand/" in summary
    figures = impact_snapshot_refresh()
    assert f"/wirkung/: {figures.solutions_travelled} von {figures.solutions_total} Lösungen gereist" in summary
