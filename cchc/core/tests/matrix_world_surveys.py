"""The permission matrix's satisfaction-survey world (`World.surveys`), built only for the
rows named in `SURVEY_ROWS` (see `matrix_world.py`) by `survey_world`.

Today is 2026-11-28 (the pinned clock). The world holds

- `version`: the small questionnaire of `cchc.surveys.tests.factories` (locked by `open`);
  `draft_version`: another one, unlocked, that the draft campaign asks;
- `open`: collecting from 2026-10-01 to 2026-12-31 over unit A and unit B, paper forms typed
  twice; two identical web responses from unit A (`response` is the first, to invalidate:
  they are also the duplicates report's group) and one from unit B;
  form "G-001" of unit A typed twice, differently (`paper`: its first typing, to compare
  and settle); a batch "dot-1" of tokens for unit A (`batch`);
- `draft`: next year's campaign over unit A alone (N = 1000, no quota yet), to edit, set
  units, apply the suggested quotas and open. Unit B's people do not see it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cchc.accounts.models import User
from cchc.surveys.models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    PaperEntry,
    QuestionnaireVersion,
    Response,
)
from cchc.surveys.services import entry as survey_entry
from cchc.surveys.services import tokens as survey_tokens
from cchc.surveys.services.responses import submit_response
from cchc.surveys.tests.factories import full_answers, make_campaign, make_version
from cchc.units.models import Unit

TOKEN_BATCH = "dot-1"
PAPER_SERIAL = "G-001"


@dataclass
class SurveyWorld:
    version: QuestionnaireVersion
    draft_version: QuestionnaireVersion
    open: Campaign
    draft: Campaign
    target_a: CampaignUnit  # unit A in the open campaign: its public code
    response: Response
    paper: PaperEntry
    batch: str = TOKEN_BATCH
    serial: str = PAPER_SERIAL


def survey_world(unit_a: Unit, unit_b: Unit, people: dict[str, User]) -> SurveyWorld:
    version = make_version("mini")
    opened = make_campaign(version, [unit_a, unit_b], code="sipas-2026", double_entry=True)
    draft_version = make_version("nhap")
    draft = make_campaign(
        draft_version,
        [unit_a],
        code="sipas-2027",
        status=CampaignStatus.DRAFT,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 3, 31),
        quota=None,
    )
    draft.surveyed_units.update(population=1000)
    target_a = opened.surveyed_units.get(unit=unit_a)
    target_b = opened.surveyed_units.get(unit=unit_b)
    response = submit_response(target_a, full_answers(), channel="web")
    submit_response(target_a, full_answers(), channel="web")
    submit_response(target_b, full_answers(overall=3), channel="web")
    paper = survey_entry.enter_paper(
        target_a, PAPER_SERIAL, full_answers(), by=people["focal_point"]
    )
    survey_entry.enter_paper(target_a, PAPER_SERIAL, full_answers(c11=3), by=people["unit_leader"])
    survey_tokens.generate_tokens(
        opened, count=3, unit=unit_a, batch=TOKEN_BATCH, by=people["secretariat"]
    )
    assert isinstance(paper, PaperEntry)
    return SurveyWorld(version, draft_version, opened, draft, target_a, response, paper)
