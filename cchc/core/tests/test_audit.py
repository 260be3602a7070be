"""The audit trail: every change to an audited record, every login, kept append-only."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from simple_history.middleware import HistoryRequestMiddleware

from cchc.accounts.tests.factories import PASSWORD
from cchc.core.audit import MASK, change_rows, record_event
from cchc.core.models import AppendOnlyError, AuditEvent
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

pytestmark = pytest.mark.usefixtures("english")


def events_for(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


@pytest.fixture
def unit(province) -> Unit:
    return make_unit(
        "Sở Xây dựng tỉnh An Giang",
        parent=province,
        code="SXD",
        short_name="SXD",
        valid_from=datetime.date(2025, 7, 1),
    )


# --- record events ---------------------------------------------------------------------


def test_creating_a_unit_records_every_field(unit, province):
    (event,) = events_for(unit)

    assert event.verb == "record.created"
    assert event.object_repr == "Sở Xây dựng tỉnh An Giang"
    assert event.changes == {
        "id": [None, unit.pk],
        "code": [None, "SXD"],
        "name": [None, "Sở Xây dựng tỉnh An Giang"],
        "short_name": [None, "SXD"],
        "kind": [None, "department"],
        "parent_id": [None, province.pk],
        "official_code": [None, ""],
        "valid_from": [None, "2025-07-01"],
        "valid_to": [None, None],
        "email": [None, ""],
        "notes": [None, ""],
    }


def test_updating_a_unit_records_only_what_changed(unit):
    unit.name = "Sở Xây dựng"
    unit.valid_to = datetime.date(2026, 6, 30)
    unit.save()

    event = events_for(unit)[-1]
    assert event.verb == "record.updated"
    assert event.object_repr == "Sở Xây dựng"
    assert event.changes == {
        "name": ["Sở Xây dựng tỉnh An Giang", "Sở Xây dựng"],
        "valid_to": [None, "2026-06-30"],
    }


def test_an_update_that_changes_nothing_writes_no_event(unit):
    before = AuditEvent.objects.count()

    unit.save()
    Unit.objects.get(pk=unit.pk).save()

    assert unit.history.count() == 3  # the history library still keeps its rows
    assert AuditEvent.objects.count() == before


def test_deleting_a_unit_records_what_it_was(unit, province):
    pk = unit.pk
    unit.delete()

    event = AuditEvent.objects.filter(verb="record.deleted").get()
    assert event.object_id == str(pk)
    assert event.object_repr == "Sở Xây dựng tỉnh An Giang"
    assert event.changes["code"] == ["SXD", None]
    assert event.changes["parent_id"] == [province.pk, None]
    assert event.changes["valid_from"] == ["2025-07-01", None]


def test_shell_edits_are_recorded_as_the_system(unit):
    unit.notes = "sửa trong shell"
    unit.save()

    event = events_for(unit)[-1]
    assert event.actor is None
    assert event.actor_label == ""
    assert event.actor_display == "system"
    assert event.data == {"via": "system"}


def test_edits_during_a_request_record_the_person(unit, admin_user):
    assert settings.MIDDLEWARE.index(
        "simple_history.middleware.HistoryRequestMiddleware"
    ) > settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    request = RequestFactory().post("/units/1/edit/")
    request.user = admin_user

    def view(request):
        unit.email = "sxd@angiang.gov.vn"
        unit.save()
        return HttpResponse()

    HistoryRequestMiddleware(view)(request)

    event = events_for(unit)[-1]
    assert event.actor == admin_user
    assert event.actor_label == "admin"
    assert event.data == {"via": "request"}
    assert event.changes == {"email": ["", "sxd@angiang.gov.vn"]}


def test_password_changes_are_masked(focal_point):
    old_hash = focal_point.password
    focal_point.set_password("Một-mật-khẩu-mới-2026")
    focal_point.save()

    event = events_for(focal_point)[-1]
    assert event.verb == "record.updated"
    assert event.changes == {"password": [MASK, MASK]}
    stored = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert old_hash not in stored
    assert focal_point.password not in stored
    (row,) = change_rows(event)
    assert (row.label, row.before, row.after, row.masked) == ("Password", MASK, MASK, True)


def test_change_rows_show_labels_choices_and_dates(unit, province):
    (event,) = events_for(unit)

    rows = {row.field: row for row in change_rows(event)}

    assert rows["kind"].label == "Kind"
    assert rows["kind"].after == "Department or agency"
    assert rows["valid_from"].after == "01/07/2025"
    assert rows["parent_id"].label == "Parent unit"
    assert rows["name"].before == ""


def test_record_event_keeps_domain_events(unit, admin_user):
    event = record_event(
        unit, "unit.checked", by=admin_user, data={"year": 2026}, ip_address="10.0.0.5"
    )

    assert event.actor == admin_user
    assert event.object_id == str(unit.pk)
    assert event.data == {"year": 2026}
    assert event.ip_address == "10.0.0.5"


# --- append-only -------------------------------------------------------------------------


@pytest.fixture
def event(unit) -> AuditEvent:
    return events_for(unit)[0]


def test_an_event_cannot_be_saved_again(event):
    event.verb = "record.deleted"

    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="record.deleted")


def test_the_database_refuses_a_raw_update(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET verb = %s WHERE id = %s", ["forged", event.pk])

    event.refresh_from_db()
    assert event.verb == "record.created"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite allows DELETE so that Django's test flush works; PostgreSQL refuses it",
)
def test_the_database_refuses_a_raw_delete(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- logins ------------------------------------------------------------------------------


def test_login_logout_and_failed_login_are_recorded_with_the_address(client, admin_user):
    login = reverse("admin:login")
    ip = {"REMOTE_ADDR": "10.20.30.40"}

    client.post(login, {"username": "admin", "password": "wrong-password"}, **ip)
    client.post(login, {"username": "nobody", "password": "whatever"}, **ip)
    response = client.post(login, {"username": "admin", "password": PASSWORD}, **ip)
    assert response.status_code == 302
    client.post(reverse("admin:logout"), **ip)

    events = list(AuditEvent.objects.filter(verb__startswith="auth.").order_by("id"))
    assert [(e.verb, e.actor, e.actor_label, e.ip_address) for e in events] == [
        ("auth.login_failed", None, "admin", "10.20.30.40"),
        ("auth.login_failed", None, "nobody", "10.20.30.40"),
        ("auth.login", admin_user, "admin", "10.20.30.40"),
        ("auth.logout", admin_user, "admin", "10.20.30.40"),
    ]
    assert events[0].object_id == str(admin_user.pk)
    assert events[1].object_id == ""
    assert "password" not in str(events[0].data)


# --- audit search --------------------------------------------------------------------------


@pytest.fixture
def trail(unit, admin_user, focal_point, home_affairs_officer):
    """Three events with known people, types, actions and days."""
    tz = timezone.get_current_timezone()
    made = {
        "old": AuditEvent.objects.create(
            at=datetime.datetime(2026, 1, 5, 9, 30, tzinfo=tz),
            actor=admin_user,
            actor_label="admin",
            verb="unit.checked",
            content_type=_ct(unit),
            object_id=str(unit.pk),
            object_repr=str(unit),
            changes={"notes": ["Chưa rà soát", "Đã rà soát"]},
        ),
        "mid": AuditEvent.objects.create(
            at=datetime.datetime(2026, 2, 10, 14, 0, tzinfo=tz),
            actor=focal_point,
            actor_label="focal",
            verb="record.updated",
            content_type=_ct(unit),
            object_id=str(unit.pk),
            object_repr=str(unit),
            changes={"email": ["", "sxd@angiang.gov.vn"]},
        ),
        "login": AuditEvent.objects.create(
            at=datetime.datetime(2026, 2, 11, 8, 0, tzinfo=tz),
            actor=focal_point,
            actor_label="focal",
            verb="auth.login",
            content_type=_ct(focal_point),
            object_id=str(focal_point.pk),
            object_repr=str(focal_point),
            ip_address="10.1.1.1",
        ),
    }
    return made


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def _found(response) -> list[int]:
    return [e.pk for e in response.context["page"].object_list]


def test_secretariat_searches_the_whole_trail(client, home_affairs_officer, trail):
    client.force_login(home_affairs_officer)

    response = client.get(reverse("core:audit-search"))

    assert response.status_code == 200
    assert set(_found(response)) == set(AuditEvent.objects.values_list("pk", flat=True))
    content = response.content.decode()
    assert "05/01/2026 09:30" in content
    assert "Chưa rà soát</del>" in content
    assert "Đã rà soát</ins>" in content
    assert "sxd@angiang.gov.vn</ins>" in content
    assert trail["mid"].get_record_history_url() in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"verb": "unit.checked"}, ["old"]),
        ({"verb": "auth.login", "date_from": "11/02/2026", "date_to": "11/02/2026"}, ["login"]),
        ({"date_from": "01/02/2026", "date_to": "10/02/2026", "verb": "record.updated"}, ["mid"]),
        ({"date_to": "31/01/2026", "verb": "unit.checked"}, ["old"]),
    ],
)
def test_secretariat_filters_by_action_and_dates(
    client, home_affairs_officer, trail, query, expected
):
    client.force_login(home_affairs_officer)

    response = client.get(reverse("core:audit-search"), query)

    assert _found(response) == [trail[name].pk for name in expected]


def test_secretariat_filters_by_person_and_record_type(
    client, home_affairs_officer, focal_point, unit, trail
):
    client.force_login(home_affairs_officer)
    url = reverse("core:audit-search")

    by_person = client.get(url, {"person": focal_point.pk, "date_from": "01/01/2026"})
    by_type = client.get(url, {"record_type": _ct(focal_point).pk, "date_to": "28/02/2026"})
    both = client.get(url, {"person": focal_point.pk, "record_type": _ct(unit).pk})

    assert _found(by_person) == [trail["login"].pk, trail["mid"].pk]
    assert _found(by_type) == [trail["login"].pk]
    assert _found(both) == [trail["mid"].pk]


def test_htmx_filtering_returns_only_the_rows(client, home_affairs_officer, trail):
    client.force_login(home_affairs_officer)

    response = client.get(
        reverse("core:audit-search"), {"verb": "unit.checked"}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert "<html" not in content
    assert "<table" in content
    assert _found(response) == [trail["old"].pk]


def test_pagination_keeps_the_filters(client, home_affairs_officer, unit, admin_user):
    for n in range(55):
        record_event(unit, "unit.checked", by=admin_user, data={"n": n})
    client.force_login(home_affairs_officer)

    response = client.get(reverse("core:audit-search"), {"verb": "unit.checked"})

    assert len(_found(response)) == 50
    assert "?verb=unit.checked&amp;page=2" in response.content.decode()
    second = client.get(reverse("core:audit-search"), {"verb": "unit.checked", "page": 2})
    assert len(_found(second)) == 5


def test_a_bad_date_range_is_explained(client, home_affairs_officer, trail):
    client.force_login(home_affairs_officer)

    response = client.get(
        reverse("core:audit-search"), {"date_from": "10/02/2026", "date_to": "01/02/2026"}
    )

    assert "The end date is before the start date." in response.content.decode()


def test_focal_point_cannot_search_the_trail(client, focal_point, trail):
    client.force_login(focal_point)

    assert client.get(reverse("core:audit-search")).status_code == 404


# --- record history ------------------------------------------------------------------------


def history_url(obj) -> str:
    ct = _ct(obj)
    return reverse("core:record-history", args=[ct.app_label, ct.model, obj.pk])


def test_focal_point_sees_the_history_of_their_unit(client, focal_point, unit_a):
    unit_a.notes = "Cập nhật"
    unit_a.save()
    client.force_login(focal_point)

    response = client.get(history_url(unit_a))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>" in content
    assert "Sở Tư pháp tỉnh An Giang" in content
    assert [e.verb for e in response.context["page"].object_list] == [
        "record.updated",
        "record.created",
    ]
    assert "Cập nhật</ins>" in content


def test_focal_point_cannot_see_the_history_of_another_unit(client, focal_point, unit_b):
    client.force_login(focal_point)

    assert client.get(history_url(unit_b)).status_code == 404


def test_masked_fields_show_dots_in_the_history(client, admin_user, focal_point):
    focal_point.set_password("Một-mật-khẩu-mới-2026")
    focal_point.save()
    client.force_login(admin_user)

    response = client.get(history_url(focal_point))

    assert response.status_code == 200
    assert f'<del><span class="visually-hidden">before: </span>{MASK}</del>' in (
        response.content.decode()
    )
    assert focal_point.password not in response.content.decode()


def test_history_of_a_deleted_record_stays_readable_for_the_secretariat(
    client, home_affairs_officer, unit
):
    url = history_url(unit)
    unit.delete()
    client.force_login(home_affairs_officer)

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["title"] == "Sở Xây dựng tỉnh An Giang"
    assert response.context["page"].object_list[0].verb == "record.deleted"


def test_unknown_records_and_types_are_not_found(client, home_affairs_officer):
    client.force_login(home_affairs_officer)

    assert client.get("/audit/units/unit/999999/").status_code == 404
    assert client.get("/audit/units/nothing/1/").status_code == 404
    assert client.get("/audit/units/unit/not-a-number/").status_code == 404
