"""Invented data that makes the demo walkable: sample accounts for each role, an open tandem round and
three sample hosts of visits. Only ``setup_demo`` calls this; every item carries the label „Beispieldaten“
in a text that the pages show (the round's title, the people's names, the case's „Hinweis zu
Hospitationen“ printed next to the host), and running it again changes nothing.

The sample hosts cover the three ways a request reaches someone (matching.addressee): Barleben has the
sample administration account (members answer), Calw's case gets an invented contact address at
beispieldaten.invalid (the contact answers through a link), Illschwang has neither (the editors' queue).
They are applied to the demo cases before the import, so the import publishes them like any other field
and a second run finds nothing changed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from matching.models import TandemRound, TandemRoundStatus
from municipalities.models import MemberRole, Municipality, MunicipalityMember
from solutions.services import EDITOR_GROUP

DEMO_LABEL = "Beispieldaten"
# Shown on the tandem form, in „Meine Anfragen“ and in the admin, so the invented round is recognisable.
DEMO_ROUND_TITLE = f"Tandemrunde ({DEMO_LABEL})"
DEMO_ROUND_DAYS_BEFORE, DEMO_ROUND_DAYS_AFTER = 14, 90
# .invalid (RFC 2606) can never receive mail: the demo's e-mails go to the console anyway.
DEMO_MAIL_DOMAIN = "beispieldaten.invalid"


@dataclass(frozen=True)
class DemoHost:
    """A demo case whose lead town is marked „empfängt Hospitationen“ (the sources say nothing about
    visits), with the note the case page shows next to the town."""

    slug: str
    ags: str
    path: str  # who answers, for the printed overview
    visits_per_year: int = 4
    contact_email: str = ""  # invented: only for the contact path

    @property
    def note(self) -> str:
        invented = "dass die Kommune Hospitationen empfängt"
        if self.contact_email:
            invented += ", und die E-Mail-Adresse der Ansprechperson"
        return f"{DEMO_LABEL}: Für die Demo erfunden ist, {invented}. Anfragen gehen an {self.path}."


DEMO_HOSTS = (
    DemoHost("barleben-strassenzustand-ki", "15083040", "das Beispielkonto der Verwaltung"),
    DemoHost(
        "calw-lean-digitalisierung-e-akte",
        "08235085",
        "die Ansprechperson (Antwort über einen Einmal-Link)",
        contact_email=f"ansprechperson.calw@{DEMO_MAIL_DOMAIN}",
    ),
    DemoHost("illschwang-orts-app", "09371131", "die Redaktion"),
)


def demo_cases_with_hosts(source: Path, target: Path) -> Path:
    """Writes the demo cases to ``target`` with DEMO_HOSTS applied; ``setup_demo`` imports that file."""
    hosts = {host.slug: host for host in DEMO_HOSTS}
    lines = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        record = json.loads(raw)
        host = hosts.get(record["slug"])
        if host is not None and record.get("municipality_ags") == host.ags:
            record.update(hosts_visits=True, visits_per_year=host.visits_per_year, hosting_note=host.note)
            if host.contact_email:
                record["contact"] = {**(record.get("contact") or {}), "email": host.contact_email}
        lines.append(json.dumps(record, ensure_ascii=False))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    first_name: str
    last_name: str
    municipality_ags: str | None = None
    member_role: str = ""
    editor: bool = False


DEMO_LOGINS = (
    DemoLogin(
        role="Bürgermeisterin einer Kleinstadt",
        email=f"buergermeisterin@{DEMO_MAIL_DOMAIN}",
        password="beispiel-buergermeisterin",  # noqa: S106 - printed demo login
        first_name="Erika",
        last_name=f"Muster ({DEMO_LABEL})",
        municipality_ags="15083531",  # Wanzleben-Börde, Stadt
        member_role=MemberRole.MAYOR,
    ),
    DemoLogin(
        role="Verwaltung einer Kommune mit Praxisbeispiel",
        email=f"gastgeber@{DEMO_MAIL_DOMAIN}",
        password="beispiel-gastgeber",  # noqa: S106 - printed demo login
        first_name="Max",
        last_name=f"Beispiel ({DEMO_LABEL})",
        municipality_ags="15083040",  # Barleben, leads a demo case
        member_role=MemberRole.ADMINISTRATION,
    ),
    DemoLogin(
        role="Redaktion",
        email=f"redaktion@{DEMO_MAIL_DOMAIN}",
        password="beispiel-redaktion",  # noqa: S106 - printed demo login
        first_name="Rita",
        last_name=f"Redaktion ({DEMO_LABEL})",
        editor=True,
    ),
)


def demo_logins_ensure() -> list[DemoLogin]:
    """Creates the sample accounts that are missing (an existing one, its password included, is left
    as it is) and returns those that exist now."""
    users = get_user_model()
    ready = []
    for login in DEMO_LOGINS:
        municipality = None
        if login.municipality_ags:
            municipality = Municipality.objects.filter(ags=login.municipality_ags).first()
            if municipality is None:  # a register without the town: no account rather than a broken one
                continue
        user = users.objects.filter(username=login.email).first()
        if user is None:
            user = users.objects.create_user(
                username=login.email,
                email=login.email,
                password=login.password,
                first_name=login.first_name,
                last_name=login.last_name,
                is_staff=login.editor,
            )
            if login.editor:
                user.groups.add(Group.objects.get(name=EDITOR_GROUP))
        if municipality is not None and not MunicipalityMember.objects.filter(user=user).exists():
            # Approved from the start, stamped directly: the approval e-mail would go nowhere.
            MunicipalityMember.objects.create(
                user=user,
                municipality=municipality,
                role=login.member_role,
                approved=True,
                approved_at=timezone.now(),
            )
        ready.append(login)
    return ready


def demo_tandem_round_ensure(today: dt.date | None = None) -> TandemRound:
    """The sample round, open for applications today; a round left over from an earlier demo start
    whose period has passed gets a current one."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=DEMO_ROUND_DAYS_BEFORE)
    end = today + dt.timedelta(days=DEMO_ROUND_DAYS_AFTER)
    round_, created = TandemRound.objects.get_or_create(
        title=DEMO_ROUND_TITLE,
        defaults={"application_start": start, "application_end": end, "status": TandemRoundStatus.OPEN},
    )
    if (
        not created
        and round_.status == TandemRoundStatus.OPEN
        and not (round_.application_start <= today <= round_.application_end)
    ):
        round_.application_start, round_.application_end = start, end
        round_.save(update_fields=["application_start", "application_end"])
    return round_
