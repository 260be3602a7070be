from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, RoleAssignment, User


class AdministratorsOnlyChangeMixin:
    """People, roles and tokens grant access: only administrators change them here."""

    def _is_admin(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated and request.user.access.is_admin

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate or revoke instead; records are never deleted


@admin.register(User)
class UserAdmin(AdministratorsOnlyChangeMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "position", "email", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "full_name", "position", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email", "search_text")
    readonly_fields = ("last_login", "date_joined")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AdministratorsOnlyChangeMixin, SimpleHistoryAdmin):
    list_display = (
        "user",
        "role",
        "unit",
        "includes_subtree",
        "valid_from",
        "valid_to",
        "revoked_at",
    )
    list_filter = ("role", "includes_subtree")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    raw_id_fields = ("user", "unit", "granted_by", "revoked_by")
    readonly_fields = ("granted_by", "granted_at", "revoked_at", "revoked_by")
    date_hierarchy = "valid_from"


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnlyChangeMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "user",
        "hint",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    search_fields = ("name", "user__username", "hint")
    raw_id_fields = ("user",)
    readonly_fields = ("user", "token_hash", "hint", "created_at", "last_used_at")
    fields = (
        "user",
        "name",
        "hint",
        "token_hash",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # tokens are created on the profile page, which shows the value once
