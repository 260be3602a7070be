"""Background work: inline without a broker, through a real Redis broker when one is set."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from cchc.core.services import queue_email
from cchc.core.tasks import send_email
from config.celery import app

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Database 15 unless told otherwise: CI runs two suites at once, each on its own database.
REDIS_DB = int(os.environ.get("CCHC_TEST_REDIS_DB", "15"))
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


def test_tasks_run_inline_when_no_broker_is_configured(settings, mailoutbox):
    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True

    result = send_email.delay("Nhắc việc", "Báo cáo quý I đến hạn.", ["stp@angiang.gov.vn"])

    assert result.get() == 1
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [
        ("Nhắc việc", "Báo cáo quý I đến hạn.", ["stp@angiang.gov.vn"])
    ]
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_production_settings_use_the_broker_when_one_is_set(settings):
    code = (
        "import django; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SECRET_KEY": "x" * 60,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["redis://127.0.0.1:6379/0", "False"]


@pytest.mark.django_db
def test_queued_email_is_sent_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("Nhắc việc", "Nội dung", ["b@angiang.gov.vn", "a@angiang.gov.vn", ""])
        assert mailoutbox == []

    assert [m.to for m in mailoutbox] == [["a@angiang.gov.vn", "b@angiang.gov.vn"]]


@pytest.mark.django_db(transaction=True)
def test_queued_email_is_not_sent_when_the_transaction_rolls_back(mailoutbox):
    def failing_operation() -> None:
        with transaction.atomic():
            queue_email("Nhắc việc", "Nội dung", ["a@angiang.gov.vn"])
            raise RuntimeError("the operation failed")

    with pytest.raises(RuntimeError):
        failing_operation()

    assert mailoutbox == []


def _redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_app() -> Iterator[Celery]:
    """A Celery app on its own Redis database with cchc's tasks; the project's app is untouched."""
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    redis_app = Celery("cchc-redis-test", set_as_current=False)
    redis_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    with redis_app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    try:
        yield redis_app
    finally:
        redis_app.close()
        app.set_current()
        app.set_default()


@pytest.mark.redis
def test_task_runs_on_a_worker_through_redis(redis_app, mailoutbox):
    task = redis_app.tasks[send_email.name]

    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = task.delay("Qua Redis", "Gửi từ worker.", ["snv@angiang.gov.vn"])

        assert result.get(timeout=20) == 1

    assert result.status == "SUCCESS"
    assert [(m.subject, m.to) for m in mailoutbox] == [("Qua Redis", ["snv@angiang.gov.vn"])]
