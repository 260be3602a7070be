"""The words of the criteria-set spreadsheet: column headers, sheet titles and cell values.

Each thing has a label written on export (translated, English msgid) and the words accepted
on import: the code, Vietnamese with or without diacritics, English, and the label in the
current language. Matching folds case, diacritics and punctuation ("Điểm tối đa",
"diem toi da" and "ĐIỂM TỐI ĐA:" are the same key).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from cchc.core.text import fold

from ..calculations import Method, Rounding
from ..models import Criterion, UnitGroup

_PUNCTUATION = re.compile(r"[^a-z0-9%]+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def key(text: Any) -> str:
    """The matching key of a header or cell: folded, without parentheses and punctuation."""
    folded = fold(_PARENTHESES.sub(" ", str(text or "")))
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


def _label_keys(label: Any) -> set[str]:
    """The label's key in the current language and in English (the msgid)."""
    keys = {key(str(label))}
    with override("en"):
        keys.add(key(str(label)))
    return keys


# --- sheets -------------------------------------------------------------------------------

CRITERIA_SHEET = _("Criteria")  # vi: Bộ tiêu chí
BANDS_SHEET = _("Bands")  # vi: Xếp loại
INFO_SHEET = _("Information")  # vi: Thông tin

_SHEET_WORDS = {
    "bands": ({"xep loai", "bands", "band", "phan loai"}, BANDS_SHEET),
    "info": ({"thong tin", "information", "info", "thong tin chung"}, INFO_SHEET),
}


def sheet_role(title: str) -> str | None:
    """Which optional sheet a title names ("bands", "info"), or None."""
    found = key(title)
    for role, (words, label) in _SHEET_WORDS.items():
        if found in words or found in _label_keys(label):
            return role
    return None


# --- criteria columns ---------------------------------------------------------------------

COLUMNS: dict[str, Any] = {
    "code": _("No."),  # vi: STT
    "name": _("Area / criterion"),  # vi: Lĩnh vực/tiêu chí
    "max_points": _("Maximum points"),  # vi: Điểm tối đa
    "guidance": _("Scoring guidance"),  # vi: Hướng dẫn chấm
    "evidence_required": _("Required evidence"),  # vi: Tài liệu kiểm chứng
    "source": _("Source"),  # vi: Nguồn
    "kind": _("Kind"),  # vi: Loại
    "method": _("Method"),  # vi: Phương pháp
    "params": _("Parameters"),  # vi: Tham số
    "allows_not_applicable": _("May be not applicable"),  # vi: Được không áp dụng
}
REQUIRED_COLUMNS = ("code", "name", "max_points", "guidance", "evidence_required")
COLUMN_WIDTHS = {
    "code": 9,
    "name": 50,
    "max_points": 10,
    "guidance": 50,
    "evidence_required": 40,
    "source": 14,
    "kind": 13,
    "method": 14,
    "params": 40,
    "allows_not_applicable": 12,
}
_COLUMN_WORDS: dict[str, set[str]] = {
    "code": {"stt", "tt", "so tt", "so thu tu", "no", "ma", "ma so", "code"},
    "name": {
        "linh vuc tieu chi",
        "linh vuc tieu chi tieu chi thanh phan",
        "linh vuc",
        "tieu chi",
        "noi dung",
        "noi dung tieu chi",
        "ten tieu chi",
        "area criterion",
        "criterion",
        "criteria",
        "name",
    },
    "max_points": {
        "diem toi da",
        "so diem toi da",
        "diem chuan",
        "thang diem",
        "max points",
        "maximum points",
        "maximum",
        "max",
    },
    "guidance": {"huong dan cham", "huong dan cham diem", "huong dan", "scoring guidance"},
    "evidence_required": {
        "tai lieu kiem chung",
        "kiem chung",
        "required evidence",
        "evidence",
    },
    "source": {"nguon", "nguon diem", "source"},
    "kind": {"loai", "loai diem", "kind"},
    "method": {"phuong phap", "phuong phap cham", "phuong phap cham diem", "method"},
    "params": {"tham so", "params", "parameters", "method parameters"},
    "allows_not_applicable": {
        "duoc khong ap dung",
        "khong ap dung",
        "may be not applicable",
        "not applicable",
    },
}
# Longer headers officials write ("Tài liệu kiểm chứng cần cung cấp") start like these.
_COLUMN_PREFIXES = (
    ("linh vuc", "name"),
    ("tieu chi", "name"),
    ("huong dan", "guidance"),
    ("tai lieu", "evidence_required"),
    ("diem toi da", "max_points"),
    ("phuong phap", "method"),
)


def column_of(header: Any) -> str | None:
    """Which field a header cell names, or None."""
    found = key(header)
    if not found or len(found) > 80:
        return None
    for field, words in _COLUMN_WORDS.items():
        if found in words or found in _label_keys(COLUMNS[field]):
            return field
    return next((field for prefix, field in _COLUMN_PREFIXES if found.startswith(prefix)), None)


# --- bands and information sheets ---------------------------------------------------------

BAND_COLUMNS: dict[str, Any] = {
    "label": _("Band"),  # vi: Xếp loại
    "min_percent": _("From (%)"),  # vi: Từ (%)
}
_BAND_WORDS = {
    "label": {"xep loai", "muc xep loai", "loai", "nhom", "band", "label", "classification"},
    "min_percent": {"tu", "tu %", "diem tu", "from", "from %", "min percent", "nguong"},
}


def band_column_of(header: Any) -> str | None:
    found = key(header)
    for field, words in _BAND_WORDS.items():
        if found in words or found in _label_keys(BAND_COLUMNS[field]):
            return field
    return None


INFO_ITEMS: dict[str, Any] = {
    "year": _("Year assessed"),  # vi: Năm đánh giá
    "group": _("Unit group"),  # vi: Nhóm đơn vị
    "name": _("Name of the set"),  # vi: Tên bộ tiêu chí
    "legal_basis": _("Legal basis"),  # vi: Căn cứ
    "rounding": _("Rounding of the index"),  # vi: Làm tròn chỉ số
    "cap_at_maximum": _("Bonus cannot lift the total above the maximum"),
    "notes": _("Notes"),  # vi: Ghi chú
}
_INFO_WORDS: dict[str, set[str]] = {
    "year": {"nam", "nam danh gia", "year"},
    "group": {"nhom", "nhom don vi", "doi tuong", "group"},
    "name": {"ten", "ten bo tieu chi", "bo tieu chi", "name"},
    "legal_basis": {"can cu", "can cu phap ly", "van ban", "legal basis"},
    "rounding": {"lam tron", "cach lam tron", "lam tron chi so", "rounding"},
    "cap_at_maximum": {"gioi han diem toi da", "khong vuot diem toi da", "cap at maximum"},
    "notes": {"ghi chu", "notes", "note"},
}


def info_item_of(text: Any) -> str | None:
    found = key(text)
    for field, words in _INFO_WORDS.items():
        if found in words or found.replace(" ", "_") == field:
            return field
        if found in _label_keys(INFO_ITEMS[field]):
            return field
    return None


# --- cell values --------------------------------------------------------------------------

METHOD_WORDS: dict[str, Any] = {
    Method.MANUAL: _("Points entered"),  # vi: Nhập điểm
    Method.CHOICE: _("Choice"),  # vi: Lựa chọn
    Method.RATIO: _("Ratio"),  # vi: Tỷ lệ
    Method.BANDS: _("Stepwise"),  # vi: Theo mức
    Method.METRIC: _("cchc metric"),  # vi: Số liệu cchc
    Method.SURVEY: _("Survey result"),  # vi: Điều tra
}
YES, NO = _("Yes"), _("No")

_VALUE_WORDS: dict[str, dict[str, set[str]]] = {
    "source": {
        Criterion.Source.SELF_ASSESSMENT: {"tu danh gia", "tu cham", "self assessment"},
        Criterion.Source.SURVEY: {"dieu tra", "dieu tra xhh", "dieu tra xa hoi hoc", "xhh"},
    },
    "kind": {
        Criterion.Kind.NORMAL: {"cham diem", "binh thuong", "normal", "scored"},
        Criterion.Kind.BONUS: {"diem thuong", "thuong", "diem cong", "bonus"},
        Criterion.Kind.PENALTY: {"diem tru", "tru", "penalty"},
    },
    "method": {
        Method.MANUAL: {"nhap diem", "cham truc tiep", "manual"},
        Method.CHOICE: {"lua chon", "chon", "choice list"},
        Method.RATIO: {"ty le", "ti le"},
        Method.BANDS: {"theo muc", "muc", "stepwise bands"},
        Method.METRIC: {"so lieu cchc", "so lieu", "metric from cchc"},
        Method.SURVEY: {"dieu tra", "dieu tra xhh", "survey"},
    },
    "group": {
        UnitGroup.DEPARTMENTS: {"so ban nganh", "cac so ban nganh", "co quan chuyen mon"},
        UnitGroup.DISTRICTS: {"cap huyen", "ubnd cap huyen", "huyen"},
        UnitGroup.COMMUNES: {"cap xa", "ubnd cap xa", "xa"},
        UnitGroup.PROVINCES: {"cap tinh", "tinh", "ubnd cap tinh"},
    },
    "rounding": {
        Rounding.HALF_UP: {"lam tron", "half up", "lam tron len"},
        Rounding.DOWN: {"cat bo", "lam tron xuong", "truncate", "down"},
    },
}
_CHOICES: dict[str, Iterable[tuple[str, Any]]] = {
    "source": Criterion.Source.choices,
    "kind": Criterion.Kind.choices,
    "method": METHOD_WORDS.items(),
    "group": UnitGroup.choices,
    "rounding": Rounding.choices,
}


def value_of(field: str, text: str) -> str | None:
    """The code a cell names in a choice column ("Điểm thưởng" → "bonus"), or None."""
    found = key(text)
    if not found:
        return None
    labels: Mapping[str, Any] = dict(_CHOICES[field])
    for code, words in _VALUE_WORDS[field].items():
        if found in words or found == key(code) or found in _label_keys(labels[code]):
            return code
    if field == "method":  # the long labels of `Method` are accepted too
        return next((m.value for m in Method if found in _label_keys(m.label)), None)
    return None


def value_label(field: str, code: str) -> str:
    """What the export writes for a code: its short label in the current language."""
    return str(dict(_CHOICES[field]).get(code, code))


def yes_no(text: Any) -> bool | None:
    """True / False for "Có" / "Không" (and yes, x, 1, …); None for anything else."""
    found = key(text)
    if found in {"co", "x", "yes", "true", "1", "dung"} or found in _label_keys(YES):
        return True
    if found in {"", "khong", "no", "false", "0", "sai"} or found in _label_keys(NO):
        return False
    return None
