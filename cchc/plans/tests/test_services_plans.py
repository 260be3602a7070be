"""The plan services: plans, their policy and documents, and reform areas."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.models import Attachment, AuditEvent
from cchc.plans import services
from cchc.plans.models import Plan, ReformArea
from cchc.plans.tests.factories import make_plan
from cchc.plans.tests.services_helpers import D, events, pdf

# --- plans and areas ----------------------------------------------------------------------


def test_secretariat_creates_plan_with_policy(home_affairs_officer, province):
    plan = services.create_plan(
        number="664/KH-UBND",
        title="Cải cách hành chính tỉnh An Giang giai đoạn 2022-2025",
        issuing_unit=province,
        signed_on=D(2022, 10, 18),
        period_start=D(2022, 1, 1),
        period_end=D(2025, 12, 31),
        remind_days_before=[1, 7, 7],
        by=home_affairs_officer,
    )
    plan.refresh_from_db()
    assert plan.remind_days_before == [7, 1]
    assert plan.created_by == home_affairs_officer
    assert events("plan.created") == 1


def test_plan_period_must_be_ordered(home_affairs_officer, province):
    with pytest.raises(ValidationError) as error:
        make_plan(by=home_affairs_officer, period_start=D(2024, 12, 31), period_end=D(2024, 1, 1))
    assert list(error.value.message_dict) == ["period_end"]
    assert Plan.objects.count() == 0


def test_reminder_days_must_be_positive(home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        make_plan(by=home_affairs_officer, remind_days_before=[7, 0])
    assert list(error.value.message_dict) == ["remind_days_before"]
    assert Plan.objects.count() == 0


def test_focal_point_cannot_create_plan(focal_point, province):
    with pytest.raises(PermissionDenied):
        make_plan(by=focal_point, issuing_unit=province)
    assert Plan.objects.count() == 0
    assert AuditEvent.objects.filter(verb__startswith="plan.").count() == 0


def test_update_plan_records_changes(plan, home_affairs_officer):
    services.update_plan(
        plan, title="Kế hoạch mới", remind_overdue_every=3, by=home_affairs_officer
    )
    plan.refresh_from_db()
    assert (plan.title, plan.remind_overdue_every) == ("Kế hoạch mới", 3)
    event = AuditEvent.objects.get(verb="plan.updated")
    assert event.changes["remind_overdue_every"] == [7, 3]


def test_update_plan_rejects_own_parent_and_outsider(plan, home_affairs_officer, outsider):
    with pytest.raises(ValidationError) as error:
        services.update_plan(plan, parent=plan, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["parent"]
    with pytest.raises(PermissionDenied):
        services.update_plan(plan, title="x", by=outsider)
    plan.refresh_from_db()
    assert plan.parent is None
    assert plan.title != "x"
    assert events("plan.updated") == 0


def test_attach_plan_document(plan, home_affairs_officer, focal_point):
    attachment = services.attach_plan_document(plan, pdf("664.pdf"), by=home_affairs_officer)
    plan.refresh_from_db()
    assert plan.document == attachment
    assert attachment.original_name == "664.pdf"
    assert attachment.can_view(focal_point) is True


def test_plan_document_must_be_pdf_or_word(plan, home_affairs_officer):
    upload = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    with pytest.raises(ValidationError) as error:
        services.attach_plan_document(plan, upload, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["document"]
    plan.refresh_from_db()
    assert plan.document is None
    assert Attachment.objects.count() == 0


def test_seed_default_areas_is_idempotent(plan, home_affairs_officer):
    first = services.seed_default_areas(plan, by=home_affairs_officer)
    again = services.seed_default_areas(plan, by=home_affairs_officer)
    assert [a.code for a in first] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert first[6].name == "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    assert [a.pk for a in again] == [a.pk for a in first]
    assert ReformArea.objects.filter(plan=plan).count() == 7
    assert events("plan.areas_seeded") == 1


def test_create_area_rejects_duplicate_code_and_outsider(plan, home_affairs_officer, outsider):
    services.create_area(plan, code="VIII", name="Khác", position=8, by=home_affairs_officer)
    with pytest.raises(ValidationError) as error:
        services.create_area(plan, code="viii", name="Trùng", position=9, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["code"]
    with pytest.raises(PermissionDenied):
        services.create_area(plan, code="IX", name="X", position=9, by=outsider)
    assert list(plan.areas.values_list("code", flat=True)) == ["VIII"]
