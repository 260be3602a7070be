"""Campaign services: who may act, what may change in draft / open / closed, the version
locked on opening, the units a campaign may survey, and the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import AuditEvent
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from ..models import Campaign, CampaignStatus, CampaignUnit, SurveyToken
from ..services.campaigns import (
    close_campaign,
    create_campaign,
    open_campaign,
    set_units,
    update_campaign,
)
from .factories import make_campaign, make_version

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)


def settings(chosen, **overrides):
    values = {
        "code": "sipas-2027",
        "name": "Khảo sát 2027",
        "version": chosen,
        "starts_on": START,
        "ends_on": END,
    }
    return values | overrides


@pytest.fixture
def version():
    return make_version("draftform")


@pytest.fixture
def draft(version, unit_a):
    return make_campaign(version, [unit_a], code="draft-2027", status=CampaignStatus.DRAFT)


def test_the_secretariat_creates_a_draft_campaign(home_affairs_officer, version):
    campaign = create_campaign(
        by=home_affairs_officer,
        **settings(version, margin=Decimal("0.03"), procedures=[{"code": "1.001", "name": "Hộ"}]),
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.margin == Decimal("0.030")
    assert campaign.procedures == [{"code": "1.001", "name": "Hộ"}]
    assert campaign.created_by == home_affairs_officer
    assert campaign.history.get().history_user == home_affairs_officer
    event = AuditEvent.objects.get(verb="campaign.created")
    assert event.actor == home_affairs_officer
    assert event.object_id == str(campaign.pk)


def test_a_focal_point_cannot_create_a_campaign(focal_point, version):
    with pytest.raises(PermissionDenied):
        create_campaign(by=focal_point, **settings(version))
    assert not Campaign.objects.exists()
    assert not AuditEvent.objects.filter(verb="campaign.created").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": None}, "version"),
        ({"version": 987654}, "version"),
        ({"ends_on": datetime.date(2026, 9, 1)}, "ends_on"),
        ({"code": "not a slug!"}, "code"),
        ({"margin": Decimal("0.9")}, "margin"),
        ({"procedures": [{"code": "A"}, {"code": "A"}]}, "procedures"),
        ({"procedures": [{"name": "no code"}]}, "procedures"),
    ],
)
def test_bad_settings_are_refused_by_field(home_affairs_officer, version, overrides, field):
    with pytest.raises(ValidationError) as refused:
        create_campaign(by=home_affairs_officer, **settings(version) | overrides)
    assert field in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_a_code_is_used_once(home_affairs_officer, version, campaign):
    with pytest.raises(ValidationError) as refused:
        create_campaign(by=home_affairs_officer, **settings(version, code=campaign.code))
    assert "code" in refused.value.message_dict


def test_a_draft_can_change_everything(home_affairs_officer, draft):
    other = make_version("other")
    update_campaign(
        draft, by=home_affairs_officer, version=other.pk, starts_on=datetime.date(2026, 11, 1)
    )
    draft.refresh_from_db()
    assert draft.version == other
    assert draft.starts_on == datetime.date(2026, 11, 1)
    event = AuditEvent.objects.get(verb="campaign.updated")
    assert set(event.changes) == {"version", "starts_on"}


def test_an_open_campaign_changes_only_its_name_notes_and_a_later_end(
    home_affairs_officer, campaign
):
    update_campaign(
        campaign,
        by=home_affairs_officer,
        name="Tên mới",
        notes="Ghi chú",
        ends_on=datetime.date(2027, 1, 31),
        starts_on=campaign.starts_on,  # unchanged values are accepted
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.notes) == ("Tên mới", "Ghi chú")
    assert campaign.ends_on == datetime.date(2027, 1, 31)
    with pytest.raises(ValidationError) as refused:
        update_campaign(campaign, by=home_affairs_officer, margin=Decimal("0.1"), min_n=5)
    assert set(refused.value.message_dict) == {"margin", "min_n"}
    with pytest.raises(ValidationError) as refused:
        update_campaign(campaign, by=home_affairs_officer, ends_on=datetime.date(2026, 12, 1))
    assert set(refused.value.message_dict) == {"ends_on"}
    campaign.refresh_from_db()
    assert campaign.margin == Decimal("0.050")
    assert campaign.ends_on == datetime.date(2027, 1, 31)


def test_a_closed_campaign_changes_nothing(home_affairs_officer, campaign, unit_a):
    close_campaign(campaign, by=home_affairs_officer)
    with pytest.raises(ValidationError):
        update_campaign(campaign, by=home_affairs_officer, name="Không được")
    with pytest.raises(ValidationError):
        set_units(campaign, [(unit_a, 100, 10)], by=home_affairs_officer)
    campaign.refresh_from_db()
    assert campaign.name == "Khảo sát sipas-2026"
    assert campaign.surveyed_units.get(unit=unit_a).quota == 30


def test_units_are_added_changed_and_removed_in_draft(
    home_affairs_officer, draft, unit_a, unit_b, district, commune
):
    shop = make_unit("Bộ phận một cửa Sở Y tế", kind=Unit.Kind.SUBORDINATE, parent=unit_b)
    rows = [(unit_b, 2000, None), (district, None, 50), (commune, 400, None), (shop, None, None)]
    set_units(draft, rows, by=home_affairs_officer)
    found = {cu.unit: (cu.population, cu.quota) for cu in draft.surveyed_units.all()}
    assert found == {
        unit_b: (2000, None),
        district: (None, 50),
        commune: (400, None),
        shop: (None, None),
    }
    event = AuditEvent.objects.get(verb="campaign.units_set")
    assert event.data["removed"] == ["STP"]
    assert sorted(event.data["added"]) == sorted(
        [unit_b.code, district.code, commune.code, shop.code]
    )
    assert CampaignUnit.history.filter(history_type="-", unit_id=unit_a.pk).get().history_user == (
        home_affairs_officer
    )


def test_the_province_cannot_be_surveyed_nor_a_unit_listed_twice(
    home_affairs_officer, draft, province, unit_b
):
    with pytest.raises(ValidationError) as refused:
        set_units(
            draft,
            [(province, None, None), (unit_b, 1, None), (unit_b, 1, None)],
            by=home_affairs_officer,
        )
    assert len(refused.value.message_dict["units"]) == 2
    assert list(draft.surveyed_units.values_list("unit__code", flat=True)) == ["STP"]


def test_an_open_campaign_keeps_its_units_but_takes_new_quotas(
    home_affairs_officer, campaign, unit_a, unit_b, district, commune
):
    with pytest.raises(ValidationError) as refused:
        set_units(campaign, [(unit_a, None, 30), (commune, None, None)], by=home_affairs_officer)
    assert "units" in refused.value.message_dict
    set_units(
        campaign,
        [(unit_a, 1000, 40), (unit_b, None, 30), (district, 500, None)],
        by=home_affairs_officer,
    )
    found = {cu.unit: (cu.population, cu.quota) for cu in campaign.surveyed_units.all()}
    assert found == {unit_a: (1000, 40), unit_b: (None, 30), district: (500, None)}
    assert AuditEvent.objects.get(verb="campaign.units_set").data["changed"] == ["884", "STP"]


def test_a_unit_with_tokens_cannot_be_removed(home_affairs_officer, draft, unit_a, unit_b):
    SurveyToken.objects.create(campaign=draft, unit=unit_a)
    with pytest.raises(ValidationError):
        set_units(draft, [(unit_b, None, None)], by=home_affairs_officer)
    assert draft.surveyed_units.get().unit == unit_a


def test_opening_locks_the_version(home_affairs_officer, draft):
    assert draft.version.locked_at is None
    open_campaign(draft, by=home_affairs_officer)
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.OPEN
    assert draft.opened_at is not None
    assert draft.version.locked_at == draft.opened_at
    assert AuditEvent.objects.get(verb="campaign.opened").data == {"units": 1}
    with pytest.raises(ValidationError):
        open_campaign(draft, by=home_affairs_officer)


def test_a_campaign_without_units_does_not_open(home_affairs_officer, version):
    empty = make_campaign(version, [], code="empty", status=CampaignStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        open_campaign(empty, by=home_affairs_officer)
    assert "units" in refused.value.message_dict
    empty.refresh_from_db()
    version.refresh_from_db()
    assert empty.status == CampaignStatus.DRAFT
    assert version.locked_at is None


def test_only_the_secretariat_opens_and_closes(focal_point, leader, draft, campaign):
    for person in (focal_point, leader):
        with pytest.raises(PermissionDenied):
            open_campaign(draft, by=person)
        with pytest.raises(PermissionDenied):
            close_campaign(campaign, by=person)
    draft.refresh_from_db()
    campaign.refresh_from_db()
    assert (draft.status, campaign.status) == (CampaignStatus.DRAFT, CampaignStatus.OPEN)


def test_closing(admin_user, campaign, draft):
    close_campaign(campaign, by=admin_user)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert campaign.closed_at is not None
    assert AuditEvent.objects.get(verb="campaign.closed").data == {"responses": 0}
    with pytest.raises(ValidationError):
        close_campaign(draft, by=admin_user)
