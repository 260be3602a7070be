"""What an annex import would create, kept in the session between preview and confirm."""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from cchc.core.spreadsheets import ImportProblem


@dataclass
class PreviewArea:
    """An area of the annex: an existing `ReformArea` (`area_id`) or one to create."""

    code: str
    name: str
    position: int
    area_id: int | None = None


@dataclass
class AnnexRow:
    """One task as it will be created."""

    row: int
    code: str
    content: str
    area: str  # the code of a PreviewArea
    lead_unit_id: int | None
    lead_unit: str
    scope: str
    selected_unit_ids: list[int]
    coordinating_unit_ids: list[int]
    coordinating_units: list[str]
    coordinating_text: str
    unmatched_units: list[str]  # named as coordinating but not found; kept in the text
    expected_output: str
    deadline_kind: str
    deadline: datetime.date | None
    recurrence: str
    due_day: int | None
    deadline_text: str


@dataclass
class AnnexPreview:
    file: str
    sha256: str
    plan_id: int
    areas: list[PreviewArea] = field(default_factory=list)
    rows: list[AnnexRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def areas_to_create(self) -> list[PreviewArea]:
        return [a for a in self.areas if a.area_id is None]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for the session between preview and confirm)."""
        data = asdict(self)
        for row in data["rows"]:
            row["deadline"] = row["deadline"].isoformat() if row["deadline"] else None
        return json.loads(json.dumps(data))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnexPreview:
        rows = []
        for row in data["rows"]:
            day = row["deadline"]
            rows.append(AnnexRow(**{**row, "deadline": day and datetime.date.fromisoformat(day)}))
        return cls(
            file=data["file"],
            sha256=data["sha256"],
            plan_id=data["plan_id"],
            areas=[PreviewArea(**a) for a in data["areas"]],
            rows=rows,
            problems=[ImportProblem(**p) for p in data["problems"]],
        )
