"""Criteria sets in and out of cchc: the JSON tree (the exchange format) and the workbook.

JSON tree (``format: "cchc-criteria-set/1"``; decimals as strings)::

    {"format": "cchc-criteria-set/1", "year": 2025, "group": "departments", "name": "…",
     "legal_basis": "…", "rounding": "half_up", "cap_at_maximum": true,
     "is_template": false, "is_demo": false, "notes": "…",
     "bands": [{"label": "Xuất sắc", "min_percent": "90"}, …],
     "criteria": [{"code": "1", "name": "…", "max_points": "10", "guidance": "",
                   "evidence_required": "", "source": "self_assessment", "kind": "normal",
                   "method": "", "params": {}, "allows_not_applicable": false,
                   "children": [… the same shape …]}]}

Rules (`tree.read_tree`, shared by every way in):

- at most 3 levels: areas, criteria, sub-criteria;
- codes are unique and spell the tree: an area has a one-part code ("1" or "I"), a child
  has its parent's code, a dot and one more part ("1.2" under "1", "1.2.3" under "1.2");
  parts are letters or digits;
- a node with children is not scored (no method, no parameters) and its maximum is the sum
  of its ordinary children's maxima (bonus and penalty lines are outside the maximum, see
  `calculations`); bonus and penalty lines are leaves;
- a leaf has a method whose parameters pass `calculations.check_params`;
- maxima and band thresholds are decimals with at most 2 places; thresholds are distinct
  and within 0..100.

Workbook (what officials fill in; `xlsx_writer` writes it, `xlsx_reader` reads it):

- Sheet 1 (criteria; any title): a title block may stand above the header row, which is
  found among the first 20 rows by its labels, in Vietnamese with or without diacritics or
  in English: STT | Lĩnh vực/tiêu chí | Điểm tối đa | Hướng dẫn chấm | Tài liệu kiểm chứng
  (required), then optionally Nguồn (Tự đánh giá / Điều tra XHH) | Loại (Chấm điểm /
  Điểm thưởng / Điểm trừ) | Phương pháp (manual, choice, ratio, bands, metric, survey or
  Nhập điểm, Lựa chọn, Tỷ lệ, Theo mức, Số liệu cchc, Điều tra) | Tham số (the parameters
  as JSON) | Được không áp dụng (Có / Không). Missing optional columns mean: self-assessed,
  scored, points entered (for a leaf), no parameters, not "not applicable".
- **Numbering rule.** The STT is the node's code (a trailing dot is ignored): the number
  of parts is the level and the parent is the code without its last part, which must be on
  a row above ("1" area, "1.2" criterion of 1, "1.2.3" sub-criterion of 1.2). Areas may be
  numbered with Roman numerals; under a Roman-numbered area the rows are numbered within
  that area as official annexes do: "1" under "II" is criterion "II.1" and "1.2" is
  sub-criterion "II.1.2". Codes written in full ("II.1") are read as they are, which is how
  cchc exports them. Write the STT as text: Excel turns a typed 1.10 into the number 1.1.
- Rows without an STT are refused, except a total row ("Tổng cộng", "Total"), which is
  skipped, like the "(1) (2) (3)" row of column numbers under a header.
- Sheet "Xếp loại" (optional): a header row Xếp loại | Từ (%), then one band per row.
- Sheet "Thông tin" (optional): rows of item | value for the year, unit group, name, legal
  basis, rounding, "bonus cannot lift the total above the maximum" and notes. Values given
  on the import form replace these.

Every problem names the file, the row (spreadsheets) or the path in the tree (JSON, in the
column, such as ``criteria[1].children[0].max_points``), the column and the reason.
"""

from .files import check_file, read_json_upload, read_xlsx_upload
from .tree import (
    FORMAT,
    NodeSpec,
    SetInvalid,
    SetSpec,
    decimal_text,
    read_bands,
    read_tree,
    tree_problems,
)
from .xlsx_reader import SetFile, read_xlsx
from .xlsx_writer import write_xlsx

__all__ = [
    "FORMAT",
    "NodeSpec",
    "SetFile",
    "SetInvalid",
    "SetSpec",
    "check_file",
    "decimal_text",
    "read_bands",
    "read_json_upload",
    "read_tree",
    "read_xlsx",
    "read_xlsx_upload",
    "tree_problems",
    "write_xlsx",
]
