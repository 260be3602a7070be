"""The bell: unread count in the header (server-side and htmx-polled), list, read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, text="Nhiệm vụ 5 đã quá hạn", url="/plans/mine/") -> Notification:
    return Notification.objects.create(recipient=user, verb="x", text=text, url=url)


def test_header_shows_unread_count_without_javascript(client, focal_point):
    _notify(focal_point)
    _notify(focal_point)
    client.force_login(focal_point)
    html = client.get(reverse("core:home")).content.decode()
    assert 'class="badge warn bell-count">2</span>' in html
    assert 'hx-trigger="every 60s"' in html


def test_bell_partial_is_polled(client, focal_point, outsider):
    _notify(focal_point)
    _notify(outsider)
    client.force_login(focal_point)
    response = client.get(reverse("core:notification-bell"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert ">1</span>" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_list_shows_own_notifications_and_marks_them_read(client, focal_point, outsider):
    mine = _notify(focal_point, text="Của tôi")
    _notify(outsider, text="Của người khác")
    client.force_login(focal_point)
    response = client.get(reverse("core:notification-list"))
    html = response.content.decode()
    assert "Của tôi" in html
    assert "Của người khác" not in html
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.visible_to(focal_point).unread().count() == 0


def test_read_follows_the_link(client, focal_point):
    notification = _notify(focal_point)
    client.force_login(focal_point)
    response = client.post(reverse("core:notification-read", args=[notification.pk]))
    notification.refresh_from_db()
    assert response["Location"] == "/plans/mine/"
    assert notification.read_at is not None


def test_read_does_not_follow_a_foreign_link(client, focal_point):
    notification = _notify(focal_point, url="https://evil.example/")
    client.force_login(focal_point)
    response = client.post(reverse("core:notification-read", args=[notification.pk]))
    assert response["Location"] == reverse("core:notification-list")


def test_someone_elses_notification_is_404_and_stays_unread(client, focal_point, outsider):
    notification = _notify(outsider)
    client.force_login(focal_point)
    response = client.post(reverse("core:notification-read", args=[notification.pk]))
    notification.refresh_from_db()
    assert response.status_code == 404
    assert notification.read_at is None


def test_read_needs_post(client, focal_point):
    notification = _notify(focal_point)
    client.force_login(focal_point)
    assert client.get(reverse("core:notification-read", args=[notification.pk])).status_code == 405
