"""The Django admin cannot change the audit trail; unit edits there are recorded."""

from __future__ import annotations

from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.units.models import Unit


def test_audit_trail_is_read_only_in_admin(client, admin_user, unit_a):
    event = AuditEvent.objects.for_object(unit_a).get()
    client.force_login(admin_user)
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.post(change_url, {"verb": "forged"}).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).verb == "record.created"


def test_unit_edit_in_admin_is_in_the_audit_trail(client, admin_user, province, unit_a):
    client.force_login(admin_user)
    url = reverse("admin:units_unit_change", args=[unit_a.pk])
    response = client.post(
        url,
        {
            "code": "STP",
            "name": "Sở Tư pháp",
            "short_name": "STP",
            "kind": Unit.Kind.DEPARTMENT,
            "parent": province.pk,
            "official_code": "",
            "valid_from": "",
            "valid_to": "",
            "email": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(unit_a).get(verb="record.updated")
    assert event.actor == admin_user
    assert event.changes["name"] == ["Sở Tư pháp tỉnh An Giang", "Sở Tư pháp"]


def test_secretariat_cannot_change_units_in_admin(client, home_affairs_officer, unit_a):
    home_affairs_officer.is_staff = True
    home_affairs_officer.save(update_fields=["is_staff"])
    client.force_login(home_affairs_officer)
    url = reverse("admin:units_unit_change", args=[unit_a.pk])
    response = client.post(url, {"code": "X", "name": "X", "kind": Unit.Kind.DEPARTMENT})
    assert response.status_code == 403
    unit_a.refresh_from_db()
    assert unit_a.code == "STP"
