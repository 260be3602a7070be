"""The home page's work: counts and the queue of what to review, decide and answer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from cchc.accounts.roles import MANAGER_ROLES

from ..calculations import Status
from ..models import STATUS_LABELS, Assignment, ExtensionRequest, Obstacle, ProgressReport

if TYPE_CHECKING:
    from cchc.accounts.models import User


# The home page -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCounts:
    due_soon: int
    to_review: int
    extensions: int
    obstacles: int


def work_counts(user: User, today: datetime.date | None = None, days: int = 14) -> WorkCounts:
    """What the person has to do in plans: four counts for the home page."""
    today = today or timezone.localdate()
    access = user.access
    due_soon = 0
    if access.own_unit_ids:
        due_soon = (
            Assignment.objects.open()
            .filter(unit_id__in=access.own_unit_ids)
            .filter(deadline__lte=today + datetime.timedelta(days=days))
            .count()
        )
    manager = access.can_manage_units
    to_review = (
        ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).count()
        if manager
        else 0
    )
    extensions = (
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count()
        if manager
        else 0
    )
    answering = access.own_unit_ids | access.unit_ids(*MANAGER_ROLES)
    obstacles = (
        Obstacle.objects.unanswered().filter(answer_unit_id__in=answering).count()
        if answering
        else 0
    )
    return WorkCounts(due_soon, to_review, extensions, obstacles)


def status_label(code: str) -> str:
    return str(STATUS_LABELS[Status(code)])


@dataclass
class Queue:
    reports: list[ProgressReport]
    extensions: list[ExtensionRequest]
    obstacles: list[Obstacle]


def work_queue(user: User, limit: int = 50) -> Queue:
    """Reports to review and extensions to decide (managers); obstacles to answer."""
    access = user.access
    reports: list[ProgressReport] = []
    extensions: list[ExtensionRequest] = []
    if access.can_manage_units:
        reports = list(
            ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED)
            .select_related("assignment__task", "assignment__unit")
            .order_by("submitted_at")[:limit]
        )
        extensions = list(
            ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
            .select_related("assignment__task", "assignment__unit")
            .order_by("requested_at")[:limit]
        )
    answering = access.own_unit_ids | access.unit_ids(*MANAGER_ROLES)
    obstacles = list(
        Obstacle.objects.unanswered()
        .filter(answer_unit_id__in=answering)
        .select_related("assignment__task", "assignment__unit", "answer_unit")[:limit]
    )
    return Queue(reports, extensions, obstacles)
