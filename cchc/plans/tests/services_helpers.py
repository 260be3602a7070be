"""Shared helpers for the plans service tests (test_services_*.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.models import AuditEvent
from cchc.plans import services

D = datetime.date
UTC = datetime.UTC
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def events(verb):
    return AuditEvent.objects.filter(verb=verb).count()


def draft(assignment, by, **fields):
    fields.setdefault("percent", 40)
    fields.setdefault("work_done", "Đã rà soát 12 thủ tục")
    return services.save_progress_report(assignment, by=by, **fields)


def submitted(assignment, focal_point, unit_leader, **fields):
    return services.submit_progress_report(draft(assignment, focal_point, **fields), by=unit_leader)
