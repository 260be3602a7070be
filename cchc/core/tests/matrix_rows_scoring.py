"""The permission matrix of the PAR Index (`scoring:*` pages, `par_*` API operations).

Every row acts on `World.scoring` (see `ScoringWorld` in `matrix_world.py`): a round at
each step of the workflow with today inside the stage the row acts in, so that a
permitted request really does what it asks (the rows are merged into `PAGES` and `API`
by `matrix_rows.py`).

Who sees unit A's score sheet (`ScoreSheet.objects.visible_to`; not seeing it is 404):
managers and unit A always; the appraiser in the rounds where they appraise an area; the
council member once the round is compiled; every role once it is published.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .matrix_world import (
    HAS_ROLE,
    LOGGED_IN,
    MANAGERS,
    UNIT_A,
    Row,
    World,
    page,
    par_schedule,
)

COUNCIL = {"council_member"}
NO_ROLE = {"no_role": 404}
# Unit A's sheet in a round the appraiser appraises, before the council.
SEES_SHEET = MANAGERS | UNIT_A | {"appraiser"}
SHEET_HIDDEN = {"council_member": 404, "leader": 404, "outsider": 404, "no_role": 404}
# Unit A's sheet in a compiled (or approved) round the appraiser has no part in.
SEES_REVIEWED = MANAGERS | UNIT_A | COUNCIL


def rnd(key: str) -> Callable[[World], int]:
    return lambda w: w.scoring.rounds[key].pk


def sheet(key: str) -> Callable[[World], int]:
    return lambda w: w.scoring.sheets[key].pk


def manual(key: str) -> Callable[[World], int]:
    """Unit A's score of 1.1 (manual, 0 to 6 in steps of 0.5) in round `key`."""
    return lambda w: w.scoring.manual[key].pk


def set_pk(w: World) -> int:
    return w.scoring.criteria_set.pk


def draft_pk(w: World) -> int:
    return w.scoring.draft_set.pk


def in_days(n: int, fmt: str = "%d/%m/%Y") -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).strftime(fmt)


def report_of_unit_a(w: World) -> int:
    """Unit A's submitted progress report, which its people may cite as evidence."""
    return w.plans.submitted.pk


SCORING_PAGES: dict[str, Row] = {
    # Criteria sets: every role reads them; managers change them while no round uses them.
    "scoring:set_list": Row("GET", page("scoring:set_list"), LOGGED_IN),
    "scoring:set_detail": Row("GET", page("scoring:set_detail", set_pk), HAS_ROLE, 404),
    "scoring:set_export": Row(
        "GET",
        lambda w: reverse("scoring:set_export", args=[set_pk(w), "xlsx"]),
        HAS_ROLE,
        404,
    ),
    "scoring:set_template_xlsx": Row("GET", page("scoring:set_template_xlsx"), HAS_ROLE),
    "scoring:set_import": Row("GET", page("scoring:set_import"), MANAGERS),
    "scoring:set_load_reference": Row("GET", page("scoring:set_load_reference"), MANAGERS),
    "scoring:set_clone": Row(
        "POST",
        page("scoring:set_clone", set_pk),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"year": w.scoring.draft_set.year, "name": "Bộ tiêu chí sở (bản sao)"},
    ),
    "scoring:set_edit": Row("GET", page("scoring:set_edit", draft_pk), MANAGERS, 403, NO_ROLE),
    "scoring:set_bands": Row(
        "POST",
        page("scoring:set_bands", draft_pk),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"bands": "Tốt ; 85\nKhá ; 0"},
    ),
    "scoring:set_replace": Row(
        "GET", page("scoring:set_replace", draft_pk), MANAGERS, 403, NO_ROLE
    ),
    # Rounds: every role sees them; managers run them; the council approves.
    "scoring:round_list": Row("GET", page("scoring:round_list"), LOGGED_IN),
    "scoring:round_open": Row("GET", page("scoring:round_open"), MANAGERS),
    "scoring:round_detail": Row("GET", page("scoring:round_detail", rnd("current")), HAS_ROLE, 404),
    "scoring:round_schedule": Row(
        "GET", page("scoring:round_schedule", rnd("current")), MANAGERS, 403, NO_ROLE
    ),
    "scoring:round_exception": Row(
        "POST",
        page("scoring:round_exception", rnd("current")),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {
            "unit": w.unit_a.pk,
            "stage": "self",
            "until": in_days(30),
            "reason": "Chờ số liệu quý IV",
        },
    ),
    "scoring:round_appraiser_add": Row(
        "GET", page("scoring:round_appraiser_add", rnd("current")), MANAGERS, 403, NO_ROLE
    ),
    "scoring:round_appraiser_remove": Row(
        "POST",
        page("scoring:round_appraiser_remove", rnd("current"), lambda w: w.scoring.assignment.pk),
        MANAGERS,
        403,
        NO_ROLE,
    ),
    "scoring:round_compile": Row(
        "POST", page("scoring:round_compile", rnd("appraised")), MANAGERS, 403, NO_ROLE
    ),
    # Administrators and the secretariat are not the council.
    "scoring:round_approve": Row(
        "POST",
        page("scoring:round_approve", rnd("compiled")),
        COUNCIL,
        403,
        NO_ROLE,
        data=lambda w: {"comment": "Nhất trí"},
    ),
    "scoring:round_publish": Row(
        "POST", page("scoring:round_publish", rnd("approved")), MANAGERS, 403, NO_ROLE
    ),
    # The sheet: those who see it and may not act get 403, the others 404.
    "scoring:sheet_detail": Row(
        "GET", page("scoring:sheet_detail", sheet("current")), SEES_SHEET, 404
    ),
    "scoring:score_save": Row(
        "POST",
        page("scoring:score_save", manual("current")),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"entered_points": "5.5", "note": "Có báo cáo kiểm tra"},
    ),
    "scoring:score_survey": Row(
        "POST",
        page("scoring:score_survey", lambda w: w.scoring.survey.pk),
        MANAGERS,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"entered_points": "3.5"},
    ),
    "scoring:evidence_add": Row(
        "POST",
        page("scoring:evidence_add", manual("current")),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"reference": f"progress_report:{report_of_unit_a(w)}", "note": "Quý III"},
    ),
    "scoring:evidence_withdraw": Row(
        "POST",
        page("scoring:evidence_withdraw", lambda w: w.scoring.evidence.pk),
        UNIT_A,
        403,
        SHEET_HIDDEN,
    ),
    # The head of the unit signs the self-assessment off; the focal point prepares it.
    "scoring:sheet_submit": Row(
        "POST", page("scoring:sheet_submit", sheet("current")), {"unit_leader"}, 403, SHEET_HIDDEN
    ),
    "scoring:score_appraise": Row(
        "POST",
        lambda w: reverse("scoring:score_appraise", args=[w.scoring.manual["appraisal_1"].pk, 1]),
        MANAGERS | {"appraiser"},
        403,
        SHEET_HIDDEN,
        data=lambda w: {"points": "5", "comment": "Đạt"},
    ),
    "scoring:score_explain": Row(
        "POST",
        page("scoring:score_explain", manual("explanation")),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"explanation": "Đã gửi báo cáo bổ sung"},
    ),
    "scoring:sheet_send_explanations": Row(
        "POST",
        page("scoring:sheet_send_explanations", sheet("explanation")),
        UNIT_A,
        403,
        SHEET_HIDDEN,
    ),
    "scoring:sheet_close_round_1": Row(
        "POST",
        page("scoring:sheet_close_round_1", sheet("appraisal_1")),
        MANAGERS,
        403,
        SHEET_HIDDEN,
    ),
    "scoring:sheet_close_round_2": Row(
        "POST",
        page("scoring:sheet_close_round_2", sheet("appraisal_2")),
        MANAGERS,
        403,
        SHEET_HIDDEN,
    ),
    # Results: before publication only managers (and the council once compiled) see them.
    "scoring:ranking": Row(
        "GET", page("scoring:ranking", rnd("compiled")), MANAGERS | COUNCIL, 404
    ),
    "scoring:ranking_xlsx": Row(
        "GET", page("scoring:ranking_xlsx", rnd("published")), HAS_ROLE, 404
    ),
    "scoring:ranking_docx": Row("GET", page("scoring:ranking_docx", rnd("current")), MANAGERS, 404),
    "scoring:scorecard": Row(
        "GET", page("scoring:scorecard", sheet("compiled")), SEES_REVIEWED, 404
    ),
    "scoring:scorecard_pdf": Row(
        "GET", page("scoring:scorecard_pdf", sheet("published")), HAS_ROLE, 404
    ),
    "scoring:score_correct": Row(
        "POST",
        page("scoring:score_correct", manual("published")),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"points": "5", "reason": "Sai sót khi tổng hợp"},
    ),
}


def par(path: str) -> Callable[[World], str]:
    """An API address under /api/par-index; `s` in `path` is `World.scoring`."""
    return lambda w: "/api/par-index" + path.format(w=w, s=w.scoring)


def _open_round(w: World) -> dict[str, Any]:
    schedule = {name: day.isoformat() for name, day in par_schedule(0).items()}
    return {
        "year": w.scoring.draft_set.year,
        "name": "Chỉ số CCHC năm sau",
        "criteria_set_ids": [w.scoring.draft_set.pk],
        "schedule": schedule,
        "unit_ids": [w.unit_a.pk],
    }


SCORING_API: dict[str, Row] = {
    "par_set_list": Row("GET", par("/sets"), LOGGED_IN),
    "par_set_get": Row("GET", par("/sets/{s.criteria_set.pk}"), HAS_ROLE, 404),
    "par_set_export": Row("GET", par("/sets/{s.criteria_set.pk}/export.json"), HAS_ROLE, 404),
    # The runner sends JSON and the operation reads a multipart file: the request is
    # refused (422) before the operation runs, for every role, so nothing is imported.
    "par_set_import": Row("POST", par("/sets/import"), LOGGED_IN, ok_status=422),
    "par_set_clone": Row(
        "POST",
        par("/sets/{s.criteria_set.pk}/clone"),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"year": w.scoring.draft_set.year, "name": "Bản sao qua API"},
        ok_status=201,
    ),
    "par_round_list": Row("GET", par("/rounds"), LOGGED_IN),
    "par_round_get": Row("GET", par("/rounds/{s.rounds[current].pk}"), HAS_ROLE, 404),
    "par_round_open": Row("POST", par("/rounds"), MANAGERS, data=_open_round, ok_status=201),
    "par_round_schedule": Row(
        "PATCH",
        par("/rounds/{s.rounds[current].pk}/schedule"),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"publish_on": in_days(40, "%Y-%m-%d")},
    ),
    "par_round_exception": Row(
        "POST",
        par("/rounds/{s.rounds[current].pk}/exceptions"),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {
            "unit_id": w.unit_a.pk,
            "stage": "self",
            "until": in_days(30, "%Y-%m-%d"),
            "reason": "Chờ số liệu quý IV",
        },
        ok_status=201,
    ),
    "par_round_appraiser_add": Row(
        "POST",
        par("/rounds/{s.rounds[current].pk}/appraisers"),
        MANAGERS,
        403,
        NO_ROLE,
        # The secretariat may appraise too; the appraiser already appraises area 1.
        data=lambda w: {"area_code": "1", "appraiser_id": w.people["secretariat"].pk},
        ok_status=201,
    ),
    "par_round_appraiser_remove": Row(
        "DELETE",
        par("/rounds/{s.rounds[current].pk}/appraisers/{s.assignment.pk}"),
        MANAGERS,
        403,
        NO_ROLE,
        ok_status=204,
    ),
    "par_round_compile": Row(
        "POST", par("/rounds/{s.rounds[appraised].pk}/compile"), MANAGERS, 403, NO_ROLE
    ),
    "par_round_approve": Row(
        "POST",
        par("/rounds/{s.rounds[compiled].pk}/approve"),
        COUNCIL,
        403,
        NO_ROLE,
        data=lambda w: {"comment": "Nhất trí"},
    ),
    "par_round_publish": Row(
        "POST",
        par("/rounds/{s.rounds[approved].pk}/publish"),
        MANAGERS,
        403,
        NO_ROLE,
        ok_status=201,
    ),
    # Every role lists the sheets it may see (none, for some).
    "par_sheet_list": Row("GET", par("/rounds/{s.rounds[current].pk}/sheets"), HAS_ROLE, 404),
    "par_sheet_get": Row("GET", par("/sheets/{s.sheets[current].pk}"), SEES_SHEET, 404),
    "par_score_self": Row(
        "PUT",
        par("/scores/{s.manual[current].pk}/self"),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"entered_points": "5.5", "note": "Có báo cáo kiểm tra"},
    ),
    "par_score_survey": Row(
        "PUT",
        par("/scores/{s.survey.pk}/survey"),
        MANAGERS,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"points": "3.5"},
    ),
    "par_evidence_add": Row(
        "POST",
        par("/scores/{s.manual[current].pk}/evidence"),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"kind": "progress_report", "pk": report_of_unit_a(w), "note": "Quý III"},
        ok_status=201,
    ),
    "par_evidence_withdraw": Row(
        "POST", par("/evidence/{s.evidence.pk}/withdraw"), UNIT_A, 403, SHEET_HIDDEN
    ),
    "par_sheet_submit": Row(
        "POST", par("/sheets/{s.sheets[current].pk}/submit"), {"unit_leader"}, 403, SHEET_HIDDEN
    ),
    "par_score_appraise": Row(
        "PUT",
        par("/scores/{s.manual[appraisal_2].pk}/appraisal/2"),
        MANAGERS | {"appraiser"},
        403,
        SHEET_HIDDEN,
        data=lambda w: {"points": "4.5", "comment": "Đã giải trình"},
    ),
    "par_score_explain": Row(
        "PUT",
        par("/scores/{s.manual[explanation].pk}/explanation"),
        UNIT_A,
        403,
        SHEET_HIDDEN,
        data=lambda w: {"explanation": "Đã gửi báo cáo bổ sung"},
    ),
    "par_sheet_send_explanations": Row(
        "POST",
        par("/sheets/{s.sheets[explanation].pk}/explanations/send"),
        UNIT_A,
        403,
        SHEET_HIDDEN,
    ),
    "par_sheet_close_round_1": Row(
        "POST", par("/sheets/{s.sheets[appraisal_1].pk}/round-1/close"), MANAGERS, 403, SHEET_HIDDEN
    ),
    "par_sheet_close_round_2": Row(
        "POST", par("/sheets/{s.sheets[appraisal_2].pk}/round-2/close"), MANAGERS, 403, SHEET_HIDDEN
    ),
    "par_round_results": Row(
        "GET", par("/rounds/{s.rounds[approved].pk}/results"), MANAGERS | COUNCIL, 404
    ),
    "par_sheet_scorecard": Row(
        "GET", par("/sheets/{s.sheets[current].pk}/scorecard"), SEES_SHEET, 404
    ),
    "par_score_correct": Row(
        "POST",
        par("/scores/{s.manual[published].pk}/correction"),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"points": "5", "reason": "Sai sót khi tổng hợp"},
        ok_status=201,
    ),
}
