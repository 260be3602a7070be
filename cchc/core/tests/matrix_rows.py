"""The permission matrix itself: what each role gets from every page and API operation."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from .matrix_rows_scoring import SCORING_API, SCORING_PAGES
from .matrix_rows_surveys import SURVEY_API, SURVEY_PAGES
from .matrix_world import (
    HAS_ROLE,
    HIDDEN,
    LOGGED_IN,
    MANAGERS,
    SEES_UNIT_A,
    UNIT_A,
    Row,
    World,
    assignment_pk,
    page,
    plan_pk,
    subject_pk,
    task_pk,
    unit_a_pk,
)

PAGES: dict[str, Row] = {
    "core:home": Row("GET", page("core:home"), LOGGED_IN),
    "core:healthz": Row("GET", page("core:healthz"), LOGGED_IN, public=True),
    "core:attachment-download": Row(
        "GET", page("core:attachment-download", lambda w: w.attachment.pk), SEES_UNIT_A, 404
    ),
    "core:audit-search": Row("GET", page("core:audit-search"), MANAGERS, 404),
    "core:record-history": Row(
        "GET",
        lambda w: reverse("core:record-history", args=["units", "unit", w.unit_a.pk]),
        SEES_UNIT_A,
        404,
    ),
    "units:unit-list": Row("GET", page("units:unit-list"), LOGGED_IN),
    "units:unit-export": Row(
        "GET", lambda w: reverse("units:unit-export", args=["csv"]), LOGGED_IN
    ),
    "units:unit-detail": Row("GET", page("units:unit-detail", unit_a_pk), SEES_UNIT_A, 404),
    "units:unit-create": Row("GET", page("units:unit-create"), MANAGERS),
    "units:unit-edit": Row(
        "GET",
        page("units:unit-edit", unit_a_pk),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
    ),
    "units:unit-merge": Row("GET", page("units:unit-merge"), MANAGERS),
    "units:unit-split": Row("GET", page("units:unit-split"), MANAGERS),
    "units:unit-import": Row("GET", page("units:unit-import"), MANAGERS),
    "units:unit-attachment-add": Row(
        "POST",
        page("units:unit-attachment-add", unit_a_pk),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
    ),
    "core:notification-list": Row("GET", page("core:notification-list"), LOGGED_IN),
    "core:notification-bell": Row("GET", page("core:notification-bell"), LOGGED_IN),
    "core:notification-read": Row(
        "POST",
        page("core:notification-read", lambda w: w.plans.notification.pk),
        {"focal_point"},
        404,
    ),
    "plans:plan-list": Row("GET", page("plans:plan-list"), LOGGED_IN),
    "plans:plan-detail": Row("GET", page("plans:plan-detail", plan_pk), HAS_ROLE, 404),
    "plans:plan-create": Row("GET", page("plans:plan-create"), MANAGERS),
    "plans:plan-edit": Row(
        "GET", page("plans:plan-edit", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:plan-document": Row(
        "POST", page("plans:plan-document", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:area-create": Row(
        "GET", page("plans:area-create", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:task-create": Row(
        "GET", page("plans:task-create", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-import": Row(
        "GET", page("plans:annex-import", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-preview": Row(
        "GET", page("plans:annex-preview", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-confirm": Row(
        "POST", page("plans:annex-confirm", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:task-detail": Row("GET", page("plans:task-detail", task_pk), SEES_UNIT_A, 404),
    "plans:task-edit": Row("GET", page("plans:task-edit", task_pk), MANAGERS, 403, HIDDEN),
    "plans:task-cancel": Row("GET", page("plans:task-cancel", task_pk), MANAGERS, 403, HIDDEN),
    "plans:assignment-detail": Row(
        "GET", page("plans:assignment-detail", assignment_pk), SEES_UNIT_A, 404
    ),
    "plans:assignment-cancel": Row(
        "GET", page("plans:assignment-cancel", assignment_pk), MANAGERS, 403, HIDDEN
    ),
    "plans:report-create": Row(
        "GET", page("plans:report-create", assignment_pk), UNIT_A, 403, HIDDEN
    ),
    "plans:report-edit": Row(
        "GET", page("plans:report-edit", lambda w: w.plans.draft.pk), UNIT_A, 403, HIDDEN
    ),
    "plans:report-submit": Row(
        "POST",
        page("plans:report-submit", lambda w: w.plans.draft.pk),
        {"unit_leader"},
        403,
        HIDDEN,
    ),
    "plans:report-accept": Row(
        "POST", page("plans:report-accept", lambda w: w.plans.submitted.pk), MANAGERS, 403, HIDDEN
    ),
    "plans:report-return": Row(
        "GET", page("plans:report-return", lambda w: w.plans.submitted.pk), MANAGERS, 403, HIDDEN
    ),
    "plans:extension-request": Row(
        "GET", page("plans:extension-request", assignment_pk), UNIT_A, 403, HIDDEN
    ),
    "plans:extension-decide": Row(
        "GET",
        page("plans:extension-decide", lambda w: w.plans.extension.pk),
        MANAGERS,
        403,
        HIDDEN,
    ),
    "plans:obstacle-create": Row(
        "GET", page("plans:obstacle-create", assignment_pk), UNIT_A | MANAGERS, 403, HIDDEN
    ),
    "plans:obstacle-answer": Row(
        "GET",
        page("plans:obstacle-answer", lambda w: w.plans.obstacle.pk),
        UNIT_A | MANAGERS,
        403,
        HIDDEN,
    ),
    "plans:my-assignments": Row("GET", page("plans:my-assignments"), LOGGED_IN),
    "plans:board": Row("GET", page("plans:board"), LOGGED_IN),
    "plans:board-export": Row("GET", page("plans:board-export"), LOGGED_IN),
    "plans:board-annex": Row(
        "GET",
        lambda w: reverse("plans:board-annex") + f"?plan={w.plans.plan.pk}&year=2024&quarter=2",
        HAS_ROLE,
        404,
    ),
    "plans:overdue-board": Row("GET", page("plans:overdue-board"), LOGGED_IN),
    "plans:progress": Row("GET", page("plans:progress"), LOGGED_IN),
    "plans:calendar": Row("GET", page("plans:calendar"), LOGGED_IN),
    "plans:urging-list": Row("GET", page("plans:urging-list"), LOGGED_IN),
    "plans:urging-create": Row("GET", page("plans:urging-create"), MANAGERS),
    "plans:urging-detail": Row(
        "GET", page("plans:urging-detail", lambda w: w.plans.notice.pk), SEES_UNIT_A, 404
    ),
    "accounts:login": Row("GET", page("accounts:login"), LOGGED_IN, public=True),
    "accounts:logout": Row(
        "POST", page("accounts:logout"), LOGGED_IN, public=True, ok_status="login"
    ),
    "accounts:profile": Row("GET", page("accounts:profile"), LOGGED_IN),
    "accounts:password-change": Row("GET", page("accounts:password-change"), LOGGED_IN),
    "accounts:token-create": Row(
        "POST", page("accounts:token-create"), LOGGED_IN, data=lambda w: {"name": "máy chủ"}
    ),
    "accounts:token-revoke": Row(
        "POST",
        page("accounts:token-revoke", lambda w: w.subject_token.pk),
        MANAGERS | {"focal_point"},
        404,
    ),
    "accounts:user-list": Row("GET", page("accounts:user-list"), MANAGERS),
    "accounts:user-create": Row("GET", page("accounts:user-create"), MANAGERS),
    # The focal point is the subject: their own page sends them to their profile.
    "accounts:user-detail": Row(
        "GET", page("accounts:user-detail", subject_pk), MANAGERS | {"focal_point"}, 404
    ),
    "accounts:user-edit": Row("GET", page("accounts:user-edit", subject_pk), MANAGERS),
    "accounts:user-deactivate": Row("POST", page("accounts:user-deactivate", subject_pk), MANAGERS),
    "accounts:user-activate": Row("POST", page("accounts:user-activate", subject_pk), MANAGERS),
    "accounts:role-grant": Row(
        "POST",
        page("accounts:role-grant", subject_pk),
        MANAGERS,
        data=lambda w: {"role": "unit_leader", "unit": w.unit_a.pk, "valid_from": "01/01/2026"},
    ),
    "accounts:role-revoke": Row(
        "POST",
        page("accounts:role-revoke", lambda w: w.subject_role.pk),
        MANAGERS,
        data=lambda w: {"reason": "Chuyển công tác"},
    ),
    "accounts:lockouts": Row("GET", page("accounts:lockouts"), MANAGERS),
    "accounts:lockout-unlock": Row(
        "POST", page("accounts:lockout-unlock"), MANAGERS, data=lambda w: {"username": "x"}
    ),
}


def api_url(path: str) -> Callable[[World], str]:
    return lambda w: "/api" + path.format(w=w)


API: dict[str, Row] = {
    "me_read": Row("GET", api_url("/accounts/me"), LOGGED_IN),
    "user_list": Row("GET", api_url("/accounts/users"), MANAGERS),
    "user_read": Row(
        "GET", api_url("/accounts/users/{w.subject.pk}"), MANAGERS | {"focal_point"}, 404
    ),
    "role_grant": Row(
        "POST",
        api_url("/accounts/users/{w.subject.pk}/roles"),
        MANAGERS,
        404,
        {"focal_point": 403},  # sees themself, may not grant
        data=lambda w: {"role": "focal_point", "unit_id": w.unit_b.pk},
    ),
    "role_revoke": Row(
        "POST",
        api_url("/accounts/roles/{w.subject_role.pk}/revoke"),
        MANAGERS,
        404,
        {"focal_point": 403},  # sees their own role, may not revoke it
        data=lambda w: {"reason": "Nghỉ hưu"},
    ),
    "token_list": Row("GET", api_url("/accounts/tokens"), LOGGED_IN),
    "token_create": Row(
        "POST", api_url("/accounts/tokens"), LOGGED_IN, data=lambda w: {"name": "tích hợp"}
    ),
    "token_revoke": Row(
        "POST",
        api_url("/accounts/tokens/{w.subject_token.pk}/revoke"),
        MANAGERS | {"focal_point"},
        404,
    ),
    "unit_list": Row("GET", api_url("/units"), LOGGED_IN),
    "unit_tree": Row("GET", api_url("/units/tree"), LOGGED_IN),
    "unit_get": Row("GET", api_url("/units/{w.unit_a.pk}"), SEES_UNIT_A, 404),
    "unit_history": Row("GET", api_url("/units/{w.unit_a.pk}/history"), SEES_UNIT_A, 404),
    "unit_create": Row(
        "POST",
        api_url("/units"),
        MANAGERS,
        data=lambda w: {
            "code": "PNV-CD",
            "name": "Phòng Nội vụ",
            "kind": "department",
            "parent_id": w.province.pk,
        },
    ),
    "unit_update": Row(
        "PATCH",
        api_url("/units/{w.unit_a.pk}"),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
        data=lambda w: {"short_name": "STP"},
    ),
}

API.update(
    {
        "plan_list": Row("GET", api_url("/plans"), LOGGED_IN),
        "plan_get": Row("GET", api_url("/plans/{w.plans.plan.pk}"), HAS_ROLE, 404),
        "plan_create": Row(
            "POST",
            api_url("/plans"),
            MANAGERS,
            data=lambda w: {
                "number": "02/KH-UBND",
                "title": "Kế hoạch CCHC năm 2025",
                "issuing_unit_id": w.province.pk,
                "signed_on": "2024-12-20",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
            },
        ),
        "area_list": Row("GET", api_url("/plans/{w.plans.plan.pk}/areas"), HAS_ROLE, 404),
        "area_create": Row(
            "POST",
            api_url("/plans/{w.plans.plan.pk}/areas"),
            MANAGERS,
            403,
            {"no_role": 404},
            data=lambda w: {"code": "III", "name": "Cải cách TTHC", "position": 2},
        ),
        "task_list": Row("GET", api_url("/plans/tasks"), LOGGED_IN),
        "task_get": Row("GET", api_url("/plans/tasks/{w.plans.task.pk}"), SEES_UNIT_A, 404),
        "task_create": Row(
            "POST",
            api_url("/plans/{w.plans.plan.pk}/tasks"),
            MANAGERS,
            403,
            {"no_role": 404},
            data=lambda w: {
                "area_id": w.plans.task.area_id,
                "code": "9",
                "content": "Số hóa hồ sơ",
                "lead_unit_id": w.unit_b.pk,
                "deadline": "2024-09-30",
            },
        ),
        "task_cancel": Row(
            "POST",
            api_url("/plans/tasks/{w.plans.task.pk}/cancel"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"reason": "Trùng nhiệm vụ"},
        ),
        "assignment_list": Row("GET", api_url("/plans/assignments"), LOGGED_IN),
        "assignment_get": Row(
            "GET", api_url("/plans/assignments/{w.plans.assignment.pk}"), SEES_UNIT_A, 404
        ),
        "report_list": Row(
            "GET", api_url("/plans/assignments/{w.plans.assignment.pk}/reports"), SEES_UNIT_A, 404
        ),
        "report_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.draft.assignment_id}/reports"),
            UNIT_A,
            403,
            HIDDEN,
            data=lambda w: {"percent": 30, "work_done": "Đã họp triển khai"},
        ),
        "report_submit": Row(
            "POST",
            api_url("/plans/reports/{w.plans.draft.pk}/submit"),
            {"unit_leader"},
            403,
            HIDDEN,
        ),
        "report_accept": Row(
            "POST", api_url("/plans/reports/{w.plans.submitted.pk}/accept"), MANAGERS, 403, HIDDEN
        ),
        "report_return": Row(
            "POST",
            api_url("/plans/reports/{w.plans.submitted.pk}/return"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"comment": "Bổ sung minh chứng"},
        ),
        "extension_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.draft.assignment_id}/extensions"),
            UNIT_A,
            403,
            HIDDEN,
            data=lambda w: {"requested_deadline": "2099-03-31", "reason": "Chờ hướng dẫn"},
        ),
        "extension_decide": Row(
            "POST",
            api_url("/plans/extensions/{w.plans.extension.pk}/decide"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"approve": False, "note": "Không đủ căn cứ"},
        ),
        "obstacle_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.assignment.pk}/obstacles"),
            UNIT_A | MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {
                "kind": "recommendation",
                "text": "Đề nghị tập huấn",
                "answer_unit_id": w.province.pk,
                "answer_due": "2099-01-31",
            },
        ),
        "obstacle_answer": Row(
            "POST",
            api_url("/plans/obstacles/{w.plans.obstacle.pk}/answer"),
            UNIT_A | MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"answer": "Đã bố trí kinh phí"},
        ),
        "urging_list": Row("GET", api_url("/plans/urging"), LOGGED_IN),
        "urging_get": Row("GET", api_url("/plans/urging/{w.plans.notice.pk}"), SEES_UNIT_A, 404),
        "urging_create": Row(
            "POST",
            api_url("/plans/urging"),
            MANAGERS,
            data=lambda w: {
                "assignment_ids": [w.plans.assignment.pk],
                "subject": "Đôn đốc lần 2",
                "body": "Đề nghị khẩn trương",
                "signer_name": "Nguyễn Văn B",
                "signer_position": "Phó Giám đốc",
            },
        ),
    }
)

# The PAR Index has its own module.
PAGES.update(SCORING_PAGES)
API.update(SCORING_API)
# So have the satisfaction surveys.
PAGES.update(SURVEY_PAGES)
API.update(SURVEY_API)

# Framework pages that are not cchc's own: the admin, language switch, API docs.
