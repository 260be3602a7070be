import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.core.models import Attachment, AuditEvent
from cchc.units.models import Unit, UnitSuccession

from .factories import make_unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def url(name: str, *args) -> str:
    return reverse(f"units:{name}", args=args)


def logged_in(client, user):
    client.force_login(user)
    return client


def listed_codes(response) -> list[str]:
    return [u.code for u in response.context["page"].object_list]


def xlsx_upload(rows, name="units.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "kind", "parent_code"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


# List ----------------------------------------------------------------------------------


def test_list_needs_login(client):
    response = client.get(url("unit-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_list_shows_every_current_unit_to_the_secretariat(client, home_affairs_officer, commune):
    make_unit("Sở cũ", parent=commune.parent.parent, code="OLD", valid_to=datetime.date(2020, 1, 1))
    response = logged_in(client, home_affairs_officer).get(url("unit-list"))
    assert response.status_code == 200
    assert listed_codes(response) == ["AG", "SNV", "884", "30325"]
    assert "units/unit_list.html" in [t.name for t in response.templates]


def test_focal_point_sees_only_their_unit(client, focal_point, unit_b, district):
    response = logged_in(client, focal_point).get(url("unit-list"))
    assert listed_codes(response) == ["STP"]
    assert "Sở Y tế" not in response.content.decode()


def test_search_ignores_diacritics(client, leader, district, unit_a):
    response = logged_in(client, leader).get(url("unit-list"), {"q": "Chau Doc"})
    assert listed_codes(response) == ["884"]
    assert "Thành phố Châu Đốc" in response.content.decode()


def test_htmx_search_returns_only_the_results_partial(client, leader, district, unit_a):
    response = logged_in(client, leader).get(
        url("unit-list"), {"q": "chau doc"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "units/partials/unit_rows.html"
    assert b"<html" not in response.content
    assert listed_codes(response) == ["884"]
    assert url("unit-export", "xlsx") + "?q=chau+doc" in response.content.decode()


def test_list_filters_by_kind_and_status(client, leader, district, commune, unit_a):
    make_unit("Sở cũ", parent=unit_a.parent, code="OLD", valid_to=datetime.date(2020, 1, 1))
    client = logged_in(client, leader)
    assert listed_codes(client.get(url("unit-list"), {"kind": "commune"})) == ["30325"]
    assert listed_codes(client.get(url("unit-list"), {"status": "ended"})) == ["OLD"]
    assert len(listed_codes(client.get(url("unit-list"), {"status": "all"}))) == 5


def test_list_ignores_invalid_filter_values(client, leader, unit_a):
    response = logged_in(client, leader).get(url("unit-list"), {"kind": "bogus", "page": "x"})
    assert response.status_code == 200
    assert listed_codes(response) == ["AG", "STP"]


def test_list_of_units_without_a_focal_point(client, home_affairs_officer, focal_point, unit_b):
    response = logged_in(client, home_affairs_officer).get(
        url("unit-list"), {"without_focal_point": "1"}
    )
    assert listed_codes(response) == ["AG", "SNV", "SYT"]


def test_tree_view_nests_units(client, leader, commune):
    response = logged_in(client, leader).get(url("unit-list"), {"view": "tree"})
    tree = response.context["tree"]
    assert [n.unit.code for n in tree] == ["AG"]
    assert [n.unit.code for n in tree[0].children] == ["884"]
    assert [n.unit.code for n in tree[0].children[0].children] == ["30325"]
    assert 'class="tree card"' in response.content.decode()


def test_list_paginates(client, leader, province):
    for n in range(55):
        make_unit(f"Xã {n:02d}", kind="commune", parent=province, code=f"C{n:02d}")
    client = logged_in(client, leader)
    assert len(listed_codes(client.get(url("unit-list")))) == 50
    assert len(listed_codes(client.get(url("unit-list"), {"page": 2}))) == 6


# Detail --------------------------------------------------------------------------------


def test_detail_shows_facts_lineage_people_and_history_link(
    client, home_affairs_officer, focal_point, unit_a, unit_b
):
    UnitSuccession.objects.create(
        predecessor=unit_b, successor=unit_a, effective_date=datetime.date(2025, 3, 1)
    )
    response = logged_in(client, home_affairs_officer).get(url("unit-detail", unit_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sở Y tế tỉnh An Giang" in page
    assert "01/03/2025" in page
    assert [a.user for a in response.context["people"]] == [focal_point]
    assert reverse("core:record-history", args=["units", "unit", unit_a.pk]) in page
    assert url("unit-attachment-add", unit_a.pk) in page


def test_focal_point_opens_own_unit_but_not_another(client, focal_point, unit_a, unit_b):
    client = logged_in(client, focal_point)
    response = client.get(url("unit-detail", unit_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert url("unit-edit", unit_a.pk) not in page
    assert "Tỉnh An Giang" in page
    assert url("unit-detail", unit_a.parent_id) not in page  # shown, but not a link
    assert client.get(url("unit-detail", unit_b.pk)).status_code == 404


# Create and edit -----------------------------------------------------------------------


def unit_form(**fields) -> dict:
    data = {"code": "SNNMT", "name": "Sở Nông nghiệp và Môi trường", "kind": "department"}
    return {**data, **fields}


def test_secretariat_creates_a_unit(client, home_affairs_officer, province):
    response = logged_in(client, home_affairs_officer).post(
        url("unit-create"), unit_form(parent=province.pk, valid_from="2025-03-01")
    )
    unit = Unit.objects.get(code="SNNMT")
    assert response.status_code == 302
    assert response["Location"] == url("unit-detail", unit.pk)
    assert (unit.parent, unit.valid_from) == (province, datetime.date(2025, 3, 1))
    assert AuditEvent.objects.for_object(unit).get().actor == home_affairs_officer


def test_create_form_preselects_the_parent(client, home_affairs_officer, province):
    response = logged_in(client, home_affairs_officer).get(
        url("unit-create"), {"parent": province.pk}
    )
    assert response.context["form"]["parent"].value() == str(province.pk)


def test_create_shows_errors_for_bad_input(client, home_affairs_officer, commune):
    response = logged_in(client, home_affairs_officer).post(
        url("unit-create"),
        unit_form(parent=commune.parent.pk, valid_from="2025-03-01", valid_to="2025-01-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "valid_to": ["The end date is before the start date."],
        "parent": [
            "A unit of kind Department or agency cannot be placed under a unit of kind "
            "District-level unit."
        ],
    }
    assert not Unit.objects.filter(code="SNNMT").exists()


@pytest.mark.parametrize("user", ["focal_point", "appraiser", "leader", "no_role_user"])
def test_only_managers_may_create(client, request, user, province):
    client = logged_in(client, request.getfixturevalue(user))
    assert client.get(url("unit-create")).status_code == 403
    assert client.post(url("unit-create"), unit_form(parent=province.pk)).status_code == 403
    assert not Unit.objects.filter(code="SNNMT").exists()


def test_secretariat_edits_a_unit(client, home_affairs_officer, unit_a):
    data = unit_form(
        code="STP",
        name="Sở Tư pháp",
        short_name="STP",
        parent=unit_a.parent.pk,
        email="stp@ag.gov.vn",
    )
    response = logged_in(client, home_affairs_officer).post(url("unit-edit", unit_a.pk), data)
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert (unit_a.name, unit_a.email) == ("Sở Tư pháp", "stp@ag.gov.vn")
    event = AuditEvent.objects.for_object(unit_a).get(verb="record.updated")
    assert event.changes == {
        "name": ["Sở Tư pháp tỉnh An Giang", "Sở Tư pháp"],
        "email": ["", "stp@ag.gov.vn"],
    }
    assert event.actor == home_affairs_officer


def test_edit_rejects_a_duplicate_code(client, home_affairs_officer, unit_a, unit_b):
    data = unit_form(code="SYT", name="Sở Tư pháp", parent=unit_a.parent.pk)
    response = logged_in(client, home_affairs_officer).post(url("unit-edit", unit_a.pk), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    unit_a.refresh_from_db()
    assert unit_a.code == "STP"


def test_focal_point_may_not_edit_own_unit(client, focal_point, unit_a):
    client = logged_in(client, focal_point)
    assert client.get(url("unit-edit", unit_a.pk)).status_code == 403
    response = client.post(
        url("unit-edit", unit_a.pk), unit_form(code="STP", parent=unit_a.parent.pk)
    )
    assert response.status_code == 403
    unit_a.refresh_from_db()
    assert unit_a.name == "Sở Tư pháp tỉnh An Giang"


def test_outsider_gets_404_editing_another_unit(client, outsider, unit_a):
    assert logged_in(client, outsider).get(url("unit-edit", unit_a.pk)).status_code == 404


# Merge ---------------------------------------------------------------------------------


def test_secretariat_merges_into_a_new_unit(client, home_affairs_officer, unit_a, unit_b):
    data = {
        "predecessors": [unit_a.pk, unit_b.pk],
        "new_code": "SNEW",
        "new_name": "Sở Mới",
        "new_kind": "department",
        "new_parent": unit_a.parent.pk,
        "effective_date": "2025-03-01",
        "legal_basis": "Nghị định 45/2025/NĐ-CP",
    }
    response = logged_in(client, home_affairs_officer).post(url("unit-merge"), data)
    new = Unit.objects.get(code="SNEW")
    assert response["Location"] == url("unit-detail", new.pk)
    assert sorted(new.origins.values_list("predecessor__code", flat=True)) == ["STP", "SYT"]
    assert AuditEvent.objects.get(verb="unit.merged").actor == home_affairs_officer


def test_merge_form_needs_a_successor(client, home_affairs_officer, unit_a):
    data = {"predecessors": [unit_a.pk], "effective_date": "2025-03-01", "legal_basis": "NQ"}
    response = logged_in(client, home_affairs_officer).post(url("unit-merge"), data)
    assert response.context["form"].non_field_errors() == [
        "Choose the unit they merge into, or give the new unit's code, name and kind."
    ]
    assert not UnitSuccession.objects.exists()


def test_merge_service_errors_are_shown_on_the_form(client, home_affairs_officer, unit_a):
    data = {
        "predecessors": [unit_a.pk],
        "successor": unit_a.pk,
        "effective_date": "2025-03-01",
        "legal_basis": "NQ",
    }
    response = logged_in(client, home_affairs_officer).post(url("unit-merge"), data)
    assert response.context["form"].non_field_errors() == ["A unit cannot be merged into itself."]
    unit_a.refresh_from_db()
    assert unit_a.valid_to is None


def test_only_managers_may_merge(client, leader, unit_a, unit_b):
    data = {"predecessors": [unit_b.pk], "successor": unit_a.pk}
    client = logged_in(client, leader)
    assert client.get(url("unit-merge")).status_code == 403
    assert (
        client.post(
            url("unit-merge"), data | {"effective_date": "2025-03-01", "legal_basis": "NQ"}
        ).status_code
        == 403
    )
    assert not UnitSuccession.objects.exists()


# Split ---------------------------------------------------------------------------------


def test_secretariat_records_a_split(client, home_affairs_officer, district, commune, province):
    north = Unit.objects.create(code="N-2025", name="Phường Bắc", kind="commune", parent=province)
    south = Unit.objects.create(code="S-2025", name="Phường Nam", kind="commune", parent=province)
    data = {
        "predecessor": commune.pk,
        "successors": [north.pk, south.pk],
        "effective_date": "01/07/2025",
        "legal_basis": "Nghị quyết 1654/NQ-UBTVQH15",
    }
    response = logged_in(client, home_affairs_officer).post(url("unit-split"), data)
    assert response["Location"] == url("unit-detail", commune.pk)
    commune.refresh_from_db()
    assert commune.valid_to == datetime.date(2025, 6, 30)
    links = commune.successions.order_by("successor__code")
    assert [(s.successor.code, s.whole) for s in links] == [("N-2025", False), ("S-2025", False)]
    assert AuditEvent.objects.get(verb="unit.split").actor == home_affairs_officer


def test_split_needs_two_successors(client, home_affairs_officer, commune, province):
    only = Unit.objects.create(code="N-2025", name="Phường Bắc", kind="commune", parent=province)
    data = {
        "predecessor": commune.pk,
        "successors": [only.pk],
        "effective_date": "01/07/2025",
        "legal_basis": "NQ",
    }
    response = logged_in(client, home_affairs_officer).post(url("unit-split"), data)
    assert response.context["form"].non_field_errors() == [
        "A split needs at least two successor units."
    ]
    commune.refresh_from_db()
    assert commune.valid_to is None
    assert not UnitSuccession.objects.exists()


def test_only_managers_may_split(client, focal_point, commune, unit_a, unit_b):
    data = {
        "predecessor": unit_a.pk,
        "successors": [unit_b.pk, commune.pk],
        "effective_date": "01/07/2025",
        "legal_basis": "NQ",
    }
    client = logged_in(client, focal_point)
    assert client.get(url("unit-split")).status_code == 403
    assert client.post(url("unit-split"), data).status_code == 403
    assert not UnitSuccession.objects.exists()


# Import and export ---------------------------------------------------------------------


def test_import_saves_and_summarises(client, home_affairs_officer, province):
    upload = xlsx_upload(
        [["X1", "Sở Một", "department", "AG"], ["X2", "Sở Hai", "department", "AG"]]
    )
    response = logged_in(client, home_affairs_officer).post(
        url("unit-import"), {"file": upload}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "units.xlsx imported: 2 units created, 0 updated, 0 unchanged."
    ]
    assert sorted(Unit.objects.filter(code__startswith="X").values_list("code", flat=True)) == [
        "X1",
        "X2",
    ]


def test_import_lists_problems_and_saves_nothing(client, home_affairs_officer, province):
    upload = xlsx_upload([["X1", "Sở Một", "department", "AG"], ["X2", "", "department", "NOPE"]])
    before = Unit.objects.count()
    response = logged_in(client, home_affairs_officer).post(url("unit-import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="problems"' in page
    assert "units.xlsx — row 3 — name — A value is required." in page
    assert Unit.objects.count() == before


def test_only_managers_may_import(client, focal_point, province):
    client = logged_in(client, focal_point)
    assert client.get(url("unit-import")).status_code == 403
    upload = xlsx_upload([["X1", "Sở Một", "department", "AG"]])
    assert client.post(url("unit-import"), {"file": upload}).status_code == 403
    assert not Unit.objects.filter(code="X1").exists()


def test_export_xlsx_applies_the_list_filters(client, leader, district, commune, unit_a):
    response = logged_in(client, leader).get(url("unit-export", "xlsx"), {"kind": "district"})
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["code", "884"]


def test_export_csv_contains_only_visible_units(client, focal_point, unit_a, unit_b):
    response = logged_in(client, focal_point).get(url("unit-export", "csv"))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["code", "STP"]


def test_export_of_an_unknown_format_is_404(client, leader):
    assert logged_in(client, leader).get("/units/export.pdf/").status_code == 404


# Attachments ---------------------------------------------------------------------------


def test_secretariat_attaches_a_decision(client, home_affairs_officer, unit_a):
    upload = SimpleUploadedFile("quyet-dinh.pdf", PDF)
    response = logged_in(client, home_affairs_officer).post(
        url("unit-attachment-add", unit_a.pk), {"file": upload, "description": "QĐ 1"}
    )
    assert response["Location"] == url("unit-detail", unit_a.pk)
    attachment = Attachment.objects.for_object(unit_a).get()
    assert (attachment.original_name, attachment.description) == ("quyet-dinh.pdf", "QĐ 1")
    page = client.get(url("unit-detail", unit_a.pk)).content.decode()
    assert reverse("core:attachment-download", args=[attachment.pk]) in page


def test_attachment_of_a_wrong_type_is_refused(client, home_affairs_officer, unit_a):
    upload = SimpleUploadedFile("notes.txt", b"just text")
    response = logged_in(client, home_affairs_officer).post(
        url("unit-attachment-add", unit_a.pk), {"file": upload}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "notes.txt: this type of file is not accepted here "
        "(allowed: .docx, .jpeg, .jpg, .pdf, .png)."
    ]
    assert not Attachment.objects.exists()


def test_focal_point_may_not_attach(client, focal_point, outsider, unit_a):
    upload = SimpleUploadedFile("quyet-dinh.pdf", PDF)
    assert (
        logged_in(client, focal_point)
        .post(url("unit-attachment-add", unit_a.pk), {"file": upload})
        .status_code
        == 403
    )
    assert (
        logged_in(client, outsider)
        .post(url("unit-attachment-add", unit_a.pk), {"file": upload})
        .status_code
        == 404
    )
    assert not Attachment.objects.exists()


def test_attachment_add_only_accepts_post(client, home_affairs_officer, unit_a):
    assert (
        logged_in(client, home_affairs_officer)
        .get(url("unit-attachment-add", unit_a.pk))
        .status_code
        == 405
    )
