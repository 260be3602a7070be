import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cchc.core.models import AuditEvent
from cchc.units.exporting import COLUMNS, safe_cell, to_csv, to_xlsx
from cchc.units.importing import import_units
from cchc.units.models import Unit

from .factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province, district, commune, unit_a):
    make_unit(
        '=HYPERLINK("http://evil","x")',
        parent=province,
        code="EVIL",
        short_name="+1",
        notes="-2\nsecond line",
        email="a@b.vn",
        valid_from=datetime.date(2025, 3, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    return Unit.objects.select_related("parent")


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_xlsx_lists_parents_before_children_in_the_import_columns(tree):
    rows = xlsx_rows(to_xlsx(tree))
    assert rows[0] == list(COLUMNS)
    assert [r[0] for r in rows[1:]] == ["AG", "884", "30325", "EVIL", "STP"]
    assert rows[2] == ["884", "Thành phố Châu Đốc", "", "district", "AG", "884", "", "", "", ""]


def test_export_neutralises_formulas(tree):
    evil = xlsx_rows(to_xlsx(tree))[4]
    assert evil[:3] == ["EVIL", '\'=HYPERLINK("http://evil","x")', "'+1"]
    assert evil[6:] == ["01/03/2025", "31/12/2025", "a@b.vn", "'-2\nsecond line"]
    text = to_csv(tree).decode("utf-8-sig")
    evil_csv = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "EVIL")
    assert evil_csv[1] == '\'=HYPERLINK("http://evil","x")'


def test_safe_cell_leaves_ordinary_text_alone():
    assert [safe_cell(v) for v in ["Sở Y tế", "@x", "a=b", ""]] == ["Sở Y tế", "'@x", "a=b", ""]


def test_csv_starts_with_a_byte_order_mark(tree):
    assert to_csv(tree).startswith(b"\xef\xbb\xbfcode,name,short_name,kind,parent_code")


@pytest.mark.parametrize(("render", "name"), [(to_xlsx, "units.xlsx"), (to_csv, "units.csv")])
def test_round_trip_changes_nothing(tree, home_affairs_officer, render, name):
    before = [Unit.history.count(), AuditEvent.objects.count()]
    snapshot = list(Unit.objects.order_by("code").values())
    upload = SimpleUploadedFile(name, render(tree))
    result = import_units(upload, by=home_affairs_officer)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 6)
    assert [Unit.history.count(), AuditEvent.objects.count()] == before
    assert list(Unit.objects.order_by("code").values()) == snapshot


def test_exported_file_imports_into_an_empty_tree(tree, home_affairs_officer):
    content = to_xlsx(tree)
    snapshot = [(u.code, u.name, u.parent.code if u.parent else "") for u in tree.order_by("code")]
    Unit.objects.filter(code__in=["30325"]).delete()
    Unit.objects.filter(code__in=["884", "EVIL", "STP"]).delete()
    result = import_units(SimpleUploadedFile("units.xlsx", content), by=home_affairs_officer)
    assert (result.created, result.unchanged) == (4, 2)
    after = Unit.objects.select_related("parent").order_by("code")
    assert [(u.code, u.name, u.parent.code if u.parent else "") for u in after] == snapshot
