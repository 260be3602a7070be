"""Units in the Django admin, for administrators; every edit is kept in the history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cchc.accounts.admin import AdministratorsOnlyChangeMixin

from .models import Unit, UnitSuccession


@admin.register(Unit)
class UnitAdmin(AdministratorsOnlyChangeMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("code", "name", "short_name", "search_text")
    raw_id_fields = ("parent",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AdministratorsOnlyChangeMixin, SimpleHistoryAdmin):
    list_display = ("predecessor", "successor", "effective_date", "whole", "legal_basis")
    raw_id_fields = ("predecessor", "successor")
