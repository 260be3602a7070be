"""Benchmark of the satisfaction-survey indices: 1,000,000 responses across 200 units.

    .venv/bin/python bench/survey_index.py [--db sqlite|postgres] [--responses 1000000]

Builds its own database (a SQLite file in a temporary folder, or a new PostgreSQL database,
dropped afterwards; see bench/plans.py): a province with 200 units, the SIPAS questionnaire
(22 criteria, 5 elements, overall, expectations), an open campaign with four procedures, and
random valid responses written straight into the table (executemany / COPY), with the
answer counts (`Tally`) counted while generating. Then times "compute every index" (the
results module's `CampaignResults`: every unit, level, procedure and the province), exports
the raw responses to a wide CSV and has DuckDB compute every unit x criterion index from it;
prints both, the ratio, and whether every index and n is EQUAL (exit 1 when not). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _surveys as surveys  # bench/_surveys.py: units, questionnaire, campaign, answers
import plans as bench  # bench/plans.py: the throw-away database and settings

TARGET_RATIO = 3.0
ROUNDS = 10  # responses arrive over ten days, every unit each day
BATCH = 20_000

Key = tuple[str, str]  # (unit code, criterion code)
Figures = dict[Key, tuple[int | None, int]]  # index in hundredths (half-up), n


# Data ----------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> tuple[Any, Any, int]:
    """Units, questionnaire, campaign; then the responses and their counts (raw SQL)."""
    from django.db import transaction

    from cchc.surveys.answers import spec_for

    with transaction.atomic():
        units = surveys.build_units(args.units)
        version, source = surveys.build_version(args.form)
        campaign = surveys.open_campaign(version, units)
    spec = spec_for(campaign.version)
    print(f"questionnaire: {source}, {len(spec.questions)} questions")
    model = surveys.AnswerModel(spec)
    model.adopt_cleaning(random.Random(5))
    surveys.check_valid(model, random.Random(5))
    counts: Counter[tuple[int, str, int, int]] = Counter()
    written = 0
    with transaction.atomic():
        for rows in generate(args, campaign, model, [u.pk for u in units], counts):
            write_responses(rows)
            written += len(rows)
        write_tallies(campaign.pk, counts)
    settle()
    return campaign, spec, written


def settle() -> None:
    """Planner statistics (and on PostgreSQL the visibility map, which index-only scans
    need) as a database in service has them after autovacuum; done now so that autovacuum
    does not run during the timings."""
    from django.db import connection

    from cchc.surveys.models import Response, ResponseCount, Tally

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        for model in (Response, ResponseCount, Tally):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def generate(
    args: argparse.Namespace, campaign: Any, model: Any, unit_ids: list[int], counts: Counter
) -> Iterator[list[tuple]]:
    """Batches of response rows; `counts` gets (unit, procedure, question, value) counts."""
    from django.db import connection

    rng = random.Random(1_000_000)
    procedures = [p["code"] for p in surveys.PROCEDURES]
    start = datetime.datetime.combine(campaign.starts_on, datetime.time(8), datetime.UTC)
    per_round = [args.responses // ROUNDS + (r < args.responses % ROUNDS) for r in range(ROUNDS)]
    moods = {u: rng.uniform(-0.6, 0.6) for u in unit_ids}
    shares = {u: rng.uniform(0.5, 1.5) for u in unit_ids}
    total_share = sum(shares.values())
    batch: list[tuple] = []
    for day, size in enumerate(per_round):
        hour = connection.ops.adapt_datetimefield_value(start + datetime.timedelta(days=day))
        sizes = [int(size * shares[u] / total_share) for u in unit_ids]
        sizes[-1] += size - sum(sizes)
        for unit_id, n in zip(unit_ids, sizes, strict=True):
            columns = model.draw(rng, moods[unit_id], n, args.missing)
            picked = rng.choices(range(len(procedures)), k=n)
            count_block(model, unit_id, procedures, picked, columns, counts)
            for p, answers in zip(picked, model.as_json(columns), strict=True):
                batch.append((campaign.pk, unit_id, procedures[p], hour, answers))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def count_block(
    model: Any,
    unit_id: int,
    procedures: list[str],
    picked: list[int],
    columns: list[list[int]],
    counts: Counter,
) -> None:
    """Add a block's answers to the counts as `services.tallies.counted` would."""
    from cchc.surveys.models import ANSWERED

    for column, values in zip(model.columns, columns, strict=True):
        q = column.spec
        if not q.is_discrete:
            continue
        width = len(column.answers)
        found = Counter(p * width + v for p, v in zip(picked, values, strict=True) if v)
        for key, count in found.items():
            p, v = divmod(key, width)
            answer = column.answers[v]
            picks = [ANSWERED, *answer] if isinstance(answer, list) else [answer]
            for value in picks:
                counts[(unit_id, procedures[p], q.id, value)] += count


def write_responses(rows: list[tuple]) -> None:
    """COPY (PostgreSQL) or executemany (SQLite): valid web responses, fingerprinted."""
    from django.db import connection

    from cchc.surveys.models import Response

    columns = "campaign_id, unit_id, procedure_code, submitted_hour, answers, channel, "
    columns += "fingerprint, is_valid, invalid_reason, paper_serial, import_batch"
    full = [
        (*row, "web", hashlib.sha256(row[4].encode()).hexdigest(), True, "", "", "") for row in rows
    ]
    table = Response._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in full:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * 11)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", full)


def write_tallies(campaign_id: int, counts: Counter) -> None:
    from django.db import connection

    from cchc.surveys.models import Response, ResponseCount, Tally

    table = Tally._meta.db_table
    rows = [(campaign_id, *key, count) for key, count in sorted(counts.items())]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (campaign_id, unit_id, procedure_code, question_id, value, "
            "count) VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )
        # The responses per unit and procedure, kept with the counts (ResponseCount).
        cursor.execute(
            f"INSERT INTO {ResponseCount._meta.db_table} "
            "(campaign_id, unit_id, procedure_code, count) "
            "SELECT campaign_id, unit_id, procedure_code, COUNT(*) "
            f"FROM {Response._meta.db_table} WHERE campaign_id = %s "
            "GROUP BY campaign_id, unit_id, procedure_code",
            [campaign_id],
        )


def tally_snapshot(campaign_id: int) -> dict[tuple, int]:
    from cchc.surveys.models import Tally

    rows = Tally.objects.filter(campaign_id=campaign_id).exclude(count=0)
    return {
        (r[0], r[1], r[2], r[3]): r[4]
        for r in rows.values_list("unit_id", "procedure_code", "question_id", "value", "count")
    }


def check_rebuild(campaign: Any, spec: Any) -> bool:
    """Time `tallies.rebuild` and check it writes the counts the generator counted."""
    from cchc.surveys.services import tallies

    before = tally_snapshot(campaign.pk)
    started = time.perf_counter()
    rows = tallies.rebuild(campaign, spec)
    seconds = time.perf_counter() - started
    same = tally_snapshot(campaign.pk) == before
    print(
        f"tallies.rebuild (a Python pass over every response; not part of the figures): "
        f"{seconds:.1f} s, {rows} rows; equal to the counts made while generating: "
        f"{'yes' if same else 'NO'}"
    )
    return same


# Ours: every index ----------------------------------------------------------------------


def every_index(campaign_id: int) -> Any:
    """Every figure of the campaign through the results module's public API."""
    from cchc.surveys.models import Campaign
    from cchc.surveys.results.indices import CampaignResults

    results = CampaignResults(Campaign.objects.get(pk=campaign_id))
    results.units, results.levels, results.procedures, results.province  # noqa: B018
    return results


def ours_figures(results: Any) -> Figures:
    hundred = 100
    return {
        (unit.code, c.code): (
            None if c.result.value is None else int(c.result.value * hundred),
            c.result.n,
        )
        for unit in results.units
        for c in unit.criteria
    }


def parts(campaign_id: int) -> str:
    """One more run, each level timed apart (on a fresh object)."""
    from cchc.surveys.models import Campaign
    from cchc.surveys.results.indices import CampaignResults

    results = CampaignResults(Campaign.objects.get(pk=campaign_id))
    out = []
    for name in ("structure", "surveyed", "units", "levels", "procedures", "province"):
        started = time.perf_counter()
        found = getattr(results, name)
        size = f" ({len(found)})" if isinstance(found, list) else ""
        out.append(f"{name}{size} {(time.perf_counter() - started) * 1000:.0f} ms")
    return ", ".join(out)


# The export and DuckDB ----------------------------------------------------------------


def export_csv(campaign: Any, spec: Any, path: Path) -> int:
    """One row per valid response, a column per question (multiple choice: picks
    separated by spaces), straight from the table with a chunked cursor."""
    from django.db import connection

    from cchc.surveys.models import Response
    from cchc.units.models import Unit

    codes = [q.code for q in spec.questions]
    unit_codes = dict(Unit.objects.values_list("pk", "code"))
    table = Response._meta.db_table
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out, connection.chunked_cursor() as cur:
        writer = csv.writer(out)
        writer.writerow(["response", "unit", "procedure", *codes])
        cur.execute(
            f"SELECT id, unit_id, procedure_code, answers FROM {table} "
            "WHERE campaign_id = %s AND is_valid ORDER BY id",
            [campaign.pk],
        )
        while chunk := cur.fetchmany(10_000):
            for pk, unit_id, procedure, raw in chunk:
                answers = json.loads(raw) if isinstance(raw, str) else raw
                cells = [cell(answers.get(code)) for code in codes]
                writer.writerow([pk, unit_codes[unit_id], procedure, *cells])
            count += len(chunk)
    return count


def cell(answer: Any) -> Any:
    if isinstance(answer, list):
        return " ".join(str(v) for v in answer)
    return "" if answer is None else answer


def criteria(version: Any) -> list[tuple[str, list[int], list[int]]]:
    """(code, valid answers, favourable answers) of every criterion, from the questions."""
    from cchc.surveys.models import IndexRole, Question

    out = []
    for q in Question.objects.filter(version=version, index_role=IndexRole.CRITERION).order_by(
        "position"
    ):
        valid = [1, 2] if q.scale == "agree_disagree" else [1, 2, 3, 4, 5]
        out.append((q.code, valid, sorted(q.favourable_values())))
    return out


def duckdb_sql(wanted: list[tuple[str, list[int], list[int]]]) -> str:
    """Per unit x criterion: n valid answers and the index in hundredths, half-up, in
    integer arithmetic ((2 x 10000 x hits + n) // 2n), in one pass over the table."""
    selects = []
    for code, valid, favourable in wanted:
        column = f'"{code}"'
        n = f"count(*) FILTER (WHERE {column} IN ({', '.join(map(str, valid))}))"
        hits = f"count(*) FILTER (WHERE {column} IN ({', '.join(map(str, favourable))}))"
        selects.append(
            f'{n} AS "n_{code}", CASE WHEN {n} = 0 THEN NULL '
            f'ELSE ({hits} * 20000 + {n}) // (2 * {n}) END AS "i_{code}"'
        )
    return f"SELECT unit, {', '.join(selects)} FROM responses GROUP BY unit"


def run_duckdb(path: Path, wanted: list, repeat: int) -> tuple[list[float], list[float], Figures]:
    """Timings of (read the CSV + the query) and of the query alone, and its figures."""
    import duckdb

    sql = duckdb_sql(wanted)
    types = ", ".join(f"'{code}': 'INTEGER'" for code, _v, _f in wanted)
    load = (
        f"CREATE OR REPLACE TABLE responses AS SELECT * FROM read_csv('{path}', header = true, "
        f"types = {{{types}}})"
    )
    totals, alone, rows = [], [], []
    for _ in range(repeat):
        con = duckdb.connect()
        started = time.perf_counter()
        con.execute(load)
        middle = time.perf_counter()
        rows = con.execute(sql).fetchall()
        ended = time.perf_counter()
        totals.append(ended - started)
        alone.append(ended - middle)
        con.close()
    figures: Figures = {}
    for row in rows:
        for i, (code, _v, _f) in enumerate(wanted):
            n, index = row[1 + 2 * i], row[2 + 2 * i]
            figures[(row[0], code)] = (None if index is None else int(index), int(n))
    return totals, alone, figures


def compare(ours: Figures, theirs: Figures) -> list[str]:
    differences = [
        f"{key}: ours {value}, DuckDB {theirs.get(key)}"
        for key, value in sorted(ours.items())
        if theirs.get(key) != value
    ]
    differences += [f"{key}: only in DuckDB" for key in sorted(set(theirs) - set(ours))]
    return differences


# Steps ---------------------------------------------------------------------------------


def timed(repeat: int, action: Callable[[], Any]) -> tuple[list[float], Any]:
    wall, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        wall.append(time.perf_counter() - started)
    return wall, result


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:8.1f} ms  (min {min(values) * 1000:.1f})"


def run(args: argparse.Namespace, tmp: Path, database_url: str) -> bool:
    bench.configure(tmp, database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    where = "DATABASE_URL" if "postgres" in database_url else tmp
    print(f"database: {connection.vendor} ({where}); {load()}")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    campaign, spec, written = build(args)
    print(
        f"data: {written} responses across {args.units} units, "
        f"{len(tally_snapshot(campaign.pk))} tally rows — built in "
        f"{time.perf_counter() - started:.1f} s (not measured)"
    )
    same = True
    if args.rebuild:
        same = check_rebuild(campaign, spec)
        settle()  # the rebuild rewrote every Tally row

    wall, results = timed(args.repeat, lambda: every_index(campaign.pk))
    ours = ours_figures(results)
    print(
        f"\ncompute every index (CampaignResults: {len(results.units)} units, "
        f"{len(results.levels)} levels, {len(results.procedures)} procedures, the province)"
    )
    print(f"  ours                      {ms(wall)}  x{args.repeat}")
    print(f"  one more run, by part:    {parts(campaign.pk)}")

    path = tmp / "responses.csv"
    started = time.perf_counter()
    exported = export_csv(campaign, spec, path)
    print(
        f"  export to CSV             {time.perf_counter() - started:8.1f} s  ({exported} rows, "
        f"{path.stat().st_size / 1e6:.0f} MB; not part of either figure)"
    )
    totals, alone, theirs = run_duckdb(path, criteria(campaign.version), args.repeat)
    print(f"  DuckDB read CSV + query   {ms(totals)}  x{args.repeat}")
    print(f"  DuckDB query alone        {ms(alone)}")
    return summary(wall, totals, alone, ours, theirs) and same


def summary(wall: list, totals: list, alone: list, ours: Figures, theirs: Figures) -> bool:
    ratio = statistics.median(wall) / statistics.median(totals)
    differences = compare(ours, theirs)
    equal = not differences and len(theirs) == len(ours) > 0
    print()
    print(
        f"ours / DuckDB (read CSV + query): {ratio:.2f} x — target <= {TARGET_RATIO:.0f} x "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}; ours / DuckDB's query alone: "
        f"{statistics.median(wall) / statistics.median(alone):.2f} x"
    )
    print(f"equal: {'yes' if equal else 'no'} ({len(ours)} unit x criterion indices and n)")
    for line in differences[:10]:
        print(f"  {line}")
    return equal


def load() -> str:
    import os

    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=surveys.PG_URL, help="server for --db postgres")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--missing", type=float, default=0.03, help="share of optional skips")
    parser.add_argument("--form", choices=("auto", "seed", "bench"), default="auto")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each timing")
    parser.add_argument(
        "--no-rebuild", dest="rebuild", action="store_false", help="skip tallies.rebuild"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    surveys.run_in_throwaway(parser.parse_args(), "cchc-bench-survey-index-", run)


if __name__ == "__main__":
    main()
