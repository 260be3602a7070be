"""Shared helpers for the criteria-set tests: reading set files (test_sets_io_*.py), the
services (test_services_sets_*.py) and the pages (test_views_sets_*.py)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cchc.core.models import AuditEvent

# --- set files (test_sets_io_*.py) --------------------------------------------------------


def _reasons(problems: list[Any]) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.reason) for p in problems]


# --- services (test_services_sets_*.py) ---------------------------------------------------


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb))


# --- pages (test_views_sets_*.py) ---------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(f"scoring:{name}", args=args)


def _messages(client, response) -> list[str]:
    """The messages shown on the page the response redirects to (which consumes them)."""
    assert response.status_code == 302
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def _sheet(rows: list[list], header: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        header
        or ["STT", "Lĩnh vực/tiêu chí", "Điểm tối đa", "Hướng dẫn chấm", "Tài liệu kiểm chứng"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name: str = "bo-tieu-chi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _problems(response) -> list[tuple]:
    return [(p.file, p.row, p.column, p.reason) for p in response.context["problems"]]
