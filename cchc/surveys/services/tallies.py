"""Keeping `Tally` (answer counts of valid responses) in step with the responses.

`apply` adds or removes one response's answers (and the response in `ResponseCount`) in two
statements (upserts that add to the stored counts), in the caller's transaction; rows are
written in key order so concurrent submissions never deadlock. `rebuild` recounts a campaign
from its responses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction

from ..answers import VersionSpec
from ..models import ANSWERED, Campaign, QuestionKind, Response, ResponseCount, Tally

Key = tuple[int, int]  # (question id, value)


def counted(spec: VersionSpec, answers: Mapping[str, Any]) -> list[Key]:
    """The (question, value) pairs one response adds to the counts."""
    keys: list[Key] = []
    for code, answer in answers.items():
        q = spec.by_code.get(code)
        if q is None or not q.is_discrete:
            continue
        if q.kind == QuestionKind.MULTIPLE:
            keys.append((q.id, ANSWERED))
            keys.extend((q.id, int(v)) for v in answer)
        else:
            keys.append((q.id, int(answer)))
    return keys


def apply(
    campaign_id: int, unit_id: int, procedure_code: str, keys: Iterable[Key], delta: int
) -> None:
    """Add `delta` (1 or -1) to the count of each key and to the unit's response count."""
    _count_response(campaign_id, unit_id, procedure_code, delta)
    rows = [(campaign_id, unit_id, procedure_code, q, v, delta) for q, v in sorted(keys)]
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (campaign_id, unit_id, procedure_code, question_id, value, count) "
        f"VALUES {placeholders} "
        "ON CONFLICT (campaign_id, unit_id, procedure_code, question_id, value) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field for row in rows for field in row])


def _count_response(campaign_id: int, unit_id: int, procedure_code: str, delta: int) -> None:
    table = connection.ops.quote_name(ResponseCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} (campaign_id, unit_id, procedure_code, count) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (campaign_id, unit_id, procedure_code) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, unit_id, procedure_code, delta])


@transaction.atomic
def rebuild(campaign: Campaign, spec: VersionSpec) -> int:
    """Recount every tally of `campaign` from its valid responses; returns the rows written."""
    counts: Counter[tuple[int, str, int, int]] = Counter()
    per_unit: Counter[tuple[int, str]] = Counter()
    responses = (
        Response.objects.valid()
        .filter(campaign=campaign)
        .values_list("unit_id", "procedure_code", "answers")
    )
    for unit_id, procedure_code, answers in responses.iterator(chunk_size=5000):
        per_unit[(unit_id, procedure_code)] += 1
        for question_id, value in counted(spec, answers):
            counts[(unit_id, procedure_code, question_id, value)] += 1
    ResponseCount.objects.filter(campaign=campaign).delete()
    ResponseCount.objects.bulk_create(
        ResponseCount(campaign=campaign, unit_id=unit_id, procedure_code=procedure, count=n)
        for (unit_id, procedure), n in per_unit.items()
    )
    Tally.objects.filter(campaign=campaign).delete()
    Tally.objects.bulk_create(
        (
            Tally(
                campaign=campaign,
                unit_id=unit_id,
                procedure_code=procedure_code,
                question_id=question_id,
                value=value,
                count=count,
            )
            for (unit_id, procedure_code, question_id, value), count in counts.items()
        ),
        batch_size=2000,
    )
    return len(counts)
