from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ..models import Question, QuestionKind, Questionnaire
from ..seed import load_sipas
from ..services.questionnaires import export_xlsform, import_xlsform, spec_of
from ..xlsform import XLSFormInvalid, read_xlsform
from ..xlsform.expressions import parse_constraint, parse_relevant
from .factories import make_version

pytestmark = pytest.mark.django_db

EN, VI = "label::English (en)", "label::Vietnamese (vi)"


def workbook(
    survey: list[list[Any]], choices: list[list[Any]] | None = None, settings: Any = None
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        other = book.create_sheet("choices")
        for row in choices:
            other.append(row)
    if settings is not None:
        extra = book.create_sheet("settings")
        for row in settings:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "form.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(content: bytes, name: str = "form.xlsx", **kwargs: Any) -> list[tuple[Any, str]]:
    with pytest.raises(XLSFormInvalid) as error:
        import_xlsform(upload(content, name), by=None, **kwargs)
    assert not Questionnaire.objects.exists()
    return [(p.row, p.column) for p in error.value.problems]


def rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list(book[sheet].iter_rows(values_only=True))


# Our own export ------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_questionnaire(admin_user):
    for version in [make_version(), *load_sipas()]:
        again = import_xlsform(
            upload(export_xlsform(version)), by=admin_user, code=version.questionnaire.code
        )
        assert again.questionnaire == version.questionnaire
        assert again.number == version.number + 1
        assert spec_of(again) == spec_of(version)
        assert again.source == "XLSForm: form.xlsx"


def test_the_export_speaks_xlsform_to_kobo():
    content = export_xlsform(make_version())
    survey = {row[1]: row for row in reversed(rows(content, "survey")[1:])}  # first row wins
    header = rows(content, "survey")[0]
    assert header[:7] == ("type", "name", VI, "hint::Vietnamese (vi)", "required", "relevant",
                          "constraint")  # fmt: skip
    assert survey["c11"][0] == "select_one cchc_satisfaction_5"
    assert survey["c11"][4] == "yes"
    assert survey["c21"][0] == "select_one cchc_agree_disagree"
    assert survey["why"][5] == "${overall} = '1' or ${overall} = '2'"
    assert survey["expect"][0] == "select_multiple expect"
    assert survey["expect"][6] == "count-selected(.) <= 2"
    assert survey["age"][:1] == ("decimal",)
    assert survey["age"][6] == ". >= 15 and . <= 100"
    assert survey["comment"][6] == "string-length(.) <= 200"
    assert survey["e1"][0] == "begin_group"  # the section; the question e1 is in it
    choices = rows(content, "choices")
    assert ("gender", "nu", "Nữ", 2) in choices
    assert ("cchc_satisfaction_5", "5", "Rất hài lòng", 5) in choices
    settings = rows(content, "settings")
    assert settings[1][:3] == ("Phiếu mini", "mini", "1")


def test_the_export_neutralises_formulas_and_the_import_restores_them(admin_user):
    version = make_version()
    Question.objects.filter(version=version, code="comment").update(text="=HYPERLINK(1)")
    content = export_xlsform(version)
    texts = [row[2] for row in rows(content, "survey")]
    assert "'=HYPERLINK(1)" in texts
    again = import_xlsform(upload(content), by=admin_user, code="mini")
    assert again.questions.get(code="comment").text == "=HYPERLINK(1)"


# A form made in KoboToolbox ------------------------------------------------------------------

KOBO_SURVEY = [
    ["type", "name", EN, VI, "hint::Vietnamese (vi)", "required", "relevant", "constraint",
     "constraint_message::English (en)", "appearance", "$kuid"],
    ["start", "start", None, None, None, None, None, None, None, None, "a1"],
    ["end", "end", None, None, None, None, None, None, None, None, "a2"],
    ["note", "welcome", "Welcome", "Xin chào", None, None, None, None, None, None, "a3"],
    ["begin group", "service", "Service", "Dịch vụ", None, None, None, None, None, "field-list",
     "a4"],
    ["note", "service_note", "About", "Về dịch vụ", None, None, None, None, None, None, "a5"],
    ["select_one yn", "visited", "Visited?", "Ông/Bà đã đến?", "Chọn một", "true", None, None,
     None, "minimal", "a6"],
    ["select_multiple areas", "improve", "Improve", "Cần cải thiện", None, "no",
     "${visited} = 'yes'", "count-selected(.) <= 2", "At most 2", None, "a7"],
    ["integer", "age", "Age", "Tuổi", None, None, "selected(${visited}, 'yes')",
     ". >= 18 and . <= 99", None, None, "a8"],
    ["end group", None, None, None, None, None, None, None, None, None, "a9"],
    ["text", "comment", "Comment", "Ý kiến", None, None, None, None, None, None, "a10"],
]  # fmt: skip
KOBO_CHOICES = [
    ["list_name", "name", EN, VI],
    ["yn", "yes", "Yes", "Có"],
    ["yn", "no", "No", "Không"],
    ["areas", "staff", "Staff", "Thái độ"],
    ["areas", "time", "Time", "Thời gian"],
    ["areas", "fees", "Fees", "Lệ phí"],
]
KOBO_SETTINGS = [["form_title", "form_id", "version"], ["Khảo sát Kobo", "aKobo123", "v3"]]


def test_a_kobo_form_is_imported_with_the_vietnamese_labels(admin_user, english):
    content = workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    version = import_xlsform(upload(content, "kobo.xlsx"), by=admin_user)
    assert version.questionnaire.code == "aKobo123"
    assert version.title == "Khảo sát Kobo"
    section = version.sections.get()
    assert (section.code, section.title, section.description) == (
        "service",
        "Dịch vụ",
        "Về dịch vụ",
    )
    questions = {q.code: q for q in version.questions.all()}
    assert list(questions) == ["visited", "improve", "age", "comment"]
    visited = questions["visited"]
    assert (visited.kind, visited.text, visited.hint, visited.required) == (
        QuestionKind.SINGLE, "Ông/Bà đã đến?", "Chọn một", True
    )  # fmt: skip
    assert list(visited.choices.values_list("value", "name", "label")) == [
        (1, "yes", "Có"),
        (2, "no", "Không"),
    ]
    improve = questions["improve"]
    assert (improve.kind, improve.max_picks, improve.show_if, improve.show_if_values) == (
        QuestionKind.MULTIPLE, 2, visited, [1]
    )  # fmt: skip
    age = questions["age"]
    assert (age.kind, age.min_value, age.max_value) == (QuestionKind.NUMBER, 18, 99)
    assert age.show_if == visited
    assert questions["comment"].section is None
    assert questions["comment"].max_length == 500
    # What was not kept is said, in the version's notes.
    assert "“start”" in version.notes
    assert "“end”" in version.notes
    assert "Xin chào" in version.notes  # the note outside any group
    assert "label::English (en)" in version.notes
    assert "constraint_message::English (en)" in version.notes


def test_choice_names_that_are_numbers_are_the_values(admin_user):
    content = workbook(
        [["type", "name", "label"], ["select_one sat", "q1", "Hài lòng?"]],
        [["list_name", "name", "label"]] + [["sat", str(n), f"Mức {n}"] for n in (5, 4, 3, 2, 1)],
        [["form_title", "form_id"], ["Một câu", "one"]],
    )
    version = import_xlsform(upload(content), by=admin_user)
    q1 = version.questions.get()
    assert q1.kind == QuestionKind.SINGLE
    assert list(q1.choices.order_by("value").values_list("value", "label")) == [
        (n, f"Mức {n}") for n in range(1, 6)
    ]


# Refused files -------------------------------------------------------------------------------


def test_a_select_list_missing_from_the_choices_is_reported_by_row():
    content = workbook(
        [["type", "name", "label"], ["text", "a", "A"], ["select_one missing", "b", "B"]],
        [["list_name", "name", "label"], ["other", "x", "X"]],
        [["form_title", "form_id"], ["T", "t"]],
    )
    assert refused(content) == [(3, "survey!type")]


def test_unsupported_features_are_each_reported_by_row():
    content = workbook(
        [
            ["type", "name", "label", "relevant", "constraint", "choice_filter"],
            ["begin_repeat", "people", "Người", None, None, None],
            ["text", "name_", "Tên", None, None, None],
            ["end_repeat", None, None, None, None, None],
            ["calculate", "total", None, None, None, None],
            ["geopoint", "where", "Ở đâu", None, None, None],
            ["select_one yn", "ok", "OK?", None, None, "x = 1"],
            ["text", "why", "Vì sao", "${ok} != 'yes'", None, None],
            ["integer", "n", "Số", None, ". mod 2 = 0", None],
            ["select_one yn or_other", "other", "Khác", None, None, None],
        ],
        [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]],
        [["form_title", "form_id"], ["T", "t"]],
    )
    assert refused(content) == [
        (2, "survey!type"),
        (4, "survey!type"),
        (5, "survey!type"),
        (6, "survey!type"),
        (7, "survey!choice_filter"),
        (8, "survey!relevant"),
        (9, "survey!constraint"),
        (10, "survey!type"),
    ]


def test_problems_of_the_form_itself_point_at_their_cells():
    content = workbook(
        [
            ["type", "name", "label", "relevant", "cchc_index_role"],
            ["text", "a", "A", "${b} = 'yes'", None],
            ["select_one yn", "b", "B", None, None],
            ["text", "b", "B again", None, None],
            ["text", "c", "C", None, "criterion"],
            ["begin_group", "g", "G", None, None],
            ["begin_group", "h", "H", None, None],
            ["end_group", None, None, None, None],
        ],
        [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "yes", "Có nữa"]],
        [["form_title", "form_id"], ["T", "t"]],
    )
    problems = refused(content)
    assert (7, "survey!type") in problems  # a group inside a group
    assert (2, "survey!relevant") in problems  # b is not an earlier question
    assert (4, "survey!name") in problems  # b twice
    assert (5, "survey!cchc_index_role") in problems  # a criterion cannot be text
    assert (3, "choices!name") in problems  # the choice name yes twice in the list
    assert len(problems) == 6  # row 5 has two: the wrong kind and no section


def test_a_file_that_is_not_a_workbook_is_refused(english):
    assert refused(b"type,name,label\ntext,a,A\n") == [(None, "")]
    with pytest.raises(XLSFormInvalid) as error:
        import_xlsform(upload(b"not a workbook"), by=None)
    assert "not accepted" in error.value.problems[0].reason


def test_an_oversized_file_is_refused(settings, english):
    settings.IMPORT_MAX_BYTES = 1000
    content = workbook([["type", "name", "label"], ["text", "a", "A" * 5000]])
    with pytest.raises(XLSFormInvalid) as error:
        import_xlsform(upload(content), by=None)
    assert "limit" in error.value.problems[0].reason
    assert not Questionnaire.objects.exists()


def test_missing_sheets_and_columns_are_refused():
    book = openpyxl.Workbook()
    book.active.title = "data"
    out = io.BytesIO()
    book.save(out)
    assert refused(out.getvalue()) == [(None, "survey")]
    no_label = workbook([["type", "name"], ["text", "a"]], None, [["form_id"], ["t"]])
    assert refused(no_label) == [(1, "survey!label")]


def test_a_form_without_form_id_needs_a_code(admin_user):
    content = workbook([["type", "name", "label"], ["text", "a", "A"]])
    assert refused(content) == [(None, "settings!form_id")]
    version = import_xlsform(upload(content), by=admin_user, code="tu-nhap")
    assert version.questionnaire.code == "tu-nhap"
    assert version.title == "form"  # the file's name without a form_title


def test_the_reader_reports_every_problem_without_saving():
    content = workbook([["type", "name", "label"], ["range", "r", "R"], ["image", "i", "I"]])
    found = read_xlsform(io.BytesIO(content), file="f.xlsx")
    assert [(p.row, p.column) for p in found.problems] == [(2, "survey!type"), (3, "survey!type")]


# Expressions ---------------------------------------------------------------------------------


def test_relevant_expressions_understood():
    assert parse_relevant("${q} = 'a'").names == ("a",)
    assert parse_relevant("${q}=3").names == ("3",)
    found = parse_relevant("(selected(${q}, 'a') or ${q} = \"b\")")
    assert (found.question, found.names) == ("q", ("a", "b"))
    assert parse_relevant("${q} = 'a' or ${r} = 'b'") is None
    assert parse_relevant("${q} = 'a' and ${q} = 'b'") is None
    assert parse_relevant("${q} != 'a'") is None


def test_constraints_understood():
    assert parse_constraint("count-selected(.) <= 3").max_picks == 3
    assert parse_constraint("count-selected(.) < 3").max_picks == 2
    bounds = parse_constraint(". >= 1.5 and . <= 10")
    assert (bounds.min_value, bounds.max_value) == (Decimal("1.5"), Decimal("10"))
    assert parse_constraint(". <= 10").min_value is None
    assert parse_constraint("string-length(.) <= 80").max_length == 80
    assert parse_constraint(". > 3") is None
    assert parse_constraint("regex(., '^[0-9]+$')") is None
