"""The permission matrix of the satisfaction surveys (`surveys:*` and `survey_form:*` pages,
`surveys_*` API operations), merged into `PAGES` and `API` by `matrix_rows.py`.

Every row acts on `World.surveys` (see `matrix_world_surveys.py`): an open campaign over
unit A and unit B (so the outsider, unit B's focal point, is one of its units' people), a
draft over unit A alone, responses, a form typed twice and a batch of tokens of unit A.

Who (read from `cchc/surveys/views` and `api`): campaigns are seen by the province-wide
roles and the surveyed units' people (`Campaign.objects.visible_to`, 404 otherwise);
the secretariat and administrators manage them and the questionnaires (403); typing,
importing and raw responses are the secretariat's and each surveyed unit's own (403 for
the province-wide readers); unit A's raw responses, scorecard, QR codes and forms typed
are 404 for the other units. Page POSTs that succeed redirect: their rows expect 302
exactly, as a refused form is shown again with 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.surveys.services.questionnaires import export_xlsform
from cchc.surveys.tests.factories import full_answers

from .matrix_world import (
    HAS_ROLE,
    HIDDEN,
    LOGGED_IN,
    MANAGERS,
    PROVINCE_WIDE,
    SEES_UNIT_A,
    UNIT_A,
    Row,
    World,
    page,
)

NO_ROLE = {"no_role": 404}
# The surveyed units' focal points and heads: unit A's, and the outsider for unit B.
ENTERS = MANAGERS | UNIT_A | {"outsider"}
# Managers and unit A's people: may act on unit A's forms, tokens and responses.
FOR_UNIT_A = MANAGERS | UNIT_A
# Unit A's response: its people see it and may not invalidate it; the others do not see it.
RESPONSE_HIDDEN = {"focal_point": 403, "unit_leader": 403}
# The outsider may use the page for unit B; the form refuses unit A's and is shown again.
OUTSIDER_REFUSED = {"outsider": 200, "no_role": 404}
REDIRECT = 302


def open_pk(w: World) -> int:
    return w.surveys.open.pk


def draft_pk(w: World) -> int:
    return w.surveys.draft.pk


def version_pk(w: World) -> int:
    return w.surveys.version.pk


def code_a(w: World) -> str:
    """Unit A's public code in the open campaign."""
    return w.surveys.target_a.code


def with_query(name: str, query: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args]) + "?" + query.format(w=w)


def _campaign_form(w: World) -> dict[str, Any]:
    return {
        "code": "sipas-2027",
        "name": "Khảo sát hài lòng năm 2027 (sửa)",
        "version": w.surveys.draft_version.pk,
        "starts_on": "2027-01-01",
        "ends_on": "2027-04-30",
        "element_method": "mean_of_criteria",
        "min_n": 30,
        "margin": "5",
        "procedures": "",
        "notes": "",
    }


def _paper_form(w: World) -> dict[str, Any]:
    answers = {f"a_{code}": value for code, value in full_answers().items()}
    return {"unit": w.surveys.target_a.pk, "serial": "G-002", **answers}


def _responses_csv(w: World) -> dict[str, Any]:
    content = b"unit;c11;c12;overall\r\nSTP;5;4;4\r\n"
    return {"file": SimpleUploadedFile("phieu.csv", content, content_type="text/csv")}


def _xlsform(w: World) -> dict[str, Any]:
    content = export_xlsform(w.surveys.version)
    return {"file": SimpleUploadedFile("phieu.xlsx", content), "code": "mini-ban-sao"}


SURVEY_PAGES: dict[str, Row] = {
    # Questionnaires: every role reads them; managers import, copy and edit unlocked ones.
    "surveys:questionnaire_list": Row("GET", page("surveys:questionnaire_list"), LOGGED_IN),
    "surveys:questionnaire_detail": Row(
        "GET", page("surveys:questionnaire_detail", version_pk), HAS_ROLE, 404
    ),
    "surveys:questionnaire_export": Row(
        "GET", page("surveys:questionnaire_export", version_pk), HAS_ROLE, 404
    ),
    "surveys:questionnaire_import": Row(
        "POST", page("surveys:questionnaire_import"), MANAGERS, data=_xlsform, ok_status=REDIRECT
    ),
    "surveys:questionnaire_load_sipas": Row(
        "POST", page("surveys:questionnaire_load_sipas"), MANAGERS, ok_status=REDIRECT
    ),
    "surveys:questionnaire_new_version": Row(
        "POST",
        page("surveys:questionnaire_new_version", version_pk),
        MANAGERS,
        403,
        NO_ROLE,
        ok_status=REDIRECT,
    ),
    "surveys:questionnaire_edit": Row(
        "POST",
        page("surveys:questionnaire_edit", lambda w: w.surveys.draft_version.pk),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"title": "Phiếu nháp (sửa)", "notes": "Đã rà soát"},
        ok_status=REDIRECT,
    ),
    "surveys:questionnaire_question_edit": Row(
        "POST",
        page(
            "surveys:questionnaire_question_edit",
            lambda w: w.surveys.draft_version.questions.get(code="c11").pk,
        ),
        MANAGERS,
        403,
        NO_ROLE,
        data=lambda w: {"text": "Ông/Bà hài lòng?", "hint": "", "required": "on", "note": ""},
        ok_status=REDIRECT,
    ),
    # Campaigns: seen by province-wide roles and the surveyed units; managers run them.
    "surveys:campaign_list": Row("GET", page("surveys:campaign_list"), LOGGED_IN),
    "surveys:campaign_create": Row(
        "POST",
        page("surveys:campaign_create"),
        MANAGERS,
        data=lambda w: _campaign_form(w) | {"code": "sipas-2028", "name": "Khảo sát 2028"},
        ok_status=REDIRECT,
    ),
    "surveys:campaign_detail": Row("GET", page("surveys:campaign_detail", open_pk), HAS_ROLE, 404),
    "surveys:campaign_progress": Row(
        "GET", page("surveys:campaign_progress", open_pk), HAS_ROLE, 404
    ),
    "surveys:campaign_edit": Row(
        "POST",
        page("surveys:campaign_edit", draft_pk),
        MANAGERS,
        403,
        HIDDEN,
        data=_campaign_form,
        ok_status=REDIRECT,
    ),
    "surveys:campaign_units": Row(
        "POST",
        page("surveys:campaign_units", draft_pk),
        MANAGERS,
        403,
        HIDDEN,
        data=lambda w: {f"population_{w.unit_a.pk}": 1200, f"quota_{w.unit_a.pk}": 60},
        ok_status=REDIRECT,
    ),
    "surveys:campaign_apply_quotas": Row(
        "POST", page("surveys:campaign_apply_quotas", draft_pk), MANAGERS, 403, HIDDEN
    ),
    "surveys:campaign_open": Row(
        "POST", page("surveys:campaign_open", draft_pk), MANAGERS, 403, HIDDEN
    ),
    "surveys:campaign_close": Row(
        "POST", page("surveys:campaign_close", open_pk), MANAGERS, 403, NO_ROLE
    ),
    # Tokens: managers, and each surveyed unit's people for their unit.
    "surveys:campaign_tokens": Row(
        "POST",
        page("surveys:campaign_tokens", open_pk),
        FOR_UNIT_A,
        403,
        OUTSIDER_REFUSED,
        data=lambda w: {"count": 5, "unit": w.unit_a.pk, "batch": "dot-2"},
        ok_status=REDIRECT,
    ),
    "surveys:campaign_tokens_csv": Row(
        "GET",
        with_query("surveys:campaign_tokens_csv", "batch={w.surveys.batch}", open_pk),
        FOR_UNIT_A,
        403,
        HIDDEN,  # the outsider sees no token of the batch (unit A's)
    ),
    "surveys:campaign_tokens_pdf": Row(
        "GET",
        with_query("surveys:campaign_tokens_pdf", "batch={w.surveys.batch}", open_pk),
        FOR_UNIT_A,
        403,
        HIDDEN,
    ),
    "surveys:campaign_sample_size": Row(
        "GET", with_query("surveys:campaign_sample_size", "population=1000&margin=5"), LOGGED_IN
    ),
    # Entry: the secretariat and the surveyed units' people; province-wide readers 403.
    "surveys:paper_entry": Row(
        "POST",
        page("surveys:paper_entry", open_pk),
        FOR_UNIT_A,
        403,
        OUTSIDER_REFUSED,
        data=_paper_form,
        ok_status=REDIRECT,
    ),
    "surveys:paper_pending": Row(
        "GET", page("surveys:paper_pending", open_pk), ENTERS, 403, NO_ROLE
    ),
    "surveys:paper_compare": Row(
        "POST",
        page("surveys:paper_compare", open_pk, lambda w: w.surveys.paper.pk),
        FOR_UNIT_A,
        403,
        HIDDEN,  # the outsider may enter for unit B, not see unit A's forms
        data=lambda w: {"a_c11": "2"},
        ok_status=REDIRECT,
    ),
    "surveys:responses_list": Row(
        "GET", page("surveys:responses_list", open_pk), ENTERS, 403, NO_ROLE
    ),
    "surveys:response_detail": Row(
        "POST",
        page("surveys:response_detail", open_pk, lambda w: w.surveys.response.pk),
        MANAGERS,
        404,
        RESPONSE_HIDDEN,
        data=lambda w: {"reason": "Phiếu trùng lặp"},
        ok_status=REDIRECT,
    ),
    "surveys:responses_duplicates": Row(
        "GET", page("surveys:responses_duplicates", open_pk), MANAGERS, 403, NO_ROLE
    ),
    "surveys:responses_import": Row(
        "POST",
        page("surveys:responses_import", open_pk),
        FOR_UNIT_A,
        403,
        OUTSIDER_REFUSED,  # the file's rows are unit A's
        data=_responses_csv,
        ok_status=REDIRECT,
    ),
    # Results: province-wide roles everything; units the province and their own figures.
    "surveys:results_campaign": Row(
        "GET", page("surveys:results_campaign", open_pk), HAS_ROLE, 404
    ),
    "surveys:results_ranking": Row(
        "GET", page("surveys:results_ranking", open_pk), PROVINCE_WIDE, 404
    ),
    "surveys:results_unit": Row(
        "GET",
        page("surveys:results_unit", open_pk, lambda w: w.unit_a.pk),
        SEES_UNIT_A,
        404,
    ),
    "surveys:results_export": Row(
        "GET", page("surveys:results_export", open_pk, lambda w: "xlsx"), HAS_ROLE, 404
    ),
    "surveys:responses_export": Row(
        "GET", page("surveys:responses_export", open_pk, lambda w: "xlsx"), ENTERS, 404
    ),
    "surveys:results_report": Row(
        "GET", page("surveys:results_report", open_pk), PROVINCE_WIDE, 404
    ),
    # The public form: anyone answers; QR codes and posters are for who sees unit A.
    "survey_form:form": Row(
        "POST",
        page("survey_form:form", code_a),
        LOGGED_IN,
        public=True,
        data=lambda w: full_answers(),
        ok_status=REDIRECT,
    ),
    "survey_form:thanks": Row("GET", page("survey_form:thanks", code_a), LOGGED_IN, public=True),
    "survey_form:qr_png": Row("GET", page("survey_form:qr_png", code_a), SEES_UNIT_A, 404),
    "survey_form:qr_svg": Row("GET", page("survey_form:qr_svg", code_a), SEES_UNIT_A, 404),
    "survey_form:poster": Row("GET", page("survey_form:poster", code_a), SEES_UNIT_A, 404),
}


def sv(path: str) -> Callable[[World], str]:
    """An API address under /api/surveys; `s` in `path` is `World.surveys`."""
    return lambda w: "/api/surveys" + path.format(w=w, s=w.surveys)


def _campaign_in(w: World) -> dict[str, Any]:
    return {
        "code": "sipas-2028",
        "name": "Khảo sát 2028",
        "version_id": w.surveys.version.pk,
        "starts_on": "2028-01-01",
        "ends_on": "2028-03-31",
    }


SURVEY_API: dict[str, Row] = {
    "surveys_questionnaire_list": Row("GET", sv("/questionnaires"), LOGGED_IN),
    "surveys_questionnaire_version_get": Row(
        "GET", sv("/questionnaires/versions/{s.version.pk}"), HAS_ROLE, 404
    ),
    "surveys_questionnaire_export": Row(
        "GET", sv("/questionnaires/versions/{s.version.pk}/xlsform"), HAS_ROLE, 404
    ),
    # The runner sends JSON and the operation reads a multipart file: refused (422) before
    # the operation runs, for every role, so nothing is imported.
    "surveys_questionnaire_import": Row(
        "POST", sv("/questionnaires/import"), LOGGED_IN, ok_status=422
    ),
    "surveys_questionnaire_new_version": Row(
        "POST",
        sv("/questionnaires/versions/{s.version.pk}/new-version"),
        MANAGERS,
        403,
        NO_ROLE,
        ok_status=201,
    ),
    "surveys_campaign_list": Row("GET", sv("/campaigns"), LOGGED_IN),
    "surveys_campaign_create": Row(
        "POST", sv("/campaigns"), MANAGERS, data=_campaign_in, ok_status=201
    ),
    "surveys_campaign_get": Row("GET", sv("/campaigns/{s.open.pk}"), HAS_ROLE, 404),
    "surveys_campaign_update": Row(
        "PATCH",
        sv("/campaigns/{s.draft.pk}"),
        MANAGERS,
        403,
        HIDDEN,
        data=lambda w: {"name": "Khảo sát 2027 (sửa)", "ends_on": "2027-04-30"},
    ),
    "surveys_campaign_set_units": Row(
        "PUT",
        sv("/campaigns/{s.draft.pk}/units"),
        MANAGERS,
        403,
        HIDDEN,
        data=lambda w: {
            "units": [
                {"unit_id": w.unit_a.pk, "population": 1200, "quota": 60},
                {"unit_id": w.unit_b.pk, "population": None, "quota": 40},
            ]
        },
    ),
    "surveys_campaign_apply_suggested_quotas": Row(
        "POST", sv("/campaigns/{s.draft.pk}/suggested-quotas"), MANAGERS, 403, HIDDEN
    ),
    "surveys_campaign_open": Row("POST", sv("/campaigns/{s.draft.pk}/open"), MANAGERS, 403, HIDDEN),
    "surveys_campaign_close": Row(
        "POST", sv("/campaigns/{s.open.pk}/close"), MANAGERS, 403, NO_ROLE
    ),
    "surveys_campaign_generate_tokens": Row(
        "POST",
        sv("/campaigns/{s.open.pk}/tokens"),
        FOR_UNIT_A,
        403,
        NO_ROLE,  # the outsider issues tokens for unit B only
        data=lambda w: {"count": 5, "unit_id": w.unit_a.pk, "batch": "dot-2"},
        ok_status=201,
    ),
    "surveys_campaign_token_stats": Row(
        "GET", sv("/campaigns/{s.open.pk}/tokens"), ENTERS, 403, NO_ROLE
    ),
    "surveys_campaign_sample_size": Row(
        "GET", sv("/sample-size?population=1000&margin=0.05"), LOGGED_IN
    ),
    # Entry.
    "surveys_response_list": Row(
        "GET", sv("/campaigns/{s.open.pk}/responses"), ENTERS, 403, NO_ROLE
    ),
    "surveys_response_duplicates": Row(
        "GET", sv("/campaigns/{s.open.pk}/responses/duplicates"), MANAGERS, 403, NO_ROLE
    ),
    "surveys_response_get": Row("GET", sv("/responses/{s.response.pk}"), FOR_UNIT_A, 404),
    "surveys_response_invalidate": Row(
        "POST",
        sv("/responses/{s.response.pk}/invalidate"),
        MANAGERS,
        404,
        RESPONSE_HIDDEN,
        data=lambda w: {"reason": "Phiếu trùng lặp"},
    ),
    "surveys_response_import": Row(
        "POST", sv("/campaigns/{s.open.pk}/responses/import"), LOGGED_IN, ok_status=422
    ),
    "surveys_paper_entry": Row(
        "POST",
        sv("/campaigns/{s.open.pk}/paper"),
        FOR_UNIT_A,
        403,
        NO_ROLE,  # the outsider types unit B's forms only
        data=lambda w: {"unit_id": w.unit_a.pk, "serial": "G-002", "answers": full_answers()},
        ok_status=201,
    ),
    "surveys_paper_pending": Row(
        "GET", sv("/campaigns/{s.open.pk}/paper/pending"), ENTERS, 403, NO_ROLE
    ),
    "surveys_paper_compare": Row(
        "GET",
        sv("/campaigns/{s.open.pk}/paper/compare?unit_id={w.unit_a.pk}&serial={s.serial}"),
        FOR_UNIT_A,
        403,
        NO_ROLE,
    ),
    "surveys_paper_settle": Row(
        "POST",
        sv("/campaigns/{s.open.pk}/paper/settle"),
        FOR_UNIT_A,
        403,
        NO_ROLE,
        data=lambda w: {"unit_id": w.unit_a.pk, "serial": w.surveys.serial, "choices": {"c11": 2}},
        ok_status=201,
    ),
    # The public form: no account.
    "surveys_public_form": Row("GET", sv("/public/{s.target_a.code}"), LOGGED_IN, public=True),
    "surveys_public_submit": Row(
        "POST",
        sv("/public/{s.target_a.code}/responses"),
        LOGGED_IN,
        public=True,
        data=lambda w: {"answers": full_answers()},
        ok_status=201,
    ),
    # Results.
    "surveys_results_campaign": Row("GET", sv("/campaigns/{s.open.pk}/results"), HAS_ROLE, 404),
    "surveys_results_unit": Row(
        "GET", sv("/campaigns/{s.open.pk}/results/units/{w.unit_a.pk}"), SEES_UNIT_A, 404
    ),
    "surveys_results_ranking": Row(
        "GET", sv("/campaigns/{s.open.pk}/results/ranking"), PROVINCE_WIDE, 404
    ),
    "surveys_results_trend": Row("GET", sv("/campaigns/{s.open.pk}/results/trend"), HAS_ROLE, 404),
}
