"""Helpers shared by the plan views: access checks, and the views' common helpers."""

from __future__ import annotations

from django.http import HttpRequest

from cchc.accounts.access import require
from cchc.core.viewhelpers import DOCX, XLSX, file_response, pick, run

from ..models import Plan

__all__ = ["DOCX", "XLSX", "file_response", "pick", "require", "require_manager", "run"]


def require_manager(request: HttpRequest) -> None:
    require(Plan.can_manage(request.user))
