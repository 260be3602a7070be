"""The rows of an XLSForm ``survey`` sheet turned into sections and questions (see `reading`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cchc.core.spreadsheets import ImportProblem

from ..models import QuestionKind
from .expressions import Condition, parse_constraint, parse_relevant
from .sheets import Row, Sheet
from .spec import ChoiceDraft, QuestionDraft, SectionDraft
from .writing import SCALE_LISTS

SUPPORTED_COLUMNS = frozenset(
    {"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance"}
    | {"cchc_kind", "cchc_scale", "cchc_index_role", "cchc_max_picks", "cchc_uncertain"}
    | {"cchc_note"}
)
# Columns whose content cchc does not keep but which change nothing a respondent answers.
COSMETIC_PREFIXES = (
    "constraint_message", "required_message", "guidance_hint", "media::", "image", "audio",
    "video", "$",
)  # fmt: skip
METADATA_TYPES = frozenset(
    {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber"}
    | {"username", "email", "audit", "start-geopoint", "background-audio"}
)
# The cchc_kind a type may carry ("" = the type's own kind).
KINDS_OF_TYPE: dict[str, dict[str, str]] = {
    "select_one": {
        "": QuestionKind.SINGLE,
        QuestionKind.SINGLE: QuestionKind.SINGLE,
        QuestionKind.SATISFACTION: QuestionKind.SATISFACTION,
        QuestionKind.ASSESSMENT: QuestionKind.ASSESSMENT,
    },
    "select_multiple": {"": QuestionKind.MULTIPLE, QuestionKind.MULTIPLE: QuestionKind.MULTIPLE},
    "integer": {"": QuestionKind.NUMBER, QuestionKind.NUMBER: QuestionKind.NUMBER},
    "decimal": {"": QuestionKind.NUMBER, QuestionKind.NUMBER: QuestionKind.NUMBER},
    "text": {"": QuestionKind.TEXT, QuestionKind.TEXT: QuestionKind.TEXT},
}
ANSWER_COLUMNS = ("required", "relevant", "constraint")
TRUE = frozenset({"yes", "true", "1", "true()", "y"})
FALSE = frozenset({"no", "false", "0", "false()", "n", ""})
SCALE_KINDS = frozenset({QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT})


def _type_of(row: Row) -> tuple[str, str]:
    """(type, rest): "begin group" and "begin_group" read alike; the rest is the list name."""
    words = row.text("type").split()
    if not words:
        return "", ""
    head = words[0].lower()
    if head in ("begin", "end") and len(words) > 1:
        return f"{head}_{words[1].lower()}", " ".join(words[2:])
    return head, " ".join(words[1:])


class SurveyReader:
    """Reads the survey rows in order, collecting problems and notices as it goes."""

    def __init__(
        self,
        file: str,
        choices: dict[str, list[ChoiceDraft]],
        problems: list[ImportProblem],
        notices: list[str],
    ) -> None:
        self.file = file
        self.choices = choices
        self.problems = problems
        self.notices = notices
        self.sections: list[SectionDraft] = []
        self.questions: list[QuestionDraft] = []
        self.conditions: list[tuple[QuestionDraft, Condition, Row]] = []
        self.group: SectionDraft | None = None
        self.cosmetic: set[str] = set()

    def problem(self, row: Row | None, column: str, reason: str) -> None:
        number = row.number if row else 1
        self.problems.append(ImportProblem(self.file, number, f"survey!{column}", reason))

    def read(self, sheet: Sheet) -> None:
        missing = [c for c in ("type", "name", "label") if c not in sheet.columns]
        for column in missing:
            self.problem(None, column, _("The column “%(c)s” is missing.") % {"c": column})
        if missing:
            return
        for row in sheet.rows:
            self._check_columns(row)
            self._row(row)
        if self.group is not None:
            self.problems.append(
                ImportProblem(
                    self.file, self.group.row, "survey!type", _("The group is not closed.")
                )
            )
        for column in sorted(self.cosmetic):
            self.notices.append(
                _("Sheet survey: the column %(column)s was not kept.") % {"column": column}
            )

    def _check_columns(self, row: Row) -> None:
        for column in row.filled():
            if column in SUPPORTED_COLUMNS:
                continue
            if column.startswith(COSMETIC_PREFIXES):
                self.cosmetic.add(column)
                continue
            self.problem(
                row, column, _("The column “%(c)s” is not supported by cchc.") % {"c": column}
            )

    def _row(self, row: Row) -> None:
        kind, rest = _type_of(row)
        if kind in KINDS_OF_TYPE:
            self._question(row, kind, rest)
        elif kind == "begin_group":
            self._begin(row)
        elif kind == "end_group":
            self._end(row)
        elif kind == "note":
            self._note(row)
        elif kind in METADATA_TYPES:
            self.notices.append(
                _("Row %(row)d: the metadata field “%(type)s” is not collected (cchc records "
                  "nothing about the device).") % {"row": row.number, "type": kind}
            )  # fmt: skip
        else:
            self.problem(row, "type", self._unsupported_type(row, kind))

    @staticmethod
    def _unsupported_type(row: Row, kind: str) -> str:
        if not kind:
            return _("The row has no type.")
        if kind in ("begin_repeat", "end_repeat"):
            return _("Repeat groups are not supported by cchc.")
        return _("The type “%(type)s” is not supported by cchc.") % {"type": row.text("type")}

    def _no_answer_columns(self, row: Row, what: str) -> None:
        for column in ANSWER_COLUMNS:
            if row.text(column):
                self.problem(
                    row, column,
                    _("A %(what)s cannot have “%(c)s” in cchc.") % {"what": what, "c": column},
                )  # fmt: skip

    def _begin(self, row: Row) -> None:
        self._no_answer_columns(row, _("group"))
        if self.group is not None:
            self.problem(row, "type", _("Groups inside groups are not supported by cchc."))
            return
        code = row.text("name")
        self.group = SectionDraft(code=code, title=row.words("label") or code, row=row.number)
        self.sections.append(self.group)

    def _end(self, row: Row) -> None:
        if self.group is None:
            self.problem(row, "type", _("end_group without a begin_group above it."))
        self.group = None

    def _note(self, row: Row) -> None:
        self._no_answer_columns(row, _("note"))
        text = row.words("label")
        if self.group is not None:
            parts = [self.group.description, text]
            self.group.description = "\n\n".join(p for p in parts if p)
            return
        self.notices.append(
            _("Row %(row)d: a note outside any group, kept in the version's notes: %(text)s")
            % {"row": row.number, "text": text}
        )

    def _question(self, row: Row, type_: str, rest: str) -> None:
        claimed = row.text("cchc_kind")
        kind = KINDS_OF_TYPE[type_].get(claimed)
        if kind is None:
            reason = _("“%(kind)s” does not fit the type %(type)s.")
            self.problem(row, "cchc_kind", reason % {"kind": claimed, "type": type_})
            kind = KINDS_OF_TYPE[type_][""]
        q = QuestionDraft(
            code=row.text("name"), text=row.words("label"), kind=kind,
            section=self.group.code if self.group else "", hint=row.words("hint"),
            required=self._flag(row, "required"), scale=row.text("cchc_scale"),
            index_role=row.text("cchc_index_role"), uncertain=self._flag(row, "cchc_uncertain"),
            note=row.words("cchc_note"), row=row.number,
        )  # fmt: skip
        if type_.startswith("select_"):
            q.choices = self._list(row, rest, kind)
        elif rest:
            self.problem(row, "type", _("“%(rest)s” after the type is not understood.") % {
                "rest": rest
            })  # fmt: skip
        self._constraint(row, q)
        self._max_picks(row, q)
        self._relevant(row, q)
        self.questions.append(q)

    def _flag(self, row: Row, column: str) -> bool:
        value = row.text(column).lower()
        if value in TRUE:
            return True
        if value not in FALSE:
            self.problem(row, column, _("“%(v)s” is not yes or no.") % {"v": row.text(column)})
        return False

    def _list(self, row: Row, rest: str, kind: str) -> list[ChoiceDraft]:
        list_name, _sep, extra = rest.partition(" ")
        if extra:
            self.problem(row, "type", _("“%(extra)s” is not supported by cchc.") % {"extra": extra})
        if not list_name:
            self.problem(row, "type", _("The type names no list of choices."))
            return []
        if kind in SCALE_KINDS and list_name in SCALE_LISTS:
            return []  # the question's own scale
        if list_name not in self.choices:
            reason = _("The list “%(list)s” is not in the choices sheet.") % {"list": list_name}
            self.problem(row, "type", reason)
            return []
        return [ChoiceDraft(c.value, c.name, c.label, row=c.row) for c in self.choices[list_name]]

    def _constraint(self, row: Row, q: QuestionDraft) -> None:
        text = row.text("constraint")
        if not text:
            return
        found = parse_constraint(text)
        if found is None:
            reason = _(
                "The constraint “%(c)s” is not supported: cchc keeps count-selected(.) <= n, "
                ". >= a and . <= b, and string-length(.) <= n."
            )
            self.problem(row, "constraint", reason % {"c": text})
            return
        if found.max_length is not None and q.kind != QuestionKind.TEXT:
            self.problem(row, "constraint", _("string-length only applies to a text question."))
        q.max_length = found.max_length if found.max_length is not None else q.max_length
        q.max_picks, q.min_value, q.max_value = found.max_picks, found.min_value, found.max_value

    def _max_picks(self, row: Row, q: QuestionDraft) -> None:
        text = row.text("cchc_max_picks")
        if not text:
            return
        if not text.isdigit():
            self.problem(row, "cchc_max_picks", _("A whole number is expected."))
        elif q.max_picks is not None and q.max_picks != int(text):
            self.problem(row, "cchc_max_picks", _("It disagrees with the constraint."))
        else:
            q.max_picks = int(text)

    def _relevant(self, row: Row, q: QuestionDraft) -> None:
        text = row.text("relevant")
        if not text:
            return
        found = parse_relevant(text)
        if found is None:
            reason = _(
                "The condition “%(c)s” is not supported: cchc keeps ${q} = 'v' and "
                "selected(${q}, 'v') on one earlier question, joined by “or”."
            )
            self.problem(row, "relevant", reason % {"c": text})
            return
        self.conditions.append((q, found, row))
