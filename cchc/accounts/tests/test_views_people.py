"""The people pages for managers: list, detail, create, edit, (de)activate."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts import services
from cchc.accounts.models import RoleAssignment, User
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import AuditEvent

from .helpers import messages_of

pytestmark = pytest.mark.django_db


# User list ------------------------------------------------------------------------------


def test_user_list_for_managers(manager_client, focal_point, outsider, admin_user):
    response = manager_client.get(reverse("accounts:user-list"))
    assert response.status_code == 200
    assert [u.username for u in response.context["page"]] == [
        "admin",
        "focal",
        "outsider",
        "secretariat",
    ]
    assert response.templates[0].name == "accounts/user_list.html"
    content = response.content.decode()
    assert reverse("core:record-history", args=["accounts", "user", focal_point.pk]) in content


def test_user_list_search_ignores_diacritics(manager_client):
    make_user("nva", full_name="Nguyễn Văn Ánh")
    make_user("ttb", full_name="Trần Thị Bích")
    response = manager_client.get(reverse("accounts:user-list"), {"q": "nguyen van anh"})
    assert [u.username for u in response.context["page"]] == ["nva"]


def test_user_list_htmx_returns_rows_only(manager_client, focal_point):
    response = manager_client.get(
        reverse("accounts:user-list"), {"q": "focal"}, HTTP_HX_REQUEST="true"
    )
    assert [t.name for t in response.templates] == [
        "accounts/partials/user_rows.html",
        "core/partials/pagination.html",
    ]
    assert "<html" not in response.content.decode()
    assert [u.username for u in response.context["page"]] == ["focal"]


def test_user_list_filters_by_role_unit_and_status(manager_client, focal_point, outsider, unit_b):
    url = reverse("accounts:user-list")
    by_role = manager_client.get(url, {"role": Role.FOCAL_POINT})
    assert [u.username for u in by_role.context["page"]] == ["focal", "outsider"]
    by_unit = manager_client.get(url, {"unit": unit_b.pk})
    assert [u.username for u in by_unit.context["page"]] == ["outsider"]
    services.set_user_active(outsider, active=False, by=User.objects.get(username="secretariat"))
    inactive = manager_client.get(url, {"active": "0"})
    assert [u.username for u in inactive.context["page"]] == ["outsider"]


def test_user_list_roles_ending_soon(manager_client, focal_point, outsider):
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=focal_point).update(
        valid_to=today + datetime.timedelta(days=10)
    )
    response = manager_client.get(reverse("accounts:user-list"), {"ending": "1"})
    assert [u.username for u in response.context["page"]] == ["focal"]


def test_user_list_paginates(manager_client):
    for n in range(30):
        make_user(f"p{n:02d}")
    first = manager_client.get(reverse("accounts:user-list"))
    second = manager_client.get(reverse("accounts:user-list"), {"page": 2})
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 6
    assert "?page=2" in first.content.decode()


def test_user_list_bad_filter_is_ignored(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-list"), {"unit": "999999"})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


@pytest.mark.parametrize("person", ["focal_point", "leader", "appraiser", "no_role_user"])
def test_user_list_forbidden_for_non_managers(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("accounts:user-list")).status_code == 403


def test_manager_pages_need_login(client, focal_point):
    for url in [reverse("accounts:user-list"), reverse("accounts:lockouts")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# User detail, create, edit, (de)activate --------------------------------------------------


def test_user_detail(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-detail", args=[focal_point.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["revocable"] == {focal_point.role_assignments.get().pk}
    roles = [c for c, _label in response.context["grant_form"].fields["role"].choices]
    assert Role.ADMIN not in roles
    content = response.content.decode()
    assert reverse("accounts:role-grant", args=[focal_point.pk]) in content
    role_pk = focal_point.role_assignments.get().pk
    assert reverse("core:record-history", args=["accounts", "roleassignment", role_pk]) in content


def test_user_detail_of_admin_is_read_only_for_secretariat(manager_client, admin_user):
    response = manager_client.get(reverse("accounts:user-detail", args=[admin_user.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["grant_form"] is False
    assert response.context["revocable"] == set()


def test_user_detail_of_someone_else_is_404_for_non_managers(client, focal_point, outsider):
    client.force_login(outsider)
    assert client.get(reverse("accounts:user-detail", args=[focal_point.pk])).status_code == 404


def test_user_detail_of_oneself_leads_to_profile(client, focal_point):
    client.force_login(focal_point)
    response = client.get(reverse("accounts:user-detail", args=[focal_point.pk]))
    assert response["Location"] == reverse("accounts:profile")


def test_user_create(manager_client, home_affairs_officer):
    response = manager_client.post(
        reverse("accounts:user-create"),
        {
            "username": "lan",
            "email": "lan@angiang.gov.vn",
            "full_name": "Nguyễn Thị Lan",
            "position": "Chuyên viên",
            "phone": "",
            "password": "",
            "password_again": "",
        },
    )
    person = User.objects.get(username="lan")
    assert response["Location"] == reverse("accounts:user-detail", args=[person.pk])
    assert person.full_name == "Nguyễn Thị Lan"
    assert not person.has_usable_password()


def test_user_create_bad_input(manager_client, focal_point):
    response = manager_client.post(
        reverse("accounts:user-create"),
        {
            "username": "lan",
            "email": "focal@example.gov.vn",
            "full_name": "Lan",
            "password": "Mat-khau-2026!x",
            "password_again": "different",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password_again"}
    response = manager_client.post(
        reverse("accounts:user-create"),
        {"username": "lan", "email": "FOCAL@example.gov.vn", "full_name": "Lan"},
    )
    assert set(response.context["form"].errors) == {"email"}
    assert not User.objects.filter(username="lan").exists()


def test_user_create_forbidden_for_non_managers(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:user-create"),
        {"username": "lan", "email": "lan@x.vn", "full_name": "Lan"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="lan").exists()


def test_user_edit(manager_client, focal_point):
    url = reverse("accounts:user-edit", args=[focal_point.pk])
    assert manager_client.get(url).context["form"].initial["username"] == "focal"
    response = manager_client.post(
        url,
        {
            "username": "focal",
            "email": "focal@example.gov.vn",
            "full_name": "Lê Thị Hoa",
            "position": "Trưởng phòng",
            "phone": "0912345678",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(pk=focal_point.pk)
    assert (person.full_name, person.position, person.phone) == (
        "Lê Thị Hoa",
        "Trưởng phòng",
        "0912345678",
    )


def test_user_edit_bad_input(manager_client, focal_point, outsider):
    response = manager_client.post(
        reverse("accounts:user-edit", args=[focal_point.pk]),
        {"username": "outsider", "email": "focal@example.gov.vn", "full_name": "X"},
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    person = User.objects.get(pk=focal_point.pk)
    assert (person.username, person.full_name) == ("focal", focal_point.full_name)


def test_secretariat_cannot_edit_admin(manager_client, admin_user):
    url = reverse("accounts:user-edit", args=[admin_user.pk])
    assert manager_client.get(url).status_code == 403
    response = manager_client.post(
        url, {"username": "admin", "email": "admin@example.gov.vn", "full_name": "Hacked"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).full_name == admin_user.full_name


def test_admin_can_edit_admin(client, admin_user):
    other = make_user("admin2")
    RoleAssignment.objects.create(
        user=other, role=Role.ADMIN, unit=admin_user.role_assignments.get().unit
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user-edit", args=[other.pk]),
        {"username": "admin2", "email": "admin2@example.gov.vn", "full_name": "Quản trị 2"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=other.pk).full_name == "Quản trị 2"


def test_non_manager_cannot_edit(client, focal_point, outsider):
    client.force_login(focal_point)
    assert client.get(reverse("accounts:user-edit", args=[focal_point.pk])).status_code == 403


def test_deactivate_and_activate(manager_client, focal_point):
    response = manager_client.post(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response["Location"] == reverse("accounts:user-detail", args=[focal_point.pk])
    assert not User.objects.get(pk=focal_point.pk).is_active
    manager_client.post(reverse("accounts:user-activate", args=[focal_point.pk]))
    assert User.objects.get(pk=focal_point.pk).is_active


def test_deactivate_is_post_only(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response.status_code == 405
    assert User.objects.get(pk=focal_point.pk).is_active


def test_cannot_deactivate_oneself(manager_client, home_affairs_officer):
    response = manager_client.post(
        reverse("accounts:user-deactivate", args=[home_affairs_officer.pk]), follow=True
    )
    assert messages_of(response) == ["You cannot deactivate your own account."]
    assert User.objects.get(pk=home_affairs_officer.pk).is_active


def test_secretariat_cannot_deactivate_admin(manager_client, admin_user):
    response = manager_client.post(reverse("accounts:user-deactivate", args=[admin_user.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).is_active
    assert not AuditEvent.objects.filter(verb="user.deactivated").exists()


def test_non_manager_cannot_deactivate(client, focal_point, outsider):
    client.force_login(outsider)
    response = client.post(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=focal_point.pk).is_active
