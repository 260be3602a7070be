"""The plans API's router and the lookups its endpoints share."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from cchc.units.models import Unit

from ..models import Assignment, Plan, ProgressReport, Task

router = Router(tags=["plans"])
PAGE = 50


# Helpers -----------------------------------------------------------------------------


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(request.user), pk=plan_id)


def _task(request: HttpRequest, task_id: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    queryset = Assignment.objects.visible_to(request.user).select_related("task", "unit")
    return get_object_or_404(queryset, pk=assignment_id)


def _report(request: HttpRequest, report_id: int) -> ProgressReport:
    queryset = ProgressReport.objects.visible_to(request.user).select_related("assignment")
    return get_object_or_404(queryset, pk=report_id)


def _unit(pk: int | None) -> Unit | None:
    return None if pk is None else get_object_or_404(Unit, pk=pk)


def _units(pks: list[int]) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=pks))
