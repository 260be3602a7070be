"""Benchmark of survey intake: 50 clients submit 10,000 responses to the public endpoint.

    .venv/bin/python bench/survey_intake.py [--db sqlite|postgres] [--responses 10000]

Builds its own database (a SQLite file in a temporary folder, or a new PostgreSQL database,
dropped afterwards; see bench/plans.py): a province with 20 units, the SIPAS questionnaire,
an open campaign covering today (the real clock). Starts gunicorn (2 sync workers, DEBUG=0,
SURVEY_RATE_LIMIT=1000000/60) and has `--clients` threads, each with its own http.client
connection, POST complete, valid, random responses to
`/api/surveys/public/<unit code>/responses`; /healthz is measured with the same pool as the
baseline. Afterwards the database must hold exactly the accepted responses and their counts
(`Tally`) must equal both the counts of what was accepted and `tallies.rebuild`; the run
exits 1 when not. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _surveys as surveys  # bench/_surveys.py: units, questionnaire, campaign, answers
import plans as bench  # bench/plans.py: the throw-away database, settings, gunicorn
from scoring import server_cpu  # CPU used by gunicorn's processes (Linux /proc)

TARGET_P95_MS = 300.0
RATE_LIMIT = "1000000/60"
# --sqlite-rollback, a what-if: SQLite as it was before decision 0009 (rollback journal,
# fsync on every commit, deferred transactions that retry on a busy lock). The app's settings
# use the write-ahead log, synchronous=NORMAL and IMMEDIATE transactions.
SQLITE_ROLLBACK = """
DATABASES["default"]["OPTIONS"] = {
    "init_command": "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;",
    "transaction_mode": "DEFERRED",
}
"""


@dataclass
class Job:
    method: str
    path: str
    body: bytes = b""
    answers: dict | None = None
    unit_id: int = 0
    procedure: str = ""


@dataclass
class Figures:
    label: str
    statuses: Counter
    latencies: list[float]  # ms
    wall: float  # s
    cpu: float | None  # server CPU s

    def cut(self, percent: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1]

    def line(self, ok: int) -> str:
        accepted = self.statuses[ok]
        cpu = (
            ""
            if self.cpu is None
            else f"  server cpu {self.cpu * 1000 / len(self.latencies):5.1f} ms/req"
        )
        return (
            f"  {self.label:<34} n {len(self.latencies):6}  p50 {self.cut(50):6.1f}  p95 "
            f"{self.cut(95):6.1f}  p99 {self.cut(99):6.1f} ms  {accepted / self.wall:7.1f} {ok}/s"
            f"{cpu}  statuses {dict(sorted(self.statuses.items()))}"
        )


# Data ----------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> tuple[Any, Any, list[Job]]:
    """Units, questionnaire, an open campaign; the submissions to send (not yet sent)."""
    from django.db import transaction

    from cchc.surveys.answers import spec_for
    from cchc.surveys.models import CampaignUnit

    with transaction.atomic():
        units = surveys.build_units(args.units)
        version, source = surveys.build_version(args.form)
        campaign = surveys.open_campaign(version, units)
    spec = spec_for(campaign.version)
    model = surveys.AnswerModel(spec)
    rng = random.Random(10_000)
    model.adopt_cleaning(rng)
    surveys.check_valid(model, rng)
    targets = list(CampaignUnit.objects.filter(campaign=campaign).order_by("unit_id"))
    procedures = [p["code"] for p in surveys.PROCEDURES]
    jobs: list[Job] = []
    for target, size in zip(targets, spread(rng, args.responses, len(targets)), strict=True):
        rows = model.as_dicts(model.draw(rng, rng.uniform(-0.6, 0.6), size, 0.0))
        for answers in rows:
            procedure = rng.choice(procedures)
            body = {"answers": answers, "token": "", "procedure_code": procedure}
            path = f"/api/surveys/public/{target.code}/responses"
            jobs.append(
                Job("POST", path, json.dumps(body).encode(), answers, target.unit_id, procedure)
            )
    rng.shuffle(jobs)  # the units' respondents arrive interleaved
    size = sum(len(j.body) for j in jobs) // len(jobs)
    print(
        f"data: {len(targets)} units, questionnaire {source} ({len(spec.questions)} questions), "
        f"{len(jobs)} complete answer sets (mean {size} bytes)"
    )
    return campaign, spec, jobs


def spread(rng: random.Random, total: int, parts: int) -> list[int]:
    shares = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    sizes = [int(total * s / sum(shares)) for s in shares]
    sizes[-1] += total - sum(sizes)
    return sizes


# Clients -------------------------------------------------------------------------------


class Pool:
    """`clients` threads, each with its own connection (reopened by http.client when the
    server closes it, as gunicorn's sync workers do after every response)."""

    def __init__(self, port: int, clients: int) -> None:
        self.port, self.clients = port, clients

    def run(self, label: str, jobs: list[Job], pid: int) -> tuple[Figures, list[int]]:
        statuses = [0] * len(jobs)
        latencies = [0.0] * len(jobs)
        cursor = iter(range(len(jobs)))
        lock = threading.Lock()

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            while True:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    break
                statuses[i], latencies[i] = send(conn, jobs[i])
            conn.close()

        threads = [threading.Thread(target=client) for _ in range(self.clients)]
        cpu, started = server_cpu(pid), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall, used = time.perf_counter() - started, server_cpu(pid)
        spent = None if cpu is None or used is None else used - cpu
        return Figures(label, Counter(statuses), latencies, wall, spent), statuses


HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def send(conn: http.client.HTTPConnection, job: Job) -> tuple[int, float]:
    """(HTTP status, or 0 when the connection failed; milliseconds). Never retried: a
    POST sent again could be stored twice."""
    started = time.perf_counter()
    try:
        conn.request(job.method, job.path, body=job.body or None, headers=HEADERS)
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        conn.close()
        status = 0
    return status, (time.perf_counter() - started) * 1000


# Checks --------------------------------------------------------------------------------


def check(campaign: Any, spec: Any, jobs: list[Job], statuses: list[int]) -> bool:
    """Rows stored = 201s (per unit too); counts = the accepted answers' = a rebuild."""
    from django.db.models import Count

    from cchc.surveys.models import Response
    from cchc.surveys.services import tallies

    accepted = [job for job, status in zip(jobs, statuses, strict=True) if status == 201]
    stored = Response.objects.filter(campaign=campaign)
    per_unit = dict(stored.values_list("unit_id").annotate(n=Count("id")).order_by())
    sent_per_unit = Counter(job.unit_id for job in accepted)
    rows_ok = stored.count() == len(accepted) and per_unit == dict(sent_per_unit)
    print(
        f"\nresponses stored {stored.count()}, 201s {len(accepted)}: lost "
        f"{max(0, len(accepted) - stored.count())}, extra {max(0, stored.count() - len(accepted))}"
        f"; per unit equal: {'yes' if per_unit == dict(sent_per_unit) else 'NO'} — "
        f"{'ok' if rows_ok else 'MISMATCH'}"
    )
    expected: Counter = Counter()
    for job in accepted:
        for question, value in tallies.counted(spec, job.answers or {}):
            expected[(job.unit_id, job.procedure, question, value)] += 1
    kept = tally_counts(campaign)
    tallies.rebuild(campaign, spec)
    rebuilt = tally_counts(campaign)
    counts_ok = kept == dict(expected) == rebuilt
    print(
        f"tally counts: {sum(kept.values())} answers counted in {len(kept)} rows; equal to the "
        f"accepted answers' counts: {'yes' if kept == dict(expected) else 'NO'}; equal to "
        f"tallies.rebuild: {'yes' if kept == rebuilt else 'NO'} — "
        f"{'ok' if counts_ok else 'MISMATCH'}"
    )
    return rows_ok and counts_ok


def tally_counts(campaign: Any) -> dict[tuple, int]:
    from cchc.surveys.models import Tally

    rows = Tally.objects.filter(campaign=campaign).exclude(count=0)
    fields = ("unit_id", "procedure_code", "question_id", "value", "count")
    return {tuple(r[:4]): r[4] for r in rows.values_list(*fields)}


# Steps ---------------------------------------------------------------------------------


def serve(args: argparse.Namespace, env: dict, tmp: Path, jobs: list[Job]) -> tuple:
    """The baseline and the submissions on gunicorn; returns their figures and statuses."""
    port = bench.free_port()
    with bench.gunicorn(env, port, tmp) as server:
        pool = Pool(port, args.clients)
        print(
            f"gunicorn: 2 workers on 127.0.0.1:{port}, DEBUG=0, SURVEY_RATE_LIMIT="
            f"{env['SURVEY_RATE_LIMIT']}; {args.clients} client threads"
        )
        warm = [Job("GET", "/healthz")] * 8 + [Job("POST", jobs[0].path, b'{"answers": {}}')] * 8
        warmed, _ = pool.run("warm-up", warm, server.pid)  # lazy imports in both workers
        print(f"  warm-up statuses {dict(warmed.statuses)} (an empty form is refused: 422)")
        healthz = [Job("GET", "/healthz")] * args.baseline
        baseline, _ = pool.run("/healthz (SELECT 1), baseline", healthz, server.pid)
        print(baseline.line(200))
        intake, statuses = pool.run("POST public responses", jobs, server.pid)
        print(intake.line(201))
    return baseline, intake, statuses


def summary(baseline: Figures, intake: Figures, checked: bool) -> None:
    p95 = intake.cut(95)
    print()
    print(f"targets ({load()})")
    print(
        f"  intake: {intake.statuses[201] / intake.wall:.1f} responses/s accepted; p50 "
        f"{intake.cut(50):.1f} / p95 {p95:.1f} / p99 {intake.cut(99):.1f} ms; p95 <= "
        f"{TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}"
    )
    print(
        f"  baseline /healthz: p50 {baseline.cut(50):.1f} / p95 {baseline.cut(95):.1f} / p99 "
        f"{baseline.cut(99):.1f} ms, {baseline.statuses[200] / baseline.wall:.1f} req/s; "
        f"intake p95 / baseline p95 = {p95 / baseline.cut(95):.2f} x, throughput "
        f"{intake.statuses[201] / intake.wall / (baseline.statuses[200] / baseline.wall):.2f} x"
    )
    print(f"  0 lost, 0 duplicated, counts exact: {'yes' if checked else 'NO'}")


def load() -> str:
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def run(args: argparse.Namespace, tmp: Path, database_url: str) -> bool:
    env = bench.configure(tmp, database_url)
    if args.sqlite_rollback and "postgres" not in database_url:
        with (tmp / "cchc_bench_settings.py").open("a") as settings:
            settings.write(SQLITE_ROLLBACK)
    env["SURVEY_RATE_LIMIT"] = os.environ["SURVEY_RATE_LIMIT"] = RATE_LIMIT
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    where = "DATABASE_URL" if "postgres" in database_url else tmp
    print(f"database: {connection.vendor} ({where}); {load()}")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    campaign, spec, jobs = build(args)
    connection.close()
    baseline, intake, statuses = serve(args, env, tmp, jobs)
    checked = check(campaign, spec, jobs, statuses)
    summary(baseline, intake, checked)
    return checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=surveys.PG_URL, help="server for --db postgres")
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--baseline", type=int, default=5_000, help="/healthz requests")
    parser.add_argument("--form", choices=("auto", "seed", "bench"), default="auto")
    parser.add_argument(
        "--sqlite-rollback",
        action="store_true",
        help="what-if: SQLite with a rollback journal, FULL sync, DEFERRED transactions",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    surveys.run_in_throwaway(parser.parse_args(), "cchc-bench-survey-intake-", run)


if __name__ == "__main__":
    main()
