"""Benchmark: the weekly digest run for the nation (issue 17, item 8).

    .venv/bin/python bench/digests.py [--saved 500] [--new-cases 50] [--cases 178]

The full register (10,752 municipalities, /work/shared/data via bench/dataset.py), two approved members
per town (21,504 accounts), three followed topics each, ``--saved`` members with a saved search near their
town, ``--new-cases`` cases published since the last run, 20 towns that newly host visits and an open
tandem round (so every member has something: a digest for everyone, the worst case). Mails go to Django's
in-memory backend (no network). Prints the time, throughput and peak memory of each phase of
``send_digests``, and compares reading the digests' items per member (naive: one set of queries per
member) with the one batched query the command uses. Uses DATABASE_URL when set, else a throwaway SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import ensure_dataset, setup_django  # noqa: E402

PHRASES = [
    "Grünflächen pflegen",
    "Straßenbeleuchtung",
    "Schlaglöcher erfassen",
    "Azubis finden",
    "Heizkosten Schulen",
    "Jugendbeteiligung",
    "Leerstand Innenstadt",
    "Bürgerbus",
    "Ehrenamt stärken",
    "digitale Bauakte",
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(saved: int, new_cases: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone

    from matching.models import TandemRound
    from municipalities.models import MemberRole, Municipality, MunicipalityMember
    from notifications.collect import MARK, hosts_now
    from notifications.models import Digest, Notification, PullMark, SavedSearch, TopicFollow
    from solutions.models import SolutionPage, Topic

    # a repeated run on a kept database starts from the same week again
    Notification.objects.all().delete()
    Digest.objects.all().delete()
    rng = random.Random(17)
    towns = list(Municipality.objects.order_by("ags").values_list("pk", "ags"))
    if MunicipalityMember.objects.count() < 2 * len(towns):
        started = time.perf_counter()
        password = make_password(None)
        users = [
            User(username=f"m{ags}-{k}", email=f"m{ags}-{k}@example.org", password=password)
            for _, ags in towns
            for k in (1, 2)
        ]
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(User.objects.filter(username__startswith="m").values_list("username", "pk"))
        MunicipalityMember.objects.bulk_create(
            [
                MunicipalityMember(user_id=ids[f"m{ags}-{k}"], municipality_id=pk, role=MemberRole.MAYOR, approved=True)
                for pk, ags in towns
                for k in (1, 2)
            ],
            batch_size=2000,
        )
        topics = list(Topic.objects.values_list("pk", flat=True))
        TopicFollow.objects.bulk_create(
            [TopicFollow(user_id=uid, topic_id=t) for uid in ids.values() for t in rng.sample(topics, 3)],
            batch_size=5000,
        )
        members = sorted(ids.items())
        searches = []
        for username, uid in rng.sample(members, min(saved, len(members))):
            ags = username[1:9]
            searches.append(SavedSearch(user_id=uid, text=rng.choice(PHRASES), near=ags))
        SavedSearch.objects.bulk_create(searches)
        SavedSearch.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
        print(f"Mitglieder, Themen, Suchen angelegt: {time.perf_counter() - started:.1f} s", flush=True)
    now = timezone.now()
    # the new cases of the week: published ten minutes ago, after the last run an hour ago
    live = list(SolutionPage.objects.live().order_by("pk").values_list("pk", flat=True))
    fresh = rng.sample(live, min(new_cases, len(live)))
    SolutionPage.objects.exclude(pk__in=fresh).update(first_published_at=now - dt.timedelta(days=60))
    SolutionPage.objects.filter(pk__in=fresh).update(first_published_at=now - dt.timedelta(minutes=10))
    hosts = sorted(hosts_now())
    PullMark.objects.update_or_create(name=MARK, defaults={"ran_at": now - dt.timedelta(hours=1), "hosts": hosts[20:]})
    if len(hosts) < 20:
        # the sample cases host few visits: let 20 lead towns newly host
        from solutions.models import SolutionPage as Page

        Page.objects.filter(pk__in=rng.sample(live, 20)).update(lead_hosts_visits=True)
    today = timezone.localdate()
    TandemRound.objects.get_or_create(
        title="Tandem-Runde Benchmark",
        defaults={"application_start": today, "application_end": today + dt.timedelta(days=30)},
    )


def naive_items(period: str, now) -> tuple[int, int]:
    """The obvious way: for every member, ask for its settings, its claim and its notifications."""
    from django.db.models import Q

    from notifications.digests import WINDOW
    from notifications.models import Digest, Notification, NotificationSettings
    from notifications.selectors import members_approved

    recipients = items = 0
    for member in members_approved().exclude(user__email="").select_related("user"):
        stored = NotificationSettings.objects.filter(user_id=member.user_id).first()
        if stored is not None and not stored.email_digest:
            continue
        if Digest.objects.filter(user_id=member.user_id, period=period).exists():
            continue
        found = list(
            Notification.objects.filter(
                Q(user_id=member.user_id),
                digest__isnull=True,
                emailed_at__isnull=True,
                read_at__isnull=True,
                created_at__gt=now - WINDOW,
            )
        )
        if found:
            recipients += 1
            items += len(found)
    return recipients, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=178)
    parser.add_argument("--saved", type=int, default=500, help="Mitglieder mit einer gespeicherten Suche")
    parser.add_argument("--new-cases", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    ensure_dataset(args.cases)
    build(args.saved, args.new_cases)

    from municipalities.models import Municipality, MunicipalityMember
    from notifications.collect import collect_pulled
    from notifications.digests import digest_items, digest_period, digests_send
    from notifications.models import Notification

    print(
        f"Datenbank: {connection.vendor}; Kommunen: {Municipality.objects.count()}; Mitglieder: "
        f"{MunicipalityMember.objects.filter(approved=True).count()}; {os.cpu_count()} Kerne, "
        f"Last vor dem Lauf {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    before_rss = rss_mb()
    total_started = time.perf_counter()

    started = time.perf_counter()
    pulled = collect_pulled()
    collect_s = time.perf_counter() - started
    collect_rss = rss_mb()
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(pulled.notices.items()))
    print(
        f"Ereignisse sammeln: {collect_s:.1f} s – {pulled.new_cases} neue Fälle, {pulled.searches_run} gespeicherte "
        f"Suchen ausgeführt, Benachrichtigungen: {kinds}; Spitzen-RSS {collect_rss:.0f} MB",
        flush=True,
    )

    now = timezone.now()
    period = digest_period(now)
    started = time.perf_counter()
    recipients, _ = naive_items(period, now)
    naive_s = time.perf_counter() - started
    started = time.perf_counter()
    batched = digest_items(period, now)
    batched_s = time.perf_counter() - started
    print(
        f"Einträge lesen – naiv (Abfragen je Mitglied): {naive_s:.1f} s für {recipients} Empfänger; "
        f"gebündelt (eine Abfrage): {batched_s:.1f} s für {len(batched)} Empfänger "
        f"({naive_s / max(batched_s, 1e-6):.0f}× schneller)",
        flush=True,
    )
    started = time.perf_counter()
    report = digests_send(now=now)
    send_s = time.perf_counter() - started
    total_s = time.perf_counter() - total_started - naive_s - batched_s
    print(
        f"Wochenübersichten: {report.sent} gesendet ({report.items} Einträge) in {send_s:.1f} s = "
        f"{report.sent / max(send_s, 1e-6):.0f} E-Mails/s; Spitzen-RSS {rss_mb():.0f} MB",
        flush=True,
    )
    print(f"Ganzer Lauf (sammeln + senden): {total_s:.1f} s (Ziel ≤ 300 s)")
    print(f"Spitzen-RSS des Prozesses: {rss_mb():.0f} MB (vor dem Lauf {before_rss:.0f} MB)")
    assert len(mail.outbox) == report.sent
    sample = mail.outbox[0]
    header = sample.extra_headers["List-Unsubscribe"][:60]
    print(f"Beispiel an {sample.to[0]}: {sample.subject!r}, List-Unsubscribe: {header}…")

    started = time.perf_counter()
    again = digests_send(now=now)
    pulled_again = collect_pulled()
    print(
        f"Zweiter Lauf derselben Woche: {again.sent} gesendet in {time.perf_counter() - started:.1f} s; "
        f"Benachrichtigungen gesamt {Notification.objects.count()} (keine doppelt: "
        f"{sum(pulled_again.notices.values())} Kandidaten, alle schon vorhanden)"
    )


if __name__ == "__main__":
    main()
