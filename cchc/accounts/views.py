"""Pages for logging in, one's own profile and tokens, and managing people and roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import (
    ApiTokenForm,
    LoginForm,
    RoleGrantForm,
    RoleRevokeForm,
    UnlockForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from .models import ApiToken, RoleAssignment, User
from .queries import current_lockouts

View = TypeVar("View", bound=Callable[..., HttpResponse])


def manager_required(view: View) -> View:
    """Log in first; then only administrators and the secretariat get through (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.access.can_manage_users:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def run_service(form: Form, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service; put any ValidationError it raises on the form and return None."""
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return None


def form_errors(form: Form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


# Logging in and out, password -------------------------------------------------------

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


password_change = PasswordChange.as_view()


# My profile and API tokens ----------------------------------------------------------


def _profile_context(user: User, **extra: Any) -> dict[str, Any]:
    roles = list(user.role_assignments.select_related("unit").order_by("-valid_from"))
    return {
        "person": user,
        "current_roles": [r for r in roles if r.status in ("active", "future")],
        "past_roles": [r for r in roles if r.status in ("ended", "revoked")],
        "tokens": user.api_tokens.all(),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(),
        **extra,
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request.user))


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    created = form.is_valid() and run_service(
        form,
        services.create_api_token,
        request.user,
        name=form.cleaned_data["name"],
        expires_at=form.expires_at,
    )
    # The raw value is rendered into this one response and never stored or shown again.
    context = _profile_context(
        request.user,
        token_form=None if created else form,
        new_token=created[0] if created else None,
        new_token_value=created[1] if created else "",
    )
    return render(request, "accounts/profile.html", context, status=200 if created else 400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    try:
        services.revoke_api_token(token, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token})
    if token.user_id == request.user.pk:
        return redirect("accounts:profile")
    return redirect(token.user)


# People (managers) --------------------------------------------------------------------


@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    users = User.objects.visible_to(request.user)
    if form.is_valid():
        users = form.filter(users)
    page = Paginator(users.with_active_roles(), 25).get_page(request.GET.get("page"))
    template = "accounts/partials/user_rows.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"form": form, "page": page})


@manager_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        person = run_service(form, services.create_user, by=request.user, **data)
        if person:
            messages.success(request, _("Account “%(name)s” created.") % {"name": person})
            return redirect(person)
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


def _detail_context(request: HttpRequest, person: User, **extra: Any) -> dict[str, Any]:
    can_edit = person.can_edit(request.user)
    context = _profile_context(person)
    return {
        **context,
        "can_edit": can_edit,
        "revocable": {
            r.pk
            for r in context["current_roles"]
            if can_edit and person.can_grant(r.role, request.user)
        },
        "grant_form": extra.pop("grant_form", None)
        or (can_edit and RoleGrantForm(by=request.user)),
        **extra,
    }


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if not request.user.access.can_manage_users:
        return redirect("accounts:profile")  # the only person they can see is themselves
    return render(request, "accounts/user_detail.html", _detail_context(request, person))


@manager_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if not person.can_edit(request.user):
        raise PermissionDenied
    initial = {name: getattr(person, name) for name in services.EDITABLE_USER_FIELDS}
    form = UserForm(request.POST or None, initial=initial)
    if form.is_valid() and run_service(
        form, services.update_user, person, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The account has been saved."))
        return redirect(person)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    try:
        services.set_user_active(person, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The account is active.") if active else _("The account is deactivated.")
        )
    return redirect(person)


@manager_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@manager_required
@require_POST
def user_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


# Roles (managers) ---------------------------------------------------------------------


@manager_required
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = RoleGrantForm(request.POST, by=request.user)
    if form.is_valid() and run_service(
        form, services.grant_role, person, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The role has been granted."))
        return redirect(person)
    context = _detail_context(request, person, grant_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@manager_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignments = RoleAssignment.objects.visible_to(request.user).select_related("user")
    assignment = get_object_or_404(assignments, pk=pk)
    form = RoleRevokeForm(request.POST)
    if form.is_valid() and run_service(
        form, services.revoke_role, assignment, by=request.user, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("The role has been revoked."))
    else:
        messages.error(request, form_errors(form))
    return redirect(assignment.user)


# Locked-out logins (managers) -----------------------------------------------------------


@manager_required
def lockouts(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/lockouts.html", {"lockouts": current_lockouts()})


@manager_required
@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if form.is_valid() and services.unlock_user(form.cleaned_data["username"], by=request.user):
        messages.success(request, _("“%(username)s” may log in again.") % form.cleaned_data)
    else:
        messages.warning(request, _("That login was not locked."))
    return redirect("accounts:lockouts")
