"""Plans in the Django admin: read-only, for looking things up; changes go through services.

The pages and the API call the services, which check permissions, validate, notify and
write the audit trail; admin edits would skip all of that, so every model here is shown
read-only (history included).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Reminder,
    Task,
    UrgingNotice,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "issuing_unit", "signed_on", "period_start", "period_end")
    search_fields = ("number", "title")


@admin.register(ReformArea)
class ReformAreaAdmin(ReadOnlyAdmin):
    list_display = ("plan", "code", "name", "position")
    list_filter = ("plan",)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("code", "plan", "area", "lead_unit", "deadline_kind", "deadline", "priority")
    list_filter = ("plan", "deadline_kind", "priority")
    search_fields = ("code", "search_text")
    raw_id_fields = ("plan", "area", "lead_unit", "parent")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("task", "unit", "period_label", "deadline", "completed_on", "cancelled_at")
    search_fields = ("task__code", "unit__name")
    raw_id_fields = ("task", "unit", "completion_report")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "percent", "is_completion", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("assignment",)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "requested_deadline", "status", "approved_deadline")
    list_filter = ("status",)
    raw_id_fields = ("assignment",)


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "kind", "answer_unit", "answer_due", "answered_at")
    raw_id_fields = ("assignment", "report")


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(ReadOnlyAdmin):
    list_display = ("number_symbol", "issued_on", "subject")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("assignment", "key", "sent_on", "escalated")
    raw_id_fields = ("assignment",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
