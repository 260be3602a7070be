import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cchc.core.models import AuditEvent
from cchc.units.exporting import COLUMNS
from cchc.units.importing import MAX_ROWS, import_units
from cchc.units.models import Unit

pytestmark = pytest.mark.django_db

HEADER = list(COLUMNS)


def xlsx(rows, header=HEADER, name="units.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text: str, name="units.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def row(code, name, kind, parent="", **cells):
    values = {"code": code, "name": name, "kind": kind, "parent_code": parent, **cells}
    return [values.get(column, "") for column in COLUMNS]


def problems(result) -> list[tuple]:
    return [(p.file, p.row, p.column, p.reason) for p in result.problems]


def test_xlsx_creates_units_with_parents_listed_after_children(province, home_affairs_officer):
    upload = xlsx(
        [
            row("30325", "Phường Núi Sam", "commune", "884", valid_to="30/06/2025"),
            row("884", "Thành phố Châu Đốc", "district", "AG", official_code=884),
            row(
                "SNNMT", "Sở Nông nghiệp và Môi trường", "department", "AG", valid_from="2025-03-01"
            ),
        ]
    )
    result = import_units(upload, by=home_affairs_officer)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 3, 0, 0)
    commune = Unit.objects.get(code="30325")
    assert (commune.parent.code, commune.parent.parent.code) == ("884", "AG")
    assert commune.valid_to == datetime.date(2025, 6, 30)
    assert Unit.objects.get(code="884").official_code == "884"
    assert Unit.objects.get(code="SNNMT").valid_from == datetime.date(2025, 3, 1)
    event = AuditEvent.objects.get(verb="units.imported")
    assert event.data == {"file": "units.xlsx", "created": 3, "updated": 0}
    assert commune.history.get().history_user == home_affairs_officer


def test_xlsx_updates_existing_units_by_code(unit_a, home_affairs_officer):
    upload = xlsx(
        [
            row("STP", "Sở Tư pháp tỉnh An Giang", "department", "AG", email="stp@angiang.gov.vn"),
            row("AG", "Tỉnh An Giang", "province"),
        ]
    )
    result = import_units(upload, by=home_affairs_officer)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    unit_a.refresh_from_db()
    assert unit_a.email == "stp@angiang.gov.vn"


def test_xlsx_accepts_real_date_cells(province, home_affairs_officer):
    upload = xlsx([row("X", "Sở thử", "department", "AG", valid_from=datetime.date(2025, 3, 1))])
    assert import_units(upload, by=home_affairs_officer).ok
    assert Unit.objects.get(code="X").valid_from == datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("code;name;kind;parent_code\r\nX;Sở Xây dựng;department;AG\r\n", "utf-8-sig"),
        ("code,name,kind,parent_code\nX,Sở Xây dựng,department,AG\n", "utf-8"),
        ('code,name,kind,parent_code,notes\nX,"Sở Xây dựng",department,AG,"a, b"\n', "utf-8"),
    ],
    ids=["semicolon-with-bom", "comma-without-bom", "quoted"],
)
def test_csv_in_utf8_with_either_delimiter(province, home_affairs_officer, text, encoding):
    result = import_units(csv_file(text, encoding=encoding), by=home_affairs_officer)
    assert (result.ok, result.created) == (True, 1)
    assert Unit.objects.get(code="X").name == "Sở Xây dựng"


def test_every_row_problem_is_reported_and_nothing_saved(province, home_affairs_officer):
    before = Unit.objects.count()
    upload = xlsx(
        [
            row("A", "Sở A", "department", "AG"),
            row("A", "Sở A lần hai", "department", "AG"),
            row("B", "", "department", "AG"),
            row("C", "Sở C", "ministry", "AG"),
            row("D", "Sở D", "department", "AG", valid_from="31/02/2025"),
            row("E", "Sở E", "department", "AG", valid_from="01/03/2025", valid_to="28/02/2025"),
            row("F", "Sở F", "department", "ZZ"),
            row("G", "Xã G", "commune", "A"),
            row("H", "Sở H", "department", "AG", email="not-an-address"),
        ]
    )
    result = import_units(upload, by=home_affairs_officer)
    assert problems(result) == [
        ("units.xlsx", 4, "name", "A value is required."),
        (
            "units.xlsx",
            5,
            "kind",
            "Unknown kind; use one of: province, department, district, commune, subordinate.",
        ),
        ("units.xlsx", 6, "valid_from", "Not a valid date; write it as dd/mm/yyyy."),
        ("units.xlsx", 7, "valid_to", "The end date is before the start date."),
        ("units.xlsx", 10, "email", "Not a valid e-mail address."),
        ("units.xlsx", 3, "code", "The code is also used on row 2."),
        (
            "units.xlsx",
            8,
            "parent_code",
            "Unknown parent unit ZZ (neither in the file nor in cchc).",
        ),
        (
            "units.xlsx",
            9,
            "parent_code",
            "A unit of kind Commune-level unit cannot be placed under a unit of kind "
            "Department or agency.",
        ),
    ]
    assert Unit.objects.count() == before
    assert not AuditEvent.objects.filter(verb="units.imported").exists()


def test_cycle_in_the_file_is_reported(province, home_affairs_officer):
    upload = xlsx([row("P", "Tỉnh P", "province", "Q"), row("Q", "Huyện Q", "district", "P")])
    result = import_units(upload, by=home_affairs_officer)
    assert problems(result) == [
        ("units.xlsx", 2, "parent_code", "A unit of kind Province cannot have a parent unit."),
        ("units.xlsx", 2, "parent_code", "This parent would put the unit inside itself."),
        ("units.xlsx", 3, "parent_code", "This parent would put the unit inside itself."),
    ]
    assert not Unit.objects.filter(code__in=["P", "Q"]).exists()


def test_a_unit_cannot_be_its_own_parent(province, home_affairs_officer):
    result = import_units(xlsx([row("X", "Huyện X", "district", "X")]), by=home_affairs_officer)
    assert problems(result) == [
        (
            "units.xlsx",
            2,
            "parent_code",
            "A unit of kind District-level unit cannot be placed under a unit of kind "
            "District-level unit.",
        ),
        ("units.xlsx", 2, "parent_code", "This parent would put the unit inside itself."),
    ]


def test_wrong_columns_name_the_missing_and_unknown_headers(province, home_affairs_officer):
    upload = xlsx(
        [["X", "Sở X", "department", "AG"]], header=["code", "nam", "kind", "parent_code"]
    )
    result = import_units(upload, by=home_affairs_officer)
    assert problems(result) == [
        ("units.xlsx", 1, "nam", "Unknown column."),
        ("units.xlsx", 1, "name", "A required column is missing."),
    ]
    assert not Unit.objects.filter(code="X").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(province, home_affairs_officer):
    upload = SimpleUploadedFile("units.xlsx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    result = import_units(upload, by=home_affairs_officer)
    assert problems(result) == [
        (
            "units.xlsx",
            None,
            "",
            "this type of file is not accepted here (allowed: .csv, .xlsx).",
        )
    ]


def test_a_zip_bomb_named_xlsx_is_refused(province, home_affairs_officer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    before = Unit.objects.count()
    result = import_units(SimpleUploadedFile("bomb.xlsx", buffer.getvalue()), by=None)
    assert problems(result) == [
        ("bomb.xlsx", None, "", "the file is compressed suspiciously densely (a ZIP bomb?).")
    ]
    assert Unit.objects.count() == before


def test_a_damaged_workbook_is_refused(province, home_affairs_officer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    result = import_units(SimpleUploadedFile("units.xlsx", buffer.getvalue()), by=None)
    assert problems(result) == [("units.xlsx", None, "", "The spreadsheet cannot be read.")]


def test_too_many_rows_are_refused(province, home_affairs_officer):
    lines = ["code,name,kind,parent_code"] + [
        f"X{n},Xã {n},commune,AG" for n in range(MAX_ROWS + 1)
    ]
    result = import_units(csv_file("\n".join(lines)), by=home_affairs_officer)
    assert problems(result) == [
        ("units.csv", None, "", "The file has more than 20,000 rows; split it into several files.")
    ]
    assert not Unit.objects.filter(code="X0").exists()


def test_csv_not_in_utf8_is_refused(province, home_affairs_officer):
    upload = csv_file("code,name,kind,parent_code\nX,Café,department,AG\n", encoding="cp1252")
    result = import_units(upload, by=home_affairs_officer)
    assert problems(result) == [
        (
            "units.csv",
            None,
            "",
            "this type of file is not accepted here (allowed: .csv, .xlsx).",
        )
    ]


def test_csv_with_non_utf8_bytes_late_in_the_file_is_refused(province, home_affairs_officer):
    lines = ["code,name,kind,parent_code"] + [f"X{n},Xa {n},commune,AG" for n in range(500)]
    text = "\n".join([*lines, "Y,Café,department,AG"])
    result = import_units(csv_file(text, encoding="cp1252"), by=home_affairs_officer)
    assert problems(result) == [
        ("units.csv", None, "", "The CSV file is not in UTF-8; save it as “CSV UTF-8”.")
    ]
    assert not Unit.objects.filter(code="X0").exists()


def test_an_empty_sheet_is_reported(province, home_affairs_officer):
    result = import_units(xlsx([]), by=home_affairs_officer)
    assert problems(result) == [("units.xlsx", None, "", "The file has no data rows.")]


def test_problem_reads_file_row_column_reason():
    from cchc.units.importing import ImportProblem

    assert str(ImportProblem("a.xlsx", 4, "name", "A value is required.")) == (
        "a.xlsx — row 4 — name — A value is required."
    )
