"""The home page: who I am, what I hold, what needs doing."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("english")


def test_focal_point_sees_roles_units_and_an_empty_todo(client, focal_point, unit_a):
    client.force_login(focal_point)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"Hello, {focal_point.full_name}" in content
    assert '<span class="badge">PAR focal point</span>' in content
    assert "Nothing needs your attention." in content
    assert f'<a href="{unit_a.get_absolute_url()}">{unit_a.name}</a>' in content
    assert response.context["todo"].items == []


def test_secretariat_sees_what_needs_doing_with_counts_and_links(
    client, home_affairs_officer, unit_b
):
    client.force_login(home_affairs_officer)  # Home Affairs and unit B have no focal point

    response = client.get(reverse("core:home"))

    content = response.content.decode()
    items = response.context["todo"].items
    assert [(i.text, i.count) for i in items] == [("Current units without a PAR focal point", 2)]
    url = reverse("units:unit-list") + "?without_focal_point=1"
    assert f'<a href="{url}">Current units without a PAR focal point</a>' in content
    assert '<span class="count">2</span>' in content
    assert "Nothing needs your attention." not in content


def test_someone_without_a_role_is_told_whom_to_ask(client, no_role_user):
    client.force_login(no_role_user)

    content = client.get(reverse("core:home")).content.decode()

    assert "You hold no role yet." in content
    assert "Your units" not in content


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
