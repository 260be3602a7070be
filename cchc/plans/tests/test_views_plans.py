"""The plan pages and annex import: happy path, bad input and wrong user."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..models import Plan, Task
from .factories import make_area, make_plan
from .helpers import assignment_for, current_plan, pdf

pytestmark = pytest.mark.django_db


# Plans -------------------------------------------------------------------------------


def _plan_data(province, **extra) -> dict:
    return {
        "number": "12/KH-UBND",
        "title": "Kế hoạch cải cách hành chính năm 2025",
        "issuing_unit": province.pk,
        "signed_on": "20/12/2024",
        "period_start": "01/01/2025",
        "period_end": "31/12/2025",
        "progress_rule": "reported",
        "remind_days_before": "7, 1",
        "remind_on_due_day": "on",
        "remind_overdue_every": 7,
        "escalate_after_days": 14,
        **extra,
    }


def test_secretariat_creates_plan(client, home_affairs_officer, province):
    client.force_login(home_affairs_officer)
    response = client.post(reverse("plans:plan-create"), _plan_data(province))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.number, plan.period_end.isoformat()) == ("12/KH-UBND", "2025-12-31")
    assert plan.remind_days_before == [7, 1]


def test_plan_period_ending_before_it_starts_is_refused(client, home_affairs_officer, province):
    client.force_login(home_affairs_officer)
    data = _plan_data(province, period_end="31/12/2024", remind_days_before="7, x")
    response = client.post(reverse("plans:plan-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "period_end" in form.errors
    assert "remind_days_before" in form.errors
    assert not Plan.objects.exists()


def test_focal_point_may_not_create_plan(client, focal_point, province):
    client.force_login(focal_point)
    response = client.post(reverse("plans:plan-create"), _plan_data(province))
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_plan_detail_shows_areas_tasks_counts_and_chart(client, leader, unit_a):
    overdue = assignment_for(unit_a, due_in=-3)
    client.force_login(leader)
    response = client.get(overdue.task.plan.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert overdue.task.area.name in html
    assert overdue.task.get_absolute_url() in html
    assert "<svg" in html
    assert "<title" in html
    [block] = response.context["blocks"]
    assert block.counts["overdue"] == 1


def test_plan_document_upload_links_download(client, home_affairs_officer):
    plan = current_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:plan-document", args=[plan.pk])
    response = client.post(url, {"file": pdf("ke-hoach.pdf")})
    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.document.original_name == "ke-hoach.pdf"
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("core:attachment-download", args=[plan.document_id]) in page


def test_area_with_a_taken_code_is_refused(client, home_affairs_officer):
    plan = current_plan()
    make_area(plan, code="II")
    client.force_login(home_affairs_officer)
    url = reverse("plans:area-create", args=[plan.pk])
    response = client.post(url, {"code": "II", "name": "Trùng", "position": 2})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert plan.areas.count() == 1


def test_plan_list_is_served_to_everyone_logged_in(client, no_role_user):
    current_plan()
    client.force_login(no_role_user)
    response = client.get(reverse("plans:plan-list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_annex_preview_without_upload_redirects(client, home_affairs_officer):
    plan = current_plan()
    client.force_login(home_affairs_officer)
    response = client.get(reverse("plans:annex-preview", args=[plan.pk]))
    assert response["Location"] == reverse("plans:annex-import", args=[plan.pk])


# Annex import ------------------------------------------------------------------------


def _annex(lead: str, content: str = "Rà soát văn bản quy phạm pháp luật") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    header = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    sheet.append([*header, "Sản phẩm", "Thời gian hoàn thành"])
    sheet.append(["II", "CẢI CÁCH THỂ CHẾ"])
    task = [1, content, lead, None, "Báo cáo"]
    sheet.append([*task, "Trước 30/6/2024"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())


def test_annex_bad_row_then_fixed_file_imports_all(client, home_affairs_officer, unit_a):
    plan = make_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:annex-import", args=[plan.pk])
    response = client.post(url, {"file": _annex("Sở Không Có Thật")})
    assert response["Location"] == reverse("plans:annex-preview", args=[plan.pk])
    preview = client.get(response["Location"])
    assert preview.context["preview"].problems
    assert "Sở Không Có Thật" in preview.content.decode()
    confirm = reverse("plans:annex-confirm", args=[plan.pk])
    client.post(confirm)
    assert not Task.objects.exists()
    client.post(url, {"file": _annex("Sở Tư pháp")})
    preview = client.get(reverse("plans:annex-preview", args=[plan.pk]))
    assert preview.context["preview"].problems == []
    assert not Task.objects.exists()  # nothing saved before confirming
    sha256 = preview.context["preview"].sha256
    assert client.post(confirm, {"sha256": sha256})["Location"] == plan.get_absolute_url()
    task = Task.objects.get()
    assert task.assignments.get().unit == unit_a


def test_annex_confirm_refuses_a_file_other_than_the_one_previewed(
    client, home_affairs_officer, unit_a
):
    plan = make_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:annex-import", args=[plan.pk])
    client.post(url, {"file": _annex("Sở Tư pháp")})
    seen = client.get(reverse("plans:annex-preview", args=[plan.pk])).context["preview"].sha256
    other = _annex("Sở Tư pháp", "Tập huấn kỹ năng")  # another tab uploads another file
    client.post(url, {"file": other})
    assert client.get(reverse("plans:annex-preview", args=[plan.pk])).context["preview"].ok
    response = client.post(reverse("plans:annex-confirm", args=[plan.pk]), {"sha256": seen})
    assert response["Location"] == reverse("plans:annex-preview", args=[plan.pk])
    assert not Task.objects.exists()


def test_focal_point_may_not_import_an_annex(client, focal_point, unit_a):
    plan = make_plan()
    client.force_login(focal_point)
    url = reverse("plans:annex-import", args=[plan.pk])
    assert client.post(url, {"file": _annex("Sở Tư pháp")}).status_code == 403
    assert not Task.objects.exists()
