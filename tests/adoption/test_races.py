"""Two writers at once (run on PostgreSQL too): two members of one town declaring together end up with one plan,
and two clicks on one reminder link apply one answer."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from adoption.models import AdoptionEvent, AdoptionPlan, AdoptionReminder
from adoption.reminders import adoption_reminders_send
from adoption.services import PlanChanges, adoption_declare, reminder_answer
from solutions.models import SolutionAdopter
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:
        close_old_connections()
        barrier.wait()
        try:
            call()
            outcomes.append("ok")
        except Exception as exc:  # refused or, on SQLite, "database is locked"
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_members_declaring_at_once_make_one_plan(case, mayor, towns):
    colleague = member(towns["wanzleben"], "bauamt-wanzleben")
    outcomes = _together(
        lambda: adoption_declare(case.pk, mayor.membership, PlanChanges(status="planned")),
        lambda: adoption_declare(case.pk, colleague.membership, PlanChanges(status="pilot")),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert AdoptionPlan.objects.count() == 1 and AdoptionEvent.objects.count() == 1
    assert SolutionAdopter.objects.filter(municipality=towns["wanzleben"]).count() == 1


def test_two_clicks_on_one_link_apply_one_answer(case, mayor):
    plan = adoption_declare(case.pk, mayor.membership, PlanChanges(status="planned", started_on=dt.date(2026, 1, 5)))
    AdoptionPlan.objects.filter(pk=plan.pk).update(declared_at=plan.declared_at - dt.timedelta(days=100))
    adoption_reminders_send()
    reminder = AdoptionReminder.objects.get()
    outcomes = _together(
        lambda: reminder_answer(reminder.pk, mayor, PlanChanges(status="pilot")),
        lambda: reminder_answer(reminder.pk, mayor, PlanChanges(status="stopped", stopped_reason="doch nicht")),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert AdoptionEvent.objects.filter(via="link").count() == 1
