"""Data comparison (大数据比对): store a department list and match it against the registry.

Matching is one SQL statement per direction over the whole registry under the list's region
(a hash join on the ID number, never a query per row):

- 死亡人员: every active member of an open household → a finding (a death ends the member
  only when the township confirms it);
- 低保对象 / 特困人员 / 残疾人 (应纳尽纳): a person in a household that is not registered →
  one candidate application per household, waiting for the village to take it up;
- every other kind (四类人员, 医疗费用结算, other): an active member of a registered household →
  a finding.

Findings and candidates are derived records created in bulk by one logged run (the list's
own change-log entry); they change nothing in the registry.
"""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create
from fupin.core.errors import ApplicationError
from fupin.core.jobs import Progress
from fupin.core.models import Job
from fupin.identification.bulk import insert_frame, table
from fupin.identification.choices import (
    INCLUSION_KINDS,
    ApplicationKind,
    ApplicationOrigin,
    FindingKind,
    FindingStatus,
    ListKind,
    Step,
)
from fupin.identification.lists import ListData, ListProblem, read_list
from fupin.identification.models import Application, ComparisonList, ComparisonRow, Finding, Recheck
from fupin.identification.models.workflow import CLOSED_STEPS
from fupin.identification.selectors.policy import latest_policy_year
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from fupin.registry.services.common import check_scope

ADD = "identification.add_comparisonlist"
KIND_NAME_MAX = 50  # ComparisonList.kind_name


def list_kind_parse(kind: str, name: str = "") -> tuple[str, str]:
    """(code, display name) from a code (`vehicle`) or a label (`机动车登记`); `other` needs a
    name. Anything else is refused with the list of known kinds."""
    text, name = (kind or "").strip(), (name or "").strip()
    labels = {str(label): value for value, label in ListKind.choices}
    code = text if text in ListKind.values else labels.get(text)
    if code is None:
        known = "、".join(f"{v}（{label}）" for v, label in ListKind.choices)
        raise ValidationError(
            {
                "kind": _("未知的名单类型“{kind}”。可选：{known}；其他类型请用 other 并填写名单名称").format(
                    kind=text, known=known
                )
            }
        )
    if len(name) > KIND_NAME_MAX:
        # Refused rather than cut: a name cut short would tell two lists apart wrongly.
        raise ValidationError(
            {"kind_name": _("名单名称不能超过 {max} 个字（实际 {n} 个）").format(max=KIND_NAME_MAX, n=len(name))}
        )
    if code == ListKind.OTHER:
        if not name:
            raise ValidationError({"kind_name": _("“其他”类型的名单须填写名单名称（如：村干部及亲属）")})
        return code, name
    return code, name or str(ListKind(code).label)


@transaction.atomic
def comparison_load(
    *,
    ctx: Context,
    region: Region,
    kind: str,
    kind_name: str,
    data: ListData,
    job: Any = None,
    progress: Progress | None = None,
) -> ComparisonList:
    """Store a validated list (its valid rows, counts and problems) for matching now and in
    every later re-check. Refuses a list without a single valid ID number."""
    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, ADD, region)
    if data.rows_valid == 0:
        raise ValidationError({"file": data.none_valid_message()})
    c = ComparisonList.objects.create(
        region=region,
        kind=kind,
        kind_name=kind_name,
        file_name=data.file_name[:200],
        columns=data.columns,
        rows_total=data.rows_total,
        rows_valid=data.rows_valid,
        invalid_count=data.invalid_count,
        duplicate_count=data.duplicate_count,
        problems=data.problems(),
        uploaded_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
        job=job,
    )
    if progress:
        progress.step(_("保存名单 {n} 行").format(n=data.rows_valid))
    insert_frame(table(ComparisonRow), data.frame, extra={"comparison_id": c.pk})
    log_create(ctx, c)
    return c


MATCHES = "identification_matches_tmp"


def _list_join(n: int) -> tuple[str, str]:
    """How the list rows of `n` lists meet the members: (join keyword, filter on the rows).
    SQLite has no hash join: it drives the join from one table and probes the other's index.
    For several lists (a re-check: usually every row of the table) it must read the rows in
    one pass and probe the members' ID index (`+` keeps the (comparison, line) index out, a
    table lookup per list row; CROSS JOIN keeps the rows outermost): measured 3.4 s against
    4.9 s for five lists of a million. One list (an upload) still starts from its own rows
    through that index."""
    marks = ", ".join(["%s"] * n)
    if connection.vendor == "sqlite" and n > 1:
        return "CROSS JOIN", f"+r.comparison_id IN ({marks})"
    return "JOIN", f"r.comparison_id IN ({marks})"


@contextmanager
def _parallel(cur: Any, creates: bool) -> Iterator[None]:
    """PostgreSQL: let the join that creates the matches table run with parallel workers, as
    the bare join does. CREATE TABLE … AS may use a parallel plan (INSERT … SELECT may not),
    but the planner charges every one of the half million matched rows for passing through
    the Gather and then keeps to one process: measured 7.1 s on one core against 4.3 s with
    workers. The cost is set for this statement only."""
    if not creates or connection.vendor != "postgresql":
        yield
        return
    cur.execute("SELECT current_setting('parallel_tuple_cost')")
    before = cur.fetchone()[0]
    cur.execute("SELECT set_config('parallel_tuple_cost', '0', true)")
    try:
        yield
    finally:
        cur.execute("SELECT set_config('parallel_tuple_cost', %s, true)", [before])


def _kind_key(kind: str, name: str) -> str:
    # Lists of kind "other" are as many kinds as their names (村干部及亲属, 公职人员 …).
    return f"{kind}:{name}" if kind == ListKind.OTHER else kind


def _same_kind_once(cur: Any, leads: list[ComparisonList], finding_table: str) -> None:
    """One open lead per person and kind of list (四类人员, other named lists): a vehicle list
    uploaded again, or this year's beside last year's, names the same people; a second finding
    for the same car would only double the township's queue. Matches are dropped from the
    temporary table when an earlier list of the same kind in this run names the person, or when
    another list of the kind has an open finding for them. Only kinds that more than one list
    has pay for the check (a re-check with one list per kind skips it)."""
    keys = {_kind_key(c.kind, c.kind_name) for c in leads}
    by_kind: dict[str, list[int]] = {}
    for kind, name, pk in ComparisonList.objects.filter(kind__in={c.kind for c in leads}).values_list(
        "kind", "kind_name", "pk"
    ):
        if _kind_key(kind, name) in keys:
            by_kind.setdefault(_kind_key(kind, name), []).append(pk)
    for key, all_ids in by_kind.items():
        if len(all_ids) < 2:
            continue
        here = sorted(c.pk for c in leads if _kind_key(c.kind, c.kind_name) == key)
        for n, pk in enumerate(here):
            earlier = here[:n] or [0]
            others = [o for o in all_ids if o != pk]
            cur.execute(
                f"""DELETE FROM {MATCHES} WHERE comparison_id = %s AND (
                        member_id IN (SELECT member_id FROM {MATCHES}
                                      WHERE comparison_id IN ({", ".join(["%s"] * len(earlier))}))
                        OR member_id IN (SELECT member_id FROM {finding_table} WHERE status = %s
                                         AND comparison_id IN ({", ".join(["%s"] * len(others))})))""",
                [pk, *earlier, FindingStatus.OPEN, *others],
            )


def comparison_match(*, comparison: ComparisonList, recheck: Recheck | None = None) -> dict[str, int]:
    """Match one stored list against the registry as it is now (see comparisons_match)."""
    return comparisons_match(comparisons=[comparison], recheck=recheck)


def comparisons_match(*, comparisons: list[ComparisonList], recheck: Recheck | None = None) -> dict[str, int]:
    """Match stored lists against the registry as it is now, each within its own region, and
    store each list's counts; returns the totals. One hash join for all the lists puts the
    matches in a temporary table; counts, findings and candidates are then read from it.
    Matching a list again files no lead twice (findings carry a fingerprint, a household has
    at most one open case), nor does another list of the same kind while a lead is open."""
    if not comparisons:
        return {"matched": 0, "unmatched": 0, "findings": 0, "candidates": 0}
    t = {
        name: table(model)
        for name, model in (
            ("row", ComparisonRow),
            ("member", Member),
            ("household", Household),
            ("region", Region),
            ("finding", Finding),
            ("application", Application),
            ("list", ComparisonList),
        )
    }
    ids = [c.pk for c in comparisons]
    marks = ", ".join(["%s"] * len(ids))
    now = timezone.now()
    totals = {"matched": 0, "unmatched": 0, "findings": 0, "candidates": 0}
    with transaction.atomic(), connection.cursor() as cur:
        # Locked until the end of the transaction: two matches of the same list one after
        # the other, never at once (the findings below rely on it).
        list(ComparisonList.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        cur.execute(f"DROP TABLE IF EXISTS {MATCHES}")
        # One join per region the lists cover (usually one: the district), the region as a
        # constant prefix: a join condition between the list's region and the household's
        # led PostgreSQL into a nested loop over region pairs (measured 25 s of 28 s).
        by_path: dict[str, list[int]] = {}
        paths = dict(Region.objects.filter(pk__in={c.region_id for c in comparisons}).values_list("pk", "path"))
        for c in comparisons:
            by_path.setdefault(paths[c.region_id], []).append(c.pk)
        for n, (path, group) in enumerate(sorted(by_path.items())):
            head = f"CREATE TEMPORARY TABLE {MATCHES} AS" if n == 0 else f"INSERT INTO {MATCHES}"
            join, rows = _list_join(len(group))
            with _parallel(cur, n == 0):
                cur.execute(
                    f"""{head}
                        SELECT r.comparison_id, r.id AS row_id, m.id AS member_id, h.id AS household_id,
                               h.region_id, CASE WHEN h.registered THEN 1 ELSE 0 END AS registered
                        FROM {t["row"]} r
                        {join} {t["member"]} m ON m.id_number = r.id_number AND m.ended_on IS NULL
                        JOIN {t["household"]} h ON h.id = m.household_id AND h.closed_on IS NULL
                        JOIN {t["region"]} g ON g.id = h.region_id
                        WHERE {rows} AND g.path LIKE %s""",
                    [*group, path + "%"],
                )
        # An ID number matches one active member (unique among the active): distinct members
        # are the distinct ID numbers matched.
        cur.execute(f"SELECT comparison_id, COUNT(DISTINCT member_id) FROM {MATCHES} GROUP BY comparison_id")
        matched = dict(cur.fetchall())
        # 死亡人员 concern everyone in the registry; 四类人员 and other lists the registered.
        leads = [c.pk for c in comparisons if c.kind not in INCLUSION_KINDS]
        _same_kind_once(cur, [c for c in comparisons if c.pk in leads], t["finding"])
        if leads:
            # One finding per list and person: when a list names someone twice its first row
            # is the evidence (grouping only then: 0.5 s for 400,000 matches). In fingerprint
            # order, so that the unique index grows at its end instead of taking 320,000
            # inserts at random places (3.0 s against 3.6 s); PostgreSQL sorts the ASCII text
            # bytewise, in the same order as the column's collation but cheaper.
            # PostgreSQL leaves out the leads filed before by an anti-join rather than ON
            # CONFLICT, whose speculative insertion costs another second for 320,000 rows:
            # safe because the lists are locked above, so no other match of them runs
            # meanwhile. SQLite checks the unique index on insertion anyway.
            fingerprint = "'L' || CAST(x.comparison_id AS VARCHAR(20)) || ':' || CAST(x.member_id AS VARCHAR(20))"
            pg = connection.vendor == "postgresql"
            repeats = any(c.duplicate_count for c in comparisons if c.pk in leads)
            new_only = f"AND NOT EXISTS (SELECT 1 FROM {t['finding']} f WHERE f.fingerprint = {fingerprint})"
            grouped = "GROUP BY x.comparison_id, x.member_id, x.household_id, x.region_id, c.kind" if repeats else ""
            cur.execute(
                f"""INSERT INTO {t["finding"]} (region_id, kind, household_id, member_id, other_member_id, list_kind,
                        comparison_id, row_id, recheck_id, evidence, fingerprint, status, note, decided_by_id,
                        decided_at, application_id, created)
                    SELECT x.region_id, %s, x.household_id, x.member_id, NULL, c.kind, x.comparison_id,
                           {"MIN(x.row_id)" if repeats else "x.row_id"}, %s, '{{}}', {fingerprint}, %s, '', NULL, NULL,
                           NULL, %s
                    FROM {MATCHES} x JOIN {t["list"]} c ON c.id = x.comparison_id
                    WHERE x.comparison_id IN ({", ".join(["%s"] * len(leads))})
                      AND (x.registered = 1 OR c.kind = %s) {new_only if pg else ""}
                    {grouped}
                    ORDER BY {f'{fingerprint} COLLATE "C"' if pg else "11"}
                    {"" if pg else "ON CONFLICT DO NOTHING"}""",
                [
                    FindingKind.LIST_MATCH,
                    recheck.pk if recheck else None,
                    FindingStatus.OPEN,
                    now,
                    *leads,
                    ListKind.DEATH,
                ],
            )
            totals["findings"] = max(cur.rowcount, 0)
        closed = ", ".join(f"'{s}'" for s in CLOSED_STEPS)
        for c in comparisons:
            if c.kind not in INCLUSION_KINDS:
                continue
            # 应纳尽纳: one candidate per household not on the roll, unless a case is open.
            cur.execute(
                f"""INSERT INTO {t["application"]} (household_id, kind, origin, year, attribute, main_cause,
                        other_causes, standard, reason, step, step_since, proposed_by_id, comparison_id,
                        member_id, created)
                    SELECT x.household_id, %s, %s, %s, '', '', '', '', %s, %s, %s, NULL, %s, MIN(x.member_id), %s
                    FROM {MATCHES} x
                    WHERE x.comparison_id = %s AND x.registered = 0
                      AND NOT EXISTS (SELECT 1 FROM {t["application"]} a
                                      WHERE a.household_id = x.household_id AND a.step NOT IN ({closed}))
                    GROUP BY x.household_id
                    ON CONFLICT DO NOTHING""",
                [
                    ApplicationKind.ADMISSION,
                    ApplicationOrigin.COMPARISON,
                    recheck.year if recheck is not None else latest_policy_year(),
                    _("{kind}名单比对：应纳尽纳候选").format(kind=c.kind_name)[:300],
                    Step.CANDIDATE,
                    now,
                    c.pk,
                    now,
                    c.pk,
                ],
            )
            totals["candidates"] += max(cur.rowcount, 0)
        cur.execute(f"DROP TABLE {MATCHES}")
        cur.execute(
            f"SELECT comparison_id, COUNT(*) FROM {t['finding']} WHERE comparison_id IN ({marks}) "
            "GROUP BY comparison_id",
            ids,
        )
        found = dict(cur.fetchall())
        cur.execute(
            f"SELECT comparison_id, COUNT(*) FROM {t['application']} WHERE comparison_id IN ({marks}) "
            "GROUP BY comparison_id",
            ids,
        )
        proposed = dict(cur.fetchall())
    for c in comparisons:
        # Distinct ID numbers of the list: known since it was read (valid rows minus repeats).
        hit = matched.get(c.pk, 0)
        miss = c.rows_valid - c.duplicate_count - hit
        totals["matched"] += hit
        totals["unmatched"] += miss
        ComparisonList.objects.filter(pk=c.pk).update(
            matched=hit, unmatched=miss, findings=found.get(c.pk, 0), candidates=proposed.get(c.pk, 0)
        )
    return totals


def comparison_run_file(
    *,
    ctx: Context,
    path: Path,
    file_name: str,
    region: Region,
    kind: str,
    kind_name: str = "",
    job: Any = None,
    progress: Progress | None = None,
) -> ComparisonList:
    """Read, store and match one uploaded list (the `compare` job and `fupin compare`).
    A list that cannot be used at all raises ApplicationError with the reason; nothing is
    stored then."""
    kind, kind_name = list_kind_parse(kind, kind_name)
    progress = progress or Progress(Job(kind="compare"))
    # Three stages of comparable weight: read and check, store, match.
    progress.start(3, _("读取名单 {name}").format(name=file_name))
    try:
        data = read_list(path, file_name=file_name)
    except ListProblem as exc:
        raise ApplicationError(exc.message) from exc
    progress.advance(1)
    with transaction.atomic():
        try:
            c = comparison_load(
                ctx=ctx, region=region, kind=kind, kind_name=kind_name, data=data, job=job, progress=progress
            )
        except ValidationError as exc:
            raise ApplicationError("；".join(exc.messages)) from exc
        progress.advance(1)
        progress.step(_("与农户库比对"))
        comparison_match(comparison=c)
        progress.advance(1)
    c.refresh_from_db()
    return c
