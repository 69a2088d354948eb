"""Load test: the app under gunicorn, driven by simulated users for a fixed time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baukasten_bench .venv/bin/python bench/load.py \
        [--users 50] [--duration 60] [--workers 3] [--threads 4]

Starts gunicorn on 127.0.0.1 (a free port) with production settings (DEBUG off, a throwaway secret
key, no HTTPS redirect, JSON logs to a file), collects the static files it needs, warms every worker
up, then lets ``--users`` threads request pages back to back (no think time) for ``--duration``
seconds: the search page and the search API with real queries and filters (bench/relevance), case
pages, municipality profile pages and the peers API ("Kommunen wie wir"). Prints requests per second
and p50/p95/p99 per endpoint, the error count (anything but HTTP 200 is an error) and the server's
peak memory (RSS and PSS summed over the gunicorn master and workers, sampled from /proc).
Exit code 1 if any request failed. The database is only read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import pct

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "bench" / "relevance" / "queries.jsonl"
SIZE_CLASSES = ["landgemeinde", "kleinstadt", "mittelstadt", "grossstadt"]


def server_env(static_root: Path, log_level: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": log_level,
        "PYTHONUNBUFFERED": "1",
    }


# --- what the users ask for ------------------------------------------------------------------------
class Targets:
    """Paths read once from the database: real cases, municipalities and queries."""

    def __init__(self, env: dict[str, str], sample: int) -> None:
        os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE_", "STATIC_"))})
        import django

        django.setup()
        from wagtail.models import Site

        from municipalities.models import Municipality
        from solutions.models import SolutionPage

        root_path = Site.objects.get(is_default_site=True).root_page.url_path
        paths = SolutionPage.objects.live().public().order_by("?").values_list("url_path", flat=True)[:sample]
        self.cases = ["/" + p[len(root_path) :] for p in paths]
        self.case_count = SolutionPage.objects.live().public().count()
        towns = Municipality.objects.order_by("?").values_list("ags", "slug")[:sample]
        self.profiles = [f"/kommunen/{ags}-{slug}/" for ags, slug in towns]
        self.ags = [ags for ags, _slug in towns]
        self.queries = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]
        from django.db import connections

        connections.close_all()
        if not self.cases or not self.ags:
            raise SystemExit("Die Datenbank enthält keine veröffentlichten Fälle oder Kommunen (setup_demo?).")

    def _search_params(self, rng: random.Random) -> dict[str, str]:
        query = rng.choice(self.queries)
        params = {"q": query["text"], **{k: ",".join(v) for k, v in query["filters"].items()}}
        if rng.random() < 0.5:  # a mayor narrowing to towns of her size
            params.setdefault("size_class", rng.choice(SIZE_CLASSES))
        if rng.random() < 0.2:
            params["near"] = rng.choice(self.ags)
        return params

    def endpoints(self) -> list[tuple[str, float, Callable[[random.Random], str]]]:
        """(name, weight, path builder)"""
        return [
            ("Suche /suche/", 0.30, lambda r: "/suche/?" + urlencode(self._search_params(r))),
            ("Such-API /api/v1/solutions/", 0.10, lambda r: "/api/v1/solutions/?" + urlencode(self._search_params(r))),
            ("Praxisbeispiel", 0.25, lambda r: r.choice(self.cases)),
            ("Kommunenprofil", 0.20, lambda r: r.choice(self.profiles)),
            ("Peers-API", 0.15, lambda r: f"/api/v1/municipalities/{r.choice(self.ags)}/peers/?limit=10"),
        ]


# --- the server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB; PSS splits pages shared between master and workers fairly."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class MemorySampler(threading.Thread):
    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peak_rss = self.peak_pss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = [self.master, *children_of(self.master)]
            usage = [memory_kb(pid) for pid in pids]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in usage))
            self.peak_pss = max(self.peak_pss, sum(p for _, p in usage))
            self.stop.wait(0.5)


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ist beendet (Exit-Code {server.returncode}); siehe Log.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn antwortet nicht auf /healthz.")


# --- the users -------------------------------------------------------------------------------------
class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.started_at = time.time()

    def record(self, name: str, ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[name].append(ms)
            else:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {error}")


def user(port: int, targets: Targets, seed: int, until: float, results: Results | None) -> None:
    rng = random.Random(seed)
    endpoints = targets.endpoints()
    weights = [w for _, w, _ in endpoints]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        name, _weight, build = rng.choices(endpoints, weights)[0]
        path = build(rng)
        started = time.perf_counter()
        error = None
        try:
            connection.request("GET", path, headers={"Accept-Language": "de"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                error = f"HTTP {response.status} {path[:120]}"
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc} {path[:120]}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if results is not None:
            results.record(name, (time.perf_counter() - started) * 1000, error)
    connection.close()


def drive(port: int, targets: Targets, users: int, seconds: float, results: Results | None, seed: int) -> None:
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=user, args=(port, targets, seed + n, until, results), daemon=True)
        for n in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="gleichzeitige Nutzer:innen (Threads)")
    parser.add_argument("--duration", type=float, default=60, help="Messdauer in Sekunden")
    parser.add_argument("--warmup", type=float, default=30, help="Aufwärmen vor der Messung, Sekunden")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn-Worker (Prozesse)")
    parser.add_argument("--threads", type=int, default=4, help="Threads je Worker")
    parser.add_argument("--sample", type=int, default=5000, help="so viele Fälle/Kommunen werden angefragt")
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL des Servers (Log in eine Datei)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL setzen, z. B. postgres://postgres@127.0.0.1:5432/baukasten_bench")

    workdir = Path(tempfile.mkdtemp(prefix="baukasten-load-"))
    env = server_env(workdir / "static", args.log_level)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    targets = Targets(env, args.sample)
    print(
        f"Daten: {targets.case_count} veröffentlichte Fälle; Stichprobe {len(targets.cases)} Fälle, "
        f"{len(targets.profiles)} Kommunen, {len(targets.queries)} Suchanfragen "
        f"(Vorbereitung {time.perf_counter() - started:.0f} s)"
    )

    port = free_port()
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    sampler = MemorySampler(server.pid)
    try:
        wait_until_up(port, server)
        sampler.start()
        # Warm-up: every worker loads the search corpus and the embedding model once.
        drive(port, targets, args.users, args.warmup, None, args.seed + 10_000)
        results = Results()  # its start time separates warm-up and measurement in the server log
        began = time.perf_counter()
        drive(port, targets, args.users, args.duration, results, args.seed)
        elapsed = time.perf_counter() - began
    finally:
        sampler.stop.set()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    report(args, results, elapsed, sampler, log_path)
    sys.exit(1 if sum(results.errors.values()) else 0)


def report(args: argparse.Namespace, results: Results, elapsed: float, sampler: MemorySampler, log: Path) -> None:
    from django.db import connection

    total = sum(len(v) for v in results.latencies.values()) + sum(results.errors.values())
    errors = sum(results.errors.values())
    print(
        f"\n{args.users} Nutzer:innen, {elapsed:.0f} s, gunicorn {args.workers} Worker × {args.threads} Threads, "
        f"Datenbank {connection.vendor}"
    )
    print(f"{'Endpunkt':30s} {'Anfr.':>7s} {'/s':>7s} {'p50':>8s} {'p95':>8s} {'p99':>8s} {'Fehler':>7s}")
    everything: list[float] = []
    for name in sorted(set(results.latencies) | set(results.errors)):
        values = results.latencies.get(name, [])
        everything += values
        count = len(values) + results.errors.get(name, 0)
        cells = (
            f"{pct(values, 50):6.0f}ms {pct(values, 95):6.0f}ms {pct(values, 99):6.0f}ms" if values else " " * 26
        )
        print(f"{name:30s} {count:7d} {count / elapsed:7.1f} {cells} {results.errors.get(name, 0):7d}")
    if everything:
        print(
            f"{'Alle':30s} {total:7d} {total / elapsed:7.1f} {pct(everything, 50):6.0f}ms "
            f"{pct(everything, 95):6.0f}ms {pct(everything, 99):6.0f}ms {errors:7d}"
        )
    print(f"Fehler: {errors}" + ("" if not errors else " – Beispiele:\n  " + "\n  ".join(results.samples)))
    print(
        f"Spitzenspeicher des Servers (Master + {args.workers} Worker): RSS-Summe {sampler.peak_rss / 1024:.0f} MB, "
        f"PSS-Summe {sampler.peak_pss / 1024:.0f} MB"
    )
    server = server_times(log, since=results.started_at)
    if server:
        print("Serverzeit je Anfrage laut JSON-Log (ohne Warteschlange vor gunicorn):")
        for name, values in sorted(server.items()):
            print(f"  {name:28s} {len(values):7d} p50 {pct(values, 50):6.0f}ms p95 {pct(values, 95):6.0f}ms")
    print(f"Server-Log: {log}")


def endpoint_of(path: str) -> str:
    if path.startswith("/suche/"):
        return "Suche /suche/"
    if path.startswith("/api/v1/solutions/"):
        return "Such-API /api/v1/solutions/"
    if path.endswith("/peers/"):
        return "Peers-API"
    if path.startswith("/kommunen/"):
        return "Kommunenprofil"
    return "Praxisbeispiel"


def server_times(log: Path, since: float) -> dict[str, list[float]]:
    """duration_ms of the access lines written during the measurement (config/logging.py)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("{") or '"baukasten.request"' not in line:
            continue
        entry = json.loads(line)
        if entry.get("path") == "/healthz" or dt.datetime.fromisoformat(entry["time"]).timestamp() < since:
            continue
        times[endpoint_of(entry["path"])].append(entry["duration_ms"])
    return times


if __name__ == "__main__":
    main()
