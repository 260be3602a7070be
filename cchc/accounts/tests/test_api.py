from __future__ import annotations

import pytest

from cchc.accounts import services
from cchc.accounts.models import ApiToken, RoleAssignment, hash_token
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/accounts"


@pytest.fixture
def manager_api(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    return client


def token_client(client, user) -> dict[str, str]:
    _token, raw = services.create_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_me(client, focal_point, unit_a):
    response = client.get(f"{API}/me", **token_client(client, focal_point))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "focal"
    assert body["can_manage_users"] is False
    assert body["grantable_roles"] == []
    [role] = body["roles"]
    assert (role["role"], role["unit_id"], role["unit_name"], role["status"]) == (
        "focal_point",
        unit_a.pk,
        "Sở Tư pháp tỉnh An Giang",
        "active",
    )


def test_user_list_for_managers(manager_api, focal_point, outsider, unit_b):
    make_user("nva", full_name="Nguyễn Văn Ánh")
    everyone = manager_api.get(f"{API}/users").json()
    assert everyone["count"] == 4
    assert [u["username"] for u in everyone["items"]] == ["focal", "nva", "outsider", "secretariat"]
    found = manager_api.get(f"{API}/users", {"q": "nguyen van"}).json()
    assert [u["username"] for u in found["items"]] == ["nva"]
    by_role = manager_api.get(f"{API}/users", {"role": "focal_point"}).json()
    assert [u["username"] for u in by_role["items"]] == ["focal", "outsider"]
    by_unit = manager_api.get(f"{API}/users", {"unit": unit_b.pk}).json()
    assert [u["username"] for u in by_unit["items"]] == ["outsider"]


def test_user_list_paginates(manager_api):
    for n in range(55):
        make_user(f"p{n:02d}")
    second = manager_api.get(f"{API}/users", {"page": 2}).json()
    assert second["count"] == 56
    assert len(second["items"]) == 6


def test_user_list_forbidden_for_non_managers(client, focal_point):
    response = client.get(f"{API}/users", **token_client(client, focal_point))
    assert response.status_code == 403
    assert error_code(response) == "forbidden"


def test_user_read(manager_api, focal_point):
    response = manager_api.get(f"{API}/users/{focal_point.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == focal_point.full_name


def test_user_read_of_someone_else_is_404(client, focal_point, outsider):
    headers = token_client(client, outsider)
    response = client.get(f"{API}/users/{focal_point.pk}", **headers)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert client.get(f"{API}/users/{outsider.pk}", **headers).status_code == 200


def test_role_grant(client, home_affairs_officer, no_role_user, unit_a):
    response = client.post(
        f"{API}/users/{no_role_user.pk}/roles",
        {
            "role": "unit_leader",
            "unit_id": unit_a.pk,
            "includes_subtree": True,
            "valid_from": "2026-03-01",
            "valid_to": "2030-12-31",
        },
        content_type="application/json",
        **token_client(client, home_affairs_officer),
    )
    assert response.status_code == 201
    assignment = RoleAssignment.objects.get(user=no_role_user)
    assert response.json()["id"] == assignment.pk
    assert (assignment.role, assignment.unit, assignment.granted_by) == (
        Role.UNIT_LEADER,
        unit_a,
        home_affairs_officer,
    )
    assert str(assignment.valid_to) == "2030-12-31"
    assert AuditEvent.objects.get(verb="role.granted").actor == home_affairs_officer


def test_role_grant_bad_dates(manager_api, no_role_user, unit_a):
    response = manager_api.post(
        f"{API}/users/{no_role_user.pk}/roles",
        {
            "role": "focal_point",
            "unit_id": unit_a.pk,
            "valid_from": "2026-12-31",
            "valid_to": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "valid_to", "message": "The end date is before the start date."}
    ]
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_role_grant_malformed_input(manager_api, no_role_user):
    response = manager_api.post(
        f"{API}/users/{no_role_user.pk}/roles",
        {"role": "focal_point", "valid_from": "yesterday"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert error_code(response) == "invalid"
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_role_grant_unknown_unit(manager_api, no_role_user):
    response = manager_api.post(
        f"{API}/users/{no_role_user.pk}/roles",
        {"role": "focal_point", "unit_id": 999999},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_secretariat_cannot_grant_admin(manager_api, no_role_user, province):
    response = manager_api.post(
        f"{API}/users/{no_role_user.pk}/roles",
        {"role": "admin", "unit_id": province.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()
    assert not AuditEvent.objects.filter(verb="role.granted").exists()


def test_non_manager_cannot_grant(client, focal_point, unit_a):
    response = client.post(
        f"{API}/users/{focal_point.pk}/roles",
        {"role": "leader", "unit_id": unit_a.pk},
        content_type="application/json",
        **token_client(client, focal_point),
    )
    assert response.status_code == 403
    assert focal_point.role_assignments.count() == 1


def test_role_revoke(manager_api, focal_point):
    assignment = focal_point.role_assignments.get()
    response = manager_api.post(
        f"{API}/roles/{assignment.pk}/revoke",
        {"reason": "Nghỉ hưu"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert RoleAssignment.objects.get(pk=assignment.pk).revoke_reason == "Nghỉ hưu"


def test_role_revoke_twice(manager_api, focal_point):
    assignment = focal_point.role_assignments.get()
    url = f"{API}/roles/{assignment.pk}/revoke"
    manager_api.post(url, {"reason": "a"}, content_type="application/json")
    response = manager_api.post(url, {"reason": "b"}, content_type="application/json")
    assert response.status_code == 422
    assert RoleAssignment.objects.get(pk=assignment.pk).revoke_reason == "a"


def test_role_revoke_by_others(client, focal_point, outsider):
    assignment = focal_point.role_assignments.get()
    url = f"{API}/roles/{assignment.pk}/revoke"
    response = client.post(
        url, {"reason": "x"}, content_type="application/json", **token_client(client, outsider)
    )
    assert response.status_code == 404
    own = client.post(
        url, {"reason": "x"}, content_type="application/json", **token_client(client, focal_point)
    )
    assert own.status_code == 403
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


def test_tokens_list_only_mine(client, focal_point, outsider):
    services.create_api_token(outsider, name="theirs")
    headers = token_client(client, focal_point)
    response = client.get(f"{API}/tokens", **headers)
    assert [t["name"] for t in response.json()] == ["test"]
    assert "token_hash" not in response.json()[0]


def test_token_create_returns_value_once(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        f"{API}/tokens",
        {"name": "Một cửa", "expires_at": "2099-12-31T00:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 201
    raw = response.json()["value"]
    token = ApiToken.objects.get(user=focal_point)
    assert token.token_hash == hash_token(raw)
    assert token.expires_at.year == 2099
    listed = client.get(f"{API}/tokens").json()
    assert "value" not in listed[0]
    assert raw not in str(listed)


def test_token_create_bad_input(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        f"{API}/tokens",
        {"name": "old", "expires_at": "2000-01-01T00:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_token_cannot_mint_tokens(client, focal_point):
    headers = token_client(client, focal_point)
    response = client.post(
        f"{API}/tokens", {"name": "more"}, content_type="application/json", **headers
    )
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


def test_token_revoke(client, focal_point):
    token, raw = services.create_api_token(focal_point, name="other")
    headers = token_client(client, focal_point)
    response = client.post(f"{API}/tokens/{token.pk}/revoke", **headers)
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_revoke_of_someone_else(client, focal_point, outsider):
    token, _raw = services.create_api_token(focal_point, name="mine")
    response = client.post(f"{API}/tokens/{token.pk}/revoke", **token_client(client, outsider))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_every_endpoint_is_documented():
    # Built from our router alone, so another app's schema cannot hide a gap in ours.
    from cchc.accounts.api import router

    operations = {}
    for path, path_view in router.path_operations.items():
        for operation in path_view.operations:
            models = [*operation.models, *operation.response_models.values()]
            for model in models:
                model.model_json_schema()  # raises if the schema cannot be documented
            operations[operation.operation_id] = (sorted(operation.methods), path)
    assert operations == {
        "me_read": (["GET"], "/me"),
        "user_list": (["GET"], "/users"),
        "user_read": (["GET"], "/users/{user_id}"),
        "role_grant": (["POST"], "/users/{user_id}/roles"),
        "role_revoke": (["POST"], "/roles/{role_id}/revoke"),
        "token_list": (["GET"], "/tokens"),
        "token_create": (["POST"], "/tokens"),
        "token_revoke": (["POST"], "/tokens/{token_id}/revoke"),
    }


def test_openapi_lists_our_operations(client):
    schema = client.get("/api/openapi.json").json()
    documented = {
        op["operationId"]
        for path, methods in schema["paths"].items()
        if path.startswith(API + "/")
        for op in methods.values()
    }
    assert documented == {
        "me_read",
        "user_list",
        "user_read",
        "role_grant",
        "role_revoke",
        "token_list",
        "token_create",
        "token_revoke",
    }
