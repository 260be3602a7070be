"""Benchmark of the plans boards and the reminder job on a throw-away database.

    .venv/bin/python bench/plans.py [--assignments 50000] [--units 500] [--requests 200]

Builds its own data (SQLite file in a temporary folder, or a new PostgreSQL database
next to the one DATABASE_URL names, dropped afterwards), starts gunicorn with two workers
on a free port of 127.0.0.1 with DEBUG=0, and measures with a bounded number of requests
from a few client threads. Prints the figures next to the targets; asserts nothing.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
TARGET_RATIO = 0.5
TARGET_REMINDERS_S = 10.0

# The trivial view: added by a URLconf that lives only in the benchmark's temporary
# folder (nothing is added to the app). It returns "ok" without touching the database;
# /healthz (one SELECT 1) is measured too.
BENCH_URLS = """
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-ok", ok), *app_urlpatterns]
"""
BENCH_SETTINGS = """
from config.settings import *  # noqa: F403

ROOT_URLCONF = "cchc_bench_urls"
"""


@dataclass
class Endpoint:
    label: str
    path: str
    board: bool = True


@dataclass
class Figures:
    label: str
    count: int
    p50: float
    p95: float
    p99: float
    throughput: float
    errors: int
    board: bool


# Database ------------------------------------------------------------------------------


@contextmanager
def throwaway_database(tmp: Path) -> Iterator[str]:
    """The DATABASE_URL of a new, empty database; dropped (or deleted) afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(base)
    name = f"cchc_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(tmp: Path, database_url: str) -> dict[str, str]:
    """Environment for this process and gunicorn: DEBUG off, generated secret, temp files."""
    (tmp / "cchc_bench_urls.py").write_text(BENCH_URLS)
    (tmp / "cchc_bench_settings.py").write_text(BENCH_SETTINGS)
    env = {
        "DJANGO_SETTINGS_MODULE": "cchc_bench_settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "DB_CONN_MAX_AGE": "60",  # as docs/deploy.md recommends for production
    }
    os.environ.update(env)
    sys.path[:0] = [str(tmp), str(ROOT)]
    env["PYTHONPATH"] = os.pathsep.join([str(tmp), str(ROOT)])
    return env


# Data ----------------------------------------------------------------------------------


def build_data(*, units: int, assignments: int, today: datetime.date) -> int:
    """Units, people, one plan with tasks fanned out to every unit, reports. Returns the
    secretariat's user id.

    Built with bulk_create, which the app itself never uses for these models (the
    services write history and notifications): acceptable for a benchmark's setup only.
    History rows are not written.
    """
    from django.db import transaction

    from cchc.accounts.models import RoleAssignment, User
    from cchc.accounts.roles import Role
    from cchc.core.text import fold
    from cchc.plans.models import Assignment, Plan, ProgressReport, ReformArea, Task
    from cchc.units.models import Unit

    rng = random.Random(50_000)
    batch = 2000
    with transaction.atomic():
        province = Unit.objects.create(code="AG", name="Tỉnh An Giang", kind=Unit.Kind.PROVINCE)
        n_departments = min(40, units // 10)
        n_districts = min(11, max(1, units // 40))
        new_units = [
            Unit(
                code=f"D{i:03}",
                name=f"Sở thử nghiệm số {i}",
                short_name=f"D{i:03}",
                kind=Unit.Kind.DEPARTMENT,
                parent=province,
                search_text=fold(f"Sở thử nghiệm số {i} D{i:03}"),
            )
            for i in range(1, n_departments)
        ]
        new_units += [
            Unit(
                code=f"H{i:02}",
                name=f"Huyện thử nghiệm {i}",
                kind=Unit.Kind.DISTRICT,
                parent=province,
                search_text=fold(f"Huyện thử nghiệm {i} H{i:02}"),
            )
            for i in range(1, n_districts + 1)
        ]
        Unit.objects.bulk_create(new_units, batch_size=batch)
        districts = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT))
        communes = [
            Unit(
                code=f"X{i:04}",
                name=f"Xã thử nghiệm {i}",
                kind=Unit.Kind.COMMUNE,
                parent=districts[i % len(districts)],
                search_text=fold(f"Xã thử nghiệm {i} X{i:04}"),
            )
            for i in range(1, units - len(new_units))
        ]
        Unit.objects.bulk_create(communes, batch_size=batch)
        all_units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("pk"))
        secretariat_unit = all_units[0]

        secretariat = User.objects.create_user(
            username="bench_secretariat", password=None, full_name="Thư ký thử nghiệm"
        )
        RoleAssignment.objects.create(
            user=secretariat,
            role=Role.SECRETARIAT,
            unit=secretariat_unit,
            valid_from=today - datetime.timedelta(days=400),
        )
        User.objects.bulk_create(
            [
                User(
                    username=f"bench_fp_{u.code}",
                    password="!",
                    full_name=f"Đầu mối {u.name}",
                    email=f"fp_{u.code.lower()}@bench.invalid",
                    search_text=fold(f"Đầu mối {u.name} bench_fp_{u.code}"),
                )
                for u in all_units
            ],
            batch_size=batch,
        )
        people = list(User.objects.filter(username__startswith="bench_fp_").order_by("pk"))
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=p,
                    role=Role.FOCAL_POINT,
                    unit=u,
                    valid_from=today - datetime.timedelta(days=400),
                )
                for p, u in zip(people, all_units, strict=True)
            ],
            batch_size=batch,
        )

        plan = Plan.objects.create(
            number="BENCH/KH-UBND",
            title="Kế hoạch thử tải",
            issuing_unit=province,
            signed_on=today - datetime.timedelta(days=200),
            period_start=today - datetime.timedelta(days=200),
            period_end=today + datetime.timedelta(days=200),
            remind_days_before=[7, 1],
            created_by=secretariat,
        )
        ReformArea.objects.bulk_create(
            [ReformArea(plan=plan, code=str(i), name=f"Nội dung {i}", position=i) for i in range(7)]
        )
        areas = list(plan.areas.order_by("position"))
        n_tasks = max(1, -(-assignments // len(all_units)))
        words = ["rà soát", "báo cáo", "thủ tục", "số hóa", "kiểm tra", "đào tạo", "công vụ"]
        tasks = []
        for i in range(n_tasks):
            content = f"Nhiệm vụ thử tải {i}: {rng.choice(words)} {rng.choice(words)} năm nay"
            tasks.append(
                Task(
                    plan=plan,
                    area=areas[i % len(areas)],
                    code=f"B{i:04}",
                    content=content,
                    lead_unit=all_units[i % len(all_units)],
                    scope=Task.Scope.ALL_DEPARTMENTS_AND_LOCAL,
                    deadline=today + datetime.timedelta(days=rng.randint(-180, 180)),
                    expected_output="Báo cáo",
                    search_text=fold(f"B{i:04} {content} Báo cáo"),
                )
            )
        Task.objects.bulk_create(tasks, batch_size=batch)
        tasks = list(plan.tasks.order_by("pk"))

        rows = []
        for task in tasks:
            for unit in all_units:
                if len(rows) == assignments:
                    break
                rows.append(
                    Assignment(
                        task=task,
                        unit=unit,
                        role=Assignment.Role.LEAD
                        if unit == task.lead_unit
                        else Assignment.Role.ASSIGNED,
                        original_deadline=task.deadline,
                        deadline=task.deadline,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=batch)
        rows = list(Assignment.objects.filter(task__plan=plan).order_by("pk"))
        author = {u.pk: p for u, p in zip(all_units, people, strict=True)}
        reports = []
        for a in rows:
            roll = rng.random()
            past = a.deadline < today
            done = (roll < 0.6) if past else (roll < 0.3)
            late = past and done and roll < 0.1
            percent = 100 if done else rng.choice((10, 30, 50, 70, 90))
            shift = rng.randint(1, 20) if late else -rng.randint(0, 10)
            submitted = _aware(min(a.deadline + datetime.timedelta(days=shift), today))
            if done:
                a.completed_on = submitted.date()
            a.progress_percent = percent
            # Most reports are accepted; about one in twenty waits for the secretariat.
            waiting = not done and rng.random() < 0.05
            reports.append(
                ProgressReport(
                    assignment=a,
                    percent=percent,
                    is_completion=done,
                    work_done="Đã thực hiện",
                    status=ProgressReport.Status.SUBMITTED
                    if waiting
                    else ProgressReport.Status.ACCEPTED,
                    created_by=author[a.unit_id],
                    created_at=submitted,
                    submitted_by=author[a.unit_id],
                    submitted_at=submitted,
                    reviewed_by=None if waiting else secretariat,
                    reviewed_at=None if waiting else submitted,
                )
            )
        ProgressReport.objects.bulk_create(reports, batch_size=batch)
        by_assignment = dict(
            ProgressReport.objects.filter(is_completion=True).values_list("assignment_id", "pk")
        )
        for a in rows:
            a.completion_report_id = by_assignment.get(a.pk)
        Assignment.objects.bulk_update(
            rows, ["completed_on", "progress_percent", "completion_report"], batch_size=batch
        )
    return secretariat.pk


def _aware(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def session_cookie(user_id: int) -> str:
    """A logged-in session for the secretariat, written as Django's login would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from cchc.accounts.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# Server and clients --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], port: int, tmp: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp / "gunicorn.log").open("wb")
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=60",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz", "")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {tmp / 'gunicorn.log'}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def measure(
    endpoint: Endpoint, port: int, cookie: str, requests: int, clients: int, budget: float
) -> Figures:
    """`requests` requests from `clients` threads, or fewer when `budget` seconds pass."""
    for _ in range(4):  # warm up both workers
        get(port, endpoint.path, cookie)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    started = time.perf_counter()

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                if remaining[0] == 0 or time.perf_counter() - started > budget:
                    return
                remaining[0] -= 1
            sent = time.perf_counter()
            status, _body = get(port, endpoint.path, cookie)
            elapsed = (time.perf_counter() - sent) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    count = len(latencies)
    return Figures(
        endpoint.label, count, cuts[49], cuts[94], cuts[98], count / wall, errors, endpoint.board
    )


def endpoints() -> list[Endpoint]:
    query = quote("báo cáo")
    return [
        Endpoint("trivial view (bench-ok, no DB)", "/bench-ok", board=False),
        Endpoint("/healthz (SELECT 1)", "/healthz", board=False),
        Endpoint("overdue board", "/plans/overdue/"),
        Endpoint("secretariat board, page 1", "/plans/board/"),
        Endpoint("secretariat board, status=overdue", "/plans/board/?status=overdue"),
        Endpoint("secretariat board, status + text", f"/plans/board/?status=within_term&q={query}"),
    ]


# Report --------------------------------------------------------------------------------


def report(figures: list[Figures], reminder_seconds: float, reminder_result: Any) -> None:
    trivial = figures[0].throughput
    healthz = figures[1].throughput if len(figures) > 1 else trivial
    print()
    print(
        f"{'endpoint':<38} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} "
        f"{'x ok':>6} {'x hz':>6} {'errors':>6}  target"
    )
    for f in figures:
        ratio = f.throughput / trivial
        target = ""
        if f.board:
            ok = f.p95 <= TARGET_P95_MS and ratio >= TARGET_RATIO
            target = (
                f"p95 <= {TARGET_P95_MS:.0f} ms and >= {TARGET_RATIO} x ok: "
                f"{'met' if ok else 'NOT met'}"
            )
        print(
            f"{f.label:<38} {f.count:4} {f.p50:7.1f} {f.p95:7.1f} {f.p99:7.1f} {f.throughput:7.1f} "
            f"{ratio:6.2f} {f.throughput / healthz:6.2f} {f.errors:6}  {target}"
        )
    print("x ok: throughput / the trivial view's (the target's ratio); x hz: / /healthz's")
    met = "met" if reminder_seconds <= TARGET_REMINDERS_S else "NOT met"
    print()
    print(
        f"reminder job (send_reminders, in-process): {reminder_seconds:.2f} s "
        f"- target <= {TARGET_REMINDERS_S:.0f} s: {met}; {reminder_result}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument(
        "--budget", type=float, default=120, help="seconds at most per endpoint (fewer requests)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    try:
        with throwaway_database(tmp) as database_url:
            run(args, tmp, database_url)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path, database_url: str) -> None:
    env = configure(tmp, database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    print(
        f"database: {connection.vendor} ({'DATABASE_URL' if 'postgres' in database_url else tmp})"
    )
    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"migrate + collectstatic: {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    user_id = build_data(units=args.units, assignments=args.assignments, today=today)
    # A database in service has planner statistics (PostgreSQL's autovacuum, SQLite's
    # ANALYZE); freshly bulk-loaded tables have none until then, and the planner then
    # joins every row before sorting. Gather them as a running installation would have.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from cchc.plans.models import Assignment, ProgressReport
    from cchc.units.models import Unit

    print(
        f"data: {Unit.objects.count()} units, {Assignment.objects.count()} assignments "
        f"({Assignment.objects.overdue(today).count()} overdue), "
        f"{ProgressReport.objects.count()} reports — built in {time.perf_counter() - step:.1f} s"
    )
    cookie = session_cookie(user_id)
    connection.close()

    port = free_port()
    figures = []
    with gunicorn(env, port, tmp):
        print(
            f"gunicorn: 2 workers on 127.0.0.1:{port}, DEBUG=0; "
            f"{args.requests} requests per endpoint from {args.clients} client threads"
        )
        for endpoint in endpoints():
            status, body = get(port, endpoint.path, cookie)
            if status != 200:
                print(f"  {endpoint.path}: HTTP {status} — skipped ({body[:120]!r})")
                continue
            figures.append(
                measure(endpoint, port, cookie, args.requests, args.clients, args.budget)
            )

    from cchc.plans.reminders import send_reminders

    started = time.perf_counter()
    result = send_reminders(today=today)
    reminder_seconds = time.perf_counter() - started
    report(figures, reminder_seconds, result)


if __name__ == "__main__":
    main()
