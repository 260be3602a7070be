"""People, roles and personal API tokens over HTTP (mounted at /api/accounts).

Endpoints only translate input, fetch through `visible_to` and call the same services
as the HTML pages; errors become the API's one JSON error shape (config/api.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from cchc.units.models import Unit

from . import services
from .models import ApiToken, RoleAssignment, User, hash_token

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cchc_…` with a personal token; only its hash is stored."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        if not token.startswith(ApiToken.PREFIX):
            return None
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# Schemas ---------------------------------------------------------------------------------


class RoleAssignmentOut(Schema):
    id: int
    role: str
    role_label: str
    unit_id: int
    unit_name: str
    includes_subtree: bool
    valid_from: datetime.date
    valid_to: datetime.date | None
    revoked_at: datetime.datetime | None
    revoke_reason: str
    status: str = Field(description="active, future, ended or revoked")

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit_name(obj: RoleAssignment) -> str:
        return obj.unit.name


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    position: str
    email: str
    phone: str
    is_active: bool
    roles: list[RoleAssignmentOut] = Field(description="Role assignments active today")

    @staticmethod
    def resolve_roles(obj: User) -> list[RoleAssignment]:
        prefetched = getattr(obj, "active_roles", None)
        if prefetched is not None:
            return prefetched
        return list(obj.role_assignments.active_on(timezone.localdate()))


class MeOut(UserOut):
    can_manage_users: bool
    grantable_roles: list[str]

    @staticmethod
    def resolve_can_manage_users(obj: User) -> bool:
        return obj.access.can_manage_users

    @staticmethod
    def resolve_grantable_roles(obj: User) -> list[str]:
        return obj.access.grantable_roles()


class RoleGrantIn(Schema):
    role: str
    unit_id: int
    includes_subtree: bool = False
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class RoleRevokeIn(Schema):
    reason: str


class ApiTokenIn(Schema):
    name: str
    expires_at: datetime.datetime | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    status: str = Field(description="active, expired or revoked")


class ApiTokenCreatedOut(ApiTokenOut):
    value: str = Field(description="The raw token; it is returned only this once")


# Endpoints -------------------------------------------------------------------------------


@router.get("/me", response=MeOut, operation_id="me_read")
def me_read(request: HttpRequest) -> User:
    return request.auth


@router.get("/users", response=list[UserOut], operation_id="user_list")
@paginate(PageNumberPagination, page_size=50)
def user_list(request: HttpRequest, q: str = "", role: str = "", unit: int | None = None) -> Any:
    if not request.auth.access.can_manage_users:
        raise PermissionDenied
    users = User.objects.visible_to(request.auth).search(q)
    if role or unit:
        users = users.holding(role=role, unit=get_object_or_404(Unit, pk=unit) if unit else None)
    return users.with_active_roles()


@router.get("/users/{user_id}", response=UserOut, operation_id="user_read")
def user_read(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User.objects.visible_to(request.auth), pk=user_id)


@router.post("/users/{user_id}/roles", response={201: RoleAssignmentOut}, operation_id="role_grant")
def role_grant(request: HttpRequest, user_id: int, payload: RoleGrantIn) -> Any:
    person = get_object_or_404(User.objects.visible_to(request.auth), pk=user_id)
    if not request.auth.access.can_manage_users:
        raise PermissionDenied
    unit = Unit.objects.visible_to(request.auth).filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError({"unit_id": _("Unknown unit.")})
    fields = payload.dict(exclude={"unit_id"})
    return Status(201, services.grant_role(person, unit=unit, by=request.auth, **fields))


@router.post("/roles/{role_id}/revoke", response=RoleAssignmentOut, operation_id="role_revoke")
def role_revoke(request: HttpRequest, role_id: int, payload: RoleRevokeIn) -> RoleAssignment:
    assignment = get_object_or_404(RoleAssignment.objects.visible_to(request.auth), pk=role_id)
    return services.revoke_role(assignment, by=request.auth, reason=payload.reason)


@router.get("/tokens", response=list[ApiTokenOut], operation_id="token_list")
def token_list(request: HttpRequest) -> Any:
    return request.auth.api_tokens.all()


@router.post(
    "/tokens",
    response={201: ApiTokenCreatedOut},
    operation_id="token_create",
    # A browser session only: a leaked token must not be able to mint fresh ones.
    auth=SessionAuth(),
)
def token_create(request: HttpRequest, payload: ApiTokenIn) -> Any:
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    token, raw = services.create_api_token(request.auth, name=payload.name, expires_at=expires_at)
    token.value = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response=ApiTokenOut, operation_id="token_revoke")
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    token = get_object_or_404(ApiToken.objects.visible_to(request.auth), pk=token_id)
    return services.revoke_api_token(token, by=request.auth)
