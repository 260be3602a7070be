"""The boards: my assignments, the secretariat's board, overdue, progress, calendar."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cchc.units.models import Unit

from ..forms import BoardFilterForm, QuarterForm
from ..models import Plan
from ..queries import (
    assignments_for,
    deadline_calendar,
    my_assignments,
    overdue_assignments,
    overdue_by_unit,
    progress,
    work_queue,
)
from ._common import DOCX, XLSX, file_response, pick

PAGE_SIZE = 50
OVERDUE_PAGE_SIZE = 50  # rows per page of the overdue board, grouped by unit


@login_required
def my_assignments_page(request: HttpRequest) -> HttpResponse:
    assignments = my_assignments(request.user)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "queue": work_queue(request.user)}
    return render(request, "plans/my_assignments.html", context)


def _board(request: HttpRequest) -> tuple[BoardFilterForm, object]:
    units = Unit.objects.visible_to(request.user).only("pk", "name").order_by("name")
    form = BoardFilterForm(request.GET, units=units)
    assignments = form.filter(assignments_for(request.user)).order_by("deadline", "task__code")
    return form, assignments


@login_required
def board(request: HttpRequest) -> HttpResponse:
    form, assignments = _board(request)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(
        request, pick(request, "plans/board.html", "plans/partials/board_rows.html"), context
    )


@login_required
def board_export(request: HttpRequest) -> HttpResponse:
    from .. import exporting

    _form, assignments = _board(request)
    content = exporting.task_status_xlsx(assignments)
    return file_response(content, f"nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@login_required
def board_annex(request: HttpRequest) -> HttpResponse:
    """The quarterly progress annex (.docx) of one plan, filtered as on the board."""
    from .. import exporting

    today = timezone.localdate()
    initial = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    quarter = QuarterForm({**initial, **request.GET.dict()})
    if not quarter.is_valid():
        raise Http404
    data = quarter.cleaned_data
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=data["plan"].pk)
    _form, assignments = _board(request)
    rows = exporting.annex_rows(assignments)
    content = exporting.quarterly_annex_docx(
        plan=plan, year=data["year"], quarter=data["quarter"], rows=rows
    )
    return file_response(content, f"phu-luc-quy-{data['quarter']}-{data['year']}.docx", DOCX)


@login_required
def overdue_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    late = overdue_assignments(request.user, today)
    page = Paginator(late, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    groups = overdue_by_unit(request.user, today, rows=page.object_list)
    can_urge = Plan.can_manage(request.user)
    context = {"groups": groups, "page": page, "can_urge": can_urge, "today": today}
    return render(request, "plans/overdue_board.html", context)


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user)
    chosen = request.GET.get("plan", "")
    plan = plans.filter(pk=chosen).first() if chosen.isdigit() else None
    context = {"progress": progress(request.user, plan=plan), "plans": plans, "plan": plan}
    return render(request, "plans/progress.html", context)


def _month(value: str) -> datetime.date:
    today = timezone.localdate()
    try:
        return datetime.datetime.strptime(value, "%Y-%m").replace(tzinfo=datetime.UTC).date()
    except ValueError:
        return today.replace(day=1)


@login_required
def deadline_calendar_page(request: HttpRequest) -> HttpResponse:
    month = deadline_calendar(request.user, _month(request.GET.get("month", "")))
    return render(request, "plans/calendar.html", {"month": month, "today": timezone.localdate()})
