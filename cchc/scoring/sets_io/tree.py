"""The JSON tree of a criteria set: read it into checked specs, or say what is wrong.

`read_tree` is the one validation every way in shares (JSON upload, XLSX upload, seed
files, `services.create_criteria_set`). It never trusts the types it is given: a tree
from a JSON file may hold anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cchc.core.spreadsheets import ImportProblem
from cchc.core.text import normalize

from ..calculations import Method, Rounding, check_params
from ..models import Criterion, UnitGroup

FORMAT = "cchc-criteria-set/1"
MAX_DEPTH = 3
MAX_NODES = 1000
MAX_TEXT = 20_000
MAX_POINTS = Decimal("99999.99")
CENT = Decimal("0.01")
_CODE_PART = re.compile(r"^[0-9A-Za-z]+$")

SET_FIELDS = (
    "format",
    "year",
    "group",
    "name",
    "legal_basis",
    "rounding",
    "cap_at_maximum",
    "is_template",
    "is_demo",
    "notes",
    "bands",
    "criteria",
)
NODE_FIELDS = (
    "code",
    "name",
    "max_points",
    "guidance",
    "evidence_required",
    "source",
    "kind",
    "method",
    "params",
    "allows_not_applicable",
    "children",
)
BAND_FIELDS = ("label", "min_percent")

# Where a problem is: (path of the node or band, field) → (row, column) for ImportProblem.
Locate = Callable[[str, str], tuple[int | None, str]]


class SetInvalid(ValidationError):
    """A criteria set that cannot be saved; `problems` say where and why."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems] or [_("The criteria set is not valid.")])


def json_locate(path: str, field: str) -> tuple[int | None, str]:
    """A JSON tree has no rows: the column is the path, e.g. criteria[1].children[0].code."""
    return None, ".".join(part for part in (path, field) if part)


@dataclass
class NodeSpec:
    code: str
    name: str
    max_points: Decimal
    guidance: str = ""
    evidence_required: str = ""
    source: str = Criterion.Source.SELF_ASSESSMENT
    kind: str = Criterion.Kind.NORMAL
    method: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    allows_not_applicable: bool = False
    children: list[NodeSpec] = field(default_factory=list)
    path: str = field(default="", compare=False, repr=False)  # where it was read from

    def walk(self, depth: int = 1) -> list[tuple[NodeSpec, int]]:
        """This node and its descendants in document (pre-)order, with their depth."""
        found = [(self, depth)]
        for child in self.children:
            found += child.walk(depth + 1)
        return found


@dataclass
class SetSpec:
    year: int
    group: str
    name: str
    legal_basis: str = ""
    rounding: str = Rounding.HALF_UP
    cap_at_maximum: bool = True
    is_template: bool = False
    is_demo: bool = False
    notes: str = ""
    bands: list[tuple[str, Decimal]] = field(default_factory=list)
    criteria: list[NodeSpec] = field(default_factory=list)

    def nodes(self) -> list[tuple[NodeSpec, int]]:
        return [pair for root in self.criteria for pair in root.walk()]


def decimal_text(value: Decimal) -> str:
    """A decimal as the tree writes it: "10", "2.5", "0.25" (no exponent, no trailing 0)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


class _Reader:
    """Collects problems while turning untrusted values into specs."""

    def __init__(self, file: str, locate: Locate) -> None:
        self.file, self.locate = file, locate
        self.problems: list[ImportProblem] = []
        self.codes: set[str] = set()
        self.count = 0

    def problem(self, path: str, field: str, reason: str) -> None:
        row, column = self.locate(path, field)
        self.problems.append(ImportProblem(self.file, row, column, reason))

    def unknown_keys(self, data: Mapping[str, Any], known: tuple[str, ...], path: str) -> None:
        for name in data:
            if name not in known:
                self.problem(path, str(name), _("Unknown field."))

    def text(
        self, data: Mapping[str, Any], name: str, path: str, *, limit: int, exact: bool = False
    ) -> str:
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(path, name, _("Must be text."))
            return ""
        value = ILLEGAL_CHARACTERS_RE.sub("", value if exact else normalize(value))
        if len(value) > limit:
            self.problem(path, name, _("Longer than %(max)s characters.") % {"max": limit})
        return value

    def required_text(self, data: Mapping[str, Any], name: str, path: str, *, limit: int) -> str:
        value = self.text(data, name, path, limit=limit)
        if not value and isinstance(data.get(name, ""), str | None):
            self.problem(path, name, _("A value is required."))
        return value

    def boolean(self, data: Mapping[str, Any], name: str, path: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(path, name, _("Must be true or false."))
            return default
        return value

    def choice(
        self, data: Mapping[str, Any], name: str, path: str, choices: Any, default: str
    ) -> str:
        value = data.get(name, default)
        if value in ("", None):
            return default
        if value not in choices.values:
            listed = ", ".join(f"{c} ({label})" for c, label in choices.choices)
            self.problem(
                path,
                name,
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": listed},
            )
            return default
        return str(value)

    def points(
        self, value: Any, path: str, name: str, *, high: Decimal = MAX_POINTS
    ) -> Decimal | None:
        """A decimal with at most 2 places between 0 and `high`, or None (reported)."""
        number = None
        if isinstance(value, int | str | Decimal | float) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except (InvalidOperation, ValueError):
                number = None
        if number is None or not number.is_finite():
            self.problem(path, name, _("Must be a number."))
            return None
        if not Decimal(0) <= number <= high:
            self.problem(
                path, name, _("Must be between 0 and %(max)s.") % {"max": decimal_text(high)}
            )
            return None
        if number != number.quantize(CENT):
            self.problem(path, name, _("At most 2 decimal places."))
            return None
        return number.quantize(CENT)

    # --- the set ---

    def read_set(self, tree: Any) -> SetSpec | None:
        if not isinstance(tree, Mapping):
            self.problem("", "", _("The file does not hold a criteria set."))
            return None
        if tree.get("format") != FORMAT:
            reason = _("Not a cchc criteria set (the format must be “%(format)s”).")
            self.problem("", "format", reason % {"format": FORMAT})
            return None
        self.unknown_keys(tree, SET_FIELDS, "")
        spec = SetSpec(
            year=self.year(tree.get("year")),
            group=self.choice(tree, "group", "", UnitGroup, ""),
            name=self.required_text(tree, "name", "", limit=300),
            legal_basis=self.text(tree, "legal_basis", "", limit=300),
            rounding=self.choice(tree, "rounding", "", Rounding, Rounding.HALF_UP),
            cap_at_maximum=self.boolean(tree, "cap_at_maximum", "", True),
            is_template=self.boolean(tree, "is_template", "", False),
            is_demo=self.boolean(tree, "is_demo", "", False),
            notes=self.text(tree, "notes", "", limit=MAX_TEXT, exact=True),
            bands=self.bands(tree.get("bands", [])),
            criteria=self.criteria(tree.get("criteria")),
        )
        if not spec.group and tree.get("group") in ("", None):
            self.problem("", "group", _("A value is required."))
        return spec

    def year(self, value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 1990 <= value <= 2100:
            self.problem("", "year", _("Must be a year between 1990 and 2100."))
            return 0
        return value

    def bands(self, value: Any) -> list[tuple[str, Decimal]]:
        if not isinstance(value, list):
            self.problem("bands", "", _("Must be a list of bands."))
            return []
        return band_specs(value, self)

    def criteria(self, value: Any) -> list[NodeSpec]:
        if not isinstance(value, list) or not value:
            self.problem("criteria", "", _("The set has no criteria."))
            return []
        roots = [self.node(item, f"criteria[{i}]", None) for i, item in enumerate(value)]
        return [root for root in roots if root is not None]

    # --- the nodes ---

    def node(self, data: Any, path: str, parent: NodeSpec | None) -> NodeSpec | None:
        if not isinstance(data, Mapping):
            self.problem(path, "", _("A criterion must be an object with a code and a name."))
            return None
        self.unknown_keys(data, NODE_FIELDS, path)
        depth = path.count("children") + 1
        if depth > MAX_DEPTH:
            reason = _("Too many levels: a set has areas, criteria and sub-criteria (3 levels).")
            self.problem(path, "code", reason)
            return None
        self.count += 1
        if self.count == MAX_NODES + 1:
            reason = _("A set has at most %(max)s criteria.") % {"max": MAX_NODES}
            self.problem(path, "", reason)
        spec = NodeSpec(
            code=self.code(data.get("code"), path, parent),
            name=self.required_text(data, "name", path, limit=1000),
            max_points=_or_unknown(self.points(data.get("max_points"), path, "max_points")),
            guidance=self.text(data, "guidance", path, limit=MAX_TEXT, exact=True),
            evidence_required=self.text(
                data, "evidence_required", path, limit=MAX_TEXT, exact=True
            ),
            source=self.choice(
                data, "source", path, Criterion.Source, Criterion.Source.SELF_ASSESSMENT
            ),
            kind=self.choice(data, "kind", path, Criterion.Kind, Criterion.Kind.NORMAL),
            method=_or_default(data.get("method"), ""),
            params=_or_default(data.get("params"), {}),
            allows_not_applicable=self.boolean(data, "allows_not_applicable", path, False),
            path=path,
        )
        children = data.get("children", [])
        if not isinstance(children, list):
            self.problem(path, "children", _("Must be a list of criteria."))
            children = []
        for i, item in enumerate(children):
            child = self.node(item, f"{path}.children[{i}]", spec)
            if child is not None:
                spec.children.append(child)
        self.check_node(spec, path, children=len(children))
        return spec

    def code(self, value: Any, path: str, parent: NodeSpec | None) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not normalize(value):
            self.problem(path, "code", _("A value is required."))
            return ""
        code = normalize(value).rstrip(".")
        if len(code) > 30 or not all(_CODE_PART.match(p) for p in code.split(".")):
            reason = _("“%(code)s” is not a code: write 1, 1.2 or 1.2.3 (areas may be I, II, …).")
            self.problem(path, "code", reason % {"code": code})
            return ""
        if code in self.codes:
            reason = _("The code %(code)s is used more than once.") % {"code": code}
            self.problem(path, "code", reason)
        self.codes.add(code)
        if parent is None and "." in code:
            reason = _("An area's code is a single number, such as 1 or I.")
            self.problem(path, "code", reason)
        elif parent is not None and parent.code and code.rpartition(".")[0] != parent.code:
            reason = _(
                "A criterion under %(parent)s must be numbered %(parent)s.1, %(parent)s.2, …"
            )
            self.problem(path, "code", reason % {"parent": parent.code})
        return code

    def check_node(self, spec: NodeSpec, path: str, *, children: int) -> None:
        """`children` counts the children given, including any that could not be read."""
        if not isinstance(spec.method, str):
            self.problem(path, "method", _("Must be text."))
            spec.method = ""
        if not isinstance(spec.params, dict):
            self.problem(path, "params", _("Must be an object (a JSON dictionary)."))
            spec.params = {}
        if children:
            self.check_aggregate(spec, path, complete=len(spec.children) == children)
        else:
            self.check_leaf(spec, path)

    def check_aggregate(self, spec: NodeSpec, path: str, *, complete: bool) -> None:
        if spec.kind != Criterion.Kind.NORMAL:
            reason = _("Bonus and penalty lines cannot have sub-criteria.")
            self.problem(path, "kind", reason)
        if spec.method or spec.params:
            reason = _(
                "A criterion with sub-criteria is not scored itself; leave its method empty."
            )
            self.problem(path, "method", reason)
        normal = [c for c in spec.children if c.kind == Criterion.Kind.NORMAL]
        if not complete or spec.max_points < 0 or any(c.max_points < 0 for c in normal):
            return  # a child or a number is already reported
        total = sum((c.max_points for c in normal), Decimal(0)).quantize(CENT)
        if total != spec.max_points:
            reason = _("The sub-criteria of %(code)s add up to %(sum)s but %(code)s has %(max)s.")
            self.problem(
                path,
                "max_points",
                reason % {"code": spec.code, "sum": total, "max": spec.max_points},
            )

    def check_leaf(self, spec: NodeSpec, path: str) -> None:
        if not spec.method:
            self.problem(path, "method", _("Choose a scoring method for this criterion."))
            return
        if spec.max_points < 0:
            if spec.method not in Method.values:
                self.problem(path, "method", check_params(spec.method, {}, Decimal(0))[0])
            return
        try:
            reasons = check_params(spec.method, spec.params, spec.max_points)
        except ArithmeticError:  # e.g. a step so small that the remainder cannot be computed
            reasons = [_("The parameters cannot be used: check their numbers.")]
        for reason in reasons:
            column = "method" if spec.method not in Method.values else "params"
            self.problem(path, column, reason)


def band_specs(value: list[Any], reader: _Reader) -> list[tuple[str, Decimal]]:
    """Bands as (label, threshold), highest first; thresholds distinct within 0..100."""
    bands: list[tuple[str, Decimal]] = []
    seen: set[Decimal] = set()
    for i, item in enumerate(value):
        path = f"bands[{i}]"
        if not isinstance(item, Mapping):
            reader.problem(path, "", _("A band must be an object with a label and a threshold."))
            continue
        reader.unknown_keys(item, BAND_FIELDS, path)
        label = reader.required_text(item, "label", path, limit=60)
        start = reader.points(item.get("min_percent"), path, "min_percent", high=Decimal(100))
        if start is not None and start in seen:
            reader.problem(path, "min_percent", _("Another band starts at the same percent."))
        elif start is not None and label:
            seen.add(start)
            bands.append((label, start))
    return sorted(bands, key=lambda band: band[1], reverse=True)


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _or_unknown(points: Decimal | None) -> Decimal:
    """-1 marks a maximum that could not be read (already reported)."""
    return Decimal(-1) if points is None else points


def read_tree(
    tree: Any, *, file: str = "", locate: Locate = json_locate
) -> tuple[SetSpec | None, list[ImportProblem]]:
    """Check a JSON tree; return its spec (None when there is any problem) and the problems.

    Problems name `file`, and where `locate` puts the node's path and field (a JSON path
    by default; the row and column for a spreadsheet).
    """
    reader = _Reader(file, locate)
    spec = reader.read_set(tree)
    if reader.problems:
        return None, reader.problems
    return spec, []


def tree_problems(
    tree: Any, *, file: str = "", locate: Locate = json_locate
) -> list[ImportProblem]:
    """What is wrong with a criteria-set tree (empty when it can be saved)."""
    return read_tree(tree, file=file, locate=locate)[1]


def read_bands(
    bands: list[tuple[str, Decimal]], *, file: str = ""
) -> tuple[list[tuple[str, Decimal]], list[ImportProblem]]:
    """Check (label, threshold) bands; return them cleaned, highest first, and the problems."""
    reader = _Reader(file, json_locate)
    items = [{"label": label, "min_percent": start} for label, start in bands]
    cleaned = band_specs(items, reader)
    return cleaned, reader.problems
