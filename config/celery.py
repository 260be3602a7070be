"""The Celery app.

Configuration comes from Django settings (the CELERY_* names). When CELERY_BROKER_URL is
empty, settings turn on CELERY_TASK_ALWAYS_EAGER: every `.delay()` runs inline in the
caller's process, so a development machine or a small installation needs no Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cchc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
