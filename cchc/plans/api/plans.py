"""The plans API: plans, reform areas and tasks."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require

from .. import services
from ..models import Plan, ReformArea, Task
from ._common import PAGE, _plan, _task, _unit, _units, router
from .schemas import AreaIn, AreaOut, PlanIn, PlanOut, ReasonIn, TaskFilter, TaskIn, TaskOut

# Plans and areas ---------------------------------------------------------------------


@router.get("", response=list[PlanOut], operation_id="plan_list")
@paginate(PageNumberPagination, page_size=PAGE)
def plan_list(request: HttpRequest) -> Any:
    return Plan.objects.visible_to(request.user)


@router.get("/{int:plan_id}", response=PlanOut, operation_id="plan_get")
def plan_get(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id)


@router.post("", response={201: PlanOut}, operation_id="plan_create")
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    require(Plan.can_manage(request.user))
    data = payload.dict()
    data["issuing_unit"] = _unit(data.pop("issuing_unit_id"))
    parent_id = data.pop("parent_id")
    data["parent"] = _plan(request, parent_id) if parent_id else None
    return Status(201, services.create_plan(by=request.user, **data))


@router.get("/{int:plan_id}/areas", response=list[AreaOut], operation_id="area_list")
def area_list(request: HttpRequest, plan_id: int) -> Any:
    return ReformArea.objects.filter(plan=_plan(request, plan_id))


@router.post("/{int:plan_id}/areas", response={201: AreaOut}, operation_id="area_create")
def area_create(request: HttpRequest, plan_id: int, payload: AreaIn) -> Any:
    plan = _plan(request, plan_id)
    require(Plan.can_manage(request.user))
    return Status(201, services.create_area(plan, by=request.user, **payload.dict()))


# Tasks -------------------------------------------------------------------------------


@router.get("/tasks", response=list[TaskOut], operation_id="task_list")
@paginate(PageNumberPagination, page_size=PAGE)
def task_list(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    """Tasks visible to the caller; `q` ignores case and diacritics."""
    tasks = Task.objects.visible_to(request.user).search(filters.q)
    if filters.plan_id:
        tasks = tasks.filter(plan_id=filters.plan_id)
    if filters.area_id:
        tasks = tasks.filter(area_id=filters.area_id)
    return tasks.prefetch_related("coordinating_units")


@router.get("/tasks/{int:task_id}", response=TaskOut, operation_id="task_get")
def task_get(request: HttpRequest, task_id: int) -> Any:
    return _task(request, task_id)


@router.post("/{int:plan_id}/tasks", response={201: TaskOut}, operation_id="task_create")
def task_create(request: HttpRequest, plan_id: int, payload: TaskIn) -> Any:
    plan = _plan(request, plan_id)
    require(Plan.can_manage(request.user))
    data = payload.dict()
    data["area"] = get_object_or_404(plan.areas, pk=data.pop("area_id"))
    data["lead_unit"] = _unit(data.pop("lead_unit_id"))
    data["coordinating_units"] = _units(data.pop("coordinating_unit_ids"))
    data["selected_units"] = _units(data.pop("selected_unit_ids"))
    parent_id = data.pop("parent_id")
    data["parent"] = get_object_or_404(plan.tasks, pk=parent_id) if parent_id else None
    return Status(201, services.create_task(plan, by=request.user, **data))


@router.post("/tasks/{int:task_id}/cancel", response=TaskOut, operation_id="task_cancel")
def task_cancel(request: HttpRequest, task_id: int, payload: ReasonIn) -> Any:
    task = _task(request, task_id)
    require(Plan.can_manage(request.user))
    return services.cancel_task(task, reason=payload.reason, by=request.user)
