from __future__ import annotations

import pytest

from cchc.accounts import services
from cchc.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True)
    client.force_login(admin_user)
    return client


def test_admin_pages_render(admin_client, focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    role = focal_point.role_assignments.get()
    urls = [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{focal_point.pk}/change/",
        f"/admin/accounts/user/{focal_point.pk}/history/",
        "/admin/accounts/roleassignment/",
        f"/admin/accounts/roleassignment/{role.pk}/change/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url


def test_user_change_form_has_our_fields(admin_client, focal_point):
    form = admin_client.get(f"/admin/accounts/user/{focal_point.pk}/change/").context["adminform"]
    assert {"full_name", "position", "phone"} <= set(form.form.fields)


def test_token_hash_is_read_only(admin_client, focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    response = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert "token_hash" not in response.context["adminform"].form.fields
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_staff_secretariat_cannot_change_people_in_admin(client, home_affairs_officer, focal_point):
    User.objects.filter(pk=home_affairs_officer.pk).update(is_staff=True, is_superuser=False)
    client.force_login(home_affairs_officer)
    response = client.post(
        f"/admin/accounts/user/{focal_point.pk}/change/", {"username": "x", "full_name": "x"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=focal_point.pk).username == "focal"
