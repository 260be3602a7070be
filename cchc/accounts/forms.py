"""HTML input for logging in, people, roles and tokens. Services re-check everything."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import DateInput
from cchc.core.widgets import FastSelect
from cchc.units.models import Unit

from .models import User, UserQuerySet
from .roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form; the backend accepts a username or an e-mail address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or e-mail")
        # Long enough for an e-mail address, not only a username.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs.update(autocomplete="username", maxlength=254)


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class UserCreateForm(UserForm):
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to create the account without a password; "
            "an administrator then sets one before the person can log in."
        ),
    )
    password_again = forms.CharField(
        label=_("Initial password (again)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password", "") != data.get("password_again", ""):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class UserFilterForm(forms.Form):
    ACTIVE_CHOICES = [("", _("All accounts")), ("1", _("Active")), ("0", _("Deactivated"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.all(),
        empty_label=_("All units"),
        widget=FastSelect,
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)
    ending = forms.BooleanField(label=_("Roles ending within 30 days"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    def filter(self, users: UserQuerySet) -> UserQuerySet:
        data = self.cleaned_data
        users = users.search(data.get("q") or "")
        if data.get("role") or data.get("unit"):
            users = users.holding(role=data.get("role") or "", unit=data.get("unit"))
        if data.get("active"):
            users = users.filter(is_active=data["active"] == "1")
        if data.get("ending"):
            users = users.with_roles_ending(days=30)
        return users


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), widget=FastSelect)
    includes_subtree = forms.BooleanField(label=_("Covers the units below"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
        grantable = set(by.access.grantable_roles())
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in grantable]
        self.fields["unit"].queryset = Unit.objects.current().visible_to(by).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “one-stop-shop import”."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Last day the token works. Leave empty for no expiry."),
    )

    def clean_expires_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The date is in the past."))
        return day

    @property
    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day, in local time."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        next_day = day + datetime.timedelta(days=1)
        return datetime.datetime.combine(
            next_day, datetime.time(), tzinfo=timezone.get_current_timezone()
        )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
