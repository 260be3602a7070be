import datetime
import io

import pytest
from django.core.management import call_command

from cchc.core.models import AuditEvent
from cchc.units.models import Unit, UnitSuccession

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2025, 6, 30)
JULY_1 = datetime.date(2025, 7, 1)


def load() -> str:
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return load()


def test_first_run_creates_the_tree(loaded):
    assert loaded == (
        "Units: 292 created, 0 updated, 0 unchanged\n"
        "Succession links: 167 created, 0 updated, 0 unchanged\n"
    )


def test_second_run_changes_nothing(loaded):
    history = (Unit.history.count(), UnitSuccession.history.count(), AuditEvent.objects.count())
    assert load() == (
        "Units: 0 created, 0 updated, 292 unchanged\n"
        "Succession links: 0 created, 0 updated, 167 unchanged\n"
    )
    assert (
        Unit.history.count(),
        UnitSuccession.history.count(),
        AuditEvent.objects.count(),
    ) == history


def test_a_changed_unit_is_put_back_and_only_it(loaded):
    unit = Unit.objects.get(code="884")
    unit.name = "Tên sai"
    unit.save(update_fields=["name"])
    assert load().splitlines()[0] == "Units: 0 created, 1 updated, 291 unchanged"
    assert Unit.objects.get(code="884").name == "Thành phố Châu Đốc"


def test_province_keeps_code_89_and_notes_the_new_code(loaded):
    province = Unit.objects.get(code="AG")
    assert (province.name, province.kind, province.official_code) == (
        "Tỉnh An Giang",
        "province",
        "89",
    )
    assert "mã 91" in province.notes


def test_eleven_districts_end_on_30_june_2025(loaded):
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT)
    assert sorted(districts.values_list("code", flat=True)) == [
        "883", "884", "886", "887", "888", "889", "890", "891", "892", "893", "894",
    ]  # fmt: skip
    assert set(districts.values_list("valid_to", flat=True)) == {JUNE_30}
    assert Unit.objects.get(code="30325").parent.code == "884"


def test_102_new_communes_under_the_province(loaded):
    new = Unit.objects.filter(code__endswith="-2025")
    assert new.count() == 102
    assert set(new.values_list("kind", "parent__code", "valid_from", "valid_to")) == {
        ("commune", "AG", JULY_1, None)
    }
    assert Unit.objects.get(code="30307-2025").official_code == "30307"


def test_phuong_long_xuyen_was_formed_from_six_wards(loaded):
    long_xuyen = Unit.objects.get(name="Phường Long Xuyên")
    links = long_xuyen.origins.select_related("predecessor").order_by("predecessor__code")
    assert [(s.predecessor.code, s.predecessor.name, s.whole) for s in links] == [
        ("30280", "Phường Mỹ Bình", True),
        ("30283", "Phường Mỹ Long", True),
        ("30286", "Phường Mỹ Xuyên", True),
        ("30295", "Phường Mỹ Phước", True),
        ("30298", "Phường Mỹ Quý", True),
        ("30307", "Phường Mỹ Hòa", True),
    ]
    assert {(s.effective_date, s.legal_basis) for s in links} == {
        (JULY_1, "Nghị quyết 1654/NQ-UBTVQH15")
    }
    assert Unit.objects.get(code="30280").valid_to == JUNE_30


def test_dong_xuyen_merged_into_my_xuyen_in_january_2025(loaded):
    link = UnitSuccession.objects.get(predecessor__code="30285")
    assert (link.successor.code, link.effective_date) == ("30286", datetime.date(2025, 1, 1))
    assert Unit.objects.get(code="30285").valid_to == datetime.date(2024, 12, 31)


def test_kien_giang_predecessors_are_named_in_notes_not_linked(loaded):
    assert not UnitSuccession.objects.exclude(
        predecessor__code__regex=r"^(30\d{3}|S.*|B.*)$"
    ).exists()
    with_notes = Unit.objects.filter(code__endswith="-2025").exclude(notes="")
    assert with_notes.count() == 48
    assert all("Tỉnh Kiên Giang" in u.notes for u in with_notes)


def test_department_merger_of_1_march_2025(loaded):
    ended = Unit.objects.filter(kind="department", valid_to=datetime.date(2025, 2, 28))
    assert sorted(ended.values_list("code", flat=True)) == [
        "BDT", "SGTVT", "SKHĐT", "SLĐTBXH", "SNNPTNT", "STNMT", "STTTT",
    ]  # fmt: skip
    links = UnitSuccession.objects.filter(successor__kind="department")
    assert sorted(links.values_list("predecessor__code", "successor__code")) == [
        ("BDT", "SDTTG"),
        ("SGTVT", "SXD"),
        ("SKHĐT", "STC"),
        ("SLĐTBXH", "SNV"),
        ("SNNPTNT", "SNNMT"),
        ("STNMT", "SNNMT"),
        ("STTTT", "SKHCN"),
    ]
    new = Unit.objects.filter(kind="department", valid_from=datetime.date(2025, 3, 1))
    assert sorted(new.values_list("code", flat=True)) == ["SDTTG", "SNNMT"]
    assert Unit.objects.get(code="SNV").valid_to is None
    assert (
        Unit.objects.get(code="SDTTG").notes == "Hình thành cả từ: Ban Tôn giáo (thuộc Sở Nội vụ)."
    )


def test_loading_is_fast_when_nothing_changed(loaded, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        load()
