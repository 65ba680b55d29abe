"""Duplicate checks over the registry, set-based (one query per check, then polars).

- 证件号码重复: an active member whose ID number belongs to a member ended as dead (or settled
  abroad) — the same person cannot be both;
- 一人多户: the same name, birth date and sex active in two households;
- 疑似重复人员: the same birth date and sex, and names that sound alike although written
  differently. Names are reduced to tone-less pinyin per character (pypinyin), so homophones
  and variant characters meet; the initials zh/ch/sh ~ z/c/s and n ~ l, and the finals
  -ng ~ -n, are folded as well, because they are confused in Hunan speech and in records
  typed from it.

Pairs are only reported when at least one of the two households is registered. Each pair is
one finding (fingerprinted, so a re-run files it once). Nothing in the registry changes.
"""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

import datetime as dt
import importlib
import re
import threading
from functools import lru_cache

import polars as pl
from django.db import connection
from django.utils import timezone

from fupin.identification.bulk import fetch_frame, table
from fupin.identification.choices import FindingKind, FindingStatus
from fupin.identification.models import Finding, Recheck
from fupin.regions.models import Region
from fupin.registry.choices import MemberChangeReason
from fupin.registry.models import Household, Member

GONE_REASONS = (MemberChangeReason.DEATH, MemberChangeReason.EMIGRATED)
_FOLDS = [(re.compile(r"^([zcs])h"), r"\1"), (re.compile(r"^l"), "n"), (re.compile(r"ng$"), "n")]


def sounds_preload() -> threading.Thread:
    """Import pypinyin (half a second of loading its dictionaries) in a thread, so that a
    re-check does it while its first statements run in the database, not on its own."""
    thread = threading.Thread(target=importlib.import_module, args=("pypinyin",), daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=65536)
def char_sound(ch: str) -> str:
    """Tone-less, dialect-folded pinyin of one character ("" for punctuation such as ·)."""
    from pypinyin import Style, lazy_pinyin

    if not ch.strip() or ch in "·•.．-—":
        return ""
    syllable = lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0].lower()
    if not syllable.isascii():  # not a Chinese character: keep it as written
        return syllable
    for pattern, repl in _FOLDS:
        syllable = pattern.sub(repl, syllable)
    return syllable


def sound_key(name: str) -> str:
    return " ".join(s for s in (char_sound(ch) for ch in name) if s)


def _sound_keys(names: pl.Series) -> pl.Series:
    """Sound keys for a column of names, computing pinyin once per distinct character."""
    chars = names.str.split("").explode().unique().drop_nulls().to_list()
    mapping = {c: char_sound(c) for c in chars}
    return (
        names.str.split("")
        .list.eval(pl.element().replace_strict(mapping, default="", return_dtype=pl.String))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.join(" ")
    )


def _members(prefix: str) -> pl.DataFrame:
    sql = f"""
        SELECT m.id, m.household_id, h.region_id, CASE WHEN h.registered THEN 1 ELSE 0 END,
               m.name, CAST(m.birth_date AS VARCHAR(10)), m.sex
        FROM {table(Member)} m
        JOIN {table(Household)} h ON h.id = m.household_id AND h.closed_on IS NULL
        JOIN {table(Region)} g ON g.id = h.region_id
        WHERE m.ended_on IS NULL AND g.path LIKE %s"""
    schema = {
        "id": pl.Int64,
        "household_id": pl.Int64,
        "region_id": pl.Int64,
        "registered": pl.Int8,
        "name": pl.String,
        "birth_date": pl.String,
        "sex": pl.String,
    }
    frame = fetch_frame(sql, [prefix], schema)
    return frame.with_columns(pl.col("registered") == 1)


def _pairs(members: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Pairs of members sharing `keys`, in different households, at least one registered."""
    # One hashing pass over the keys (measured 0.17 s for a million members, against 0.6 s
    # for counting the groups and semi-joining them back).
    candidates = members.filter(pl.struct(keys).is_duplicated())
    pairs = candidates.join(candidates, on=keys, suffix="_b")
    return pairs.filter(
        (pl.col("id") < pl.col("id_b"))
        & (pl.col("household_id") != pl.col("household_id_b"))
        & (pl.col("registered") | pl.col("registered_b"))
    )


def _insert(rows: list[Finding]) -> int:
    """Store the pairs not filed before; returns how many were new. Counted through the
    fingerprints of these pairs (a few thousand index probes), not by counting the whole
    finding table before and after (two scans of a table a re-check fills by the hundred
    thousand)."""
    prints = [f.fingerprint for f in rows]
    known = sum(
        Finding.objects.filter(fingerprint__in=prints[i : i + 2000]).count() for i in range(0, len(prints), 2000)
    )
    Finding.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    known_after = sum(
        Finding.objects.filter(fingerprint__in=prints[i : i + 2000]).count() for i in range(0, len(prints), 2000)
    )
    return known_after - known


def duplicates_find(
    *, region: Region, recheck: Recheck | None = None, people: pl.DataFrame | None = None
) -> dict[str, int]:
    """Run the three checks under `region`; returns the number of new findings per kind.
    `people` (selectors.snapshots.open_members_frame of the same region, as a re-check has
    read it already) saves reading the members again."""
    prefix = Region.objects.values_list("path", flat=True).get(pk=region.pk) + "%"
    now = timezone.now()
    counts = {FindingKind.DUPLICATE_ID.value: _gone_ids(prefix, recheck, now)}
    if people is None:
        members = _members(prefix)
    else:
        members = people.filter(pl.col("active")).select(
            pl.col("member_id").alias("id"),
            "household_id",
            "region_id",
            "registered",
            "name",
            pl.col("birth_date").cast(pl.String),
            "sex",
        )
    if members.height == 0:
        return {**counts, FindingKind.TWO_HOUSEHOLDS.value: 0, FindingKind.LIKELY_DUPLICATE.value: 0}

    exact = _pairs(members, ["name", "birth_date", "sex"])
    counts[FindingKind.TWO_HOUSEHOLDS.value] = _insert(
        [_pair_finding(FindingKind.TWO_HOUSEHOLDS, "T", r, recheck, now) for r in exact.iter_rows(named=True)]
    )

    # Names repeat a lot: work out each distinct name's sound once.
    names = members.select(pl.col("name").unique())
    names = names.with_columns(_sound_keys(names["name"]).alias("sound"))
    members = members.join(names, on="name", how="left")
    alike = _pairs(members, ["sound", "birth_date", "sex"]).filter(pl.col("name") != pl.col("name_b"))
    counts[FindingKind.LIKELY_DUPLICATE.value] = _insert(
        [_pair_finding(FindingKind.LIKELY_DUPLICATE, "S", r, recheck, now) for r in alike.iter_rows(named=True)]
    )
    return counts


def _pair_finding(kind: str, tag: str, r: dict, recheck: Recheck | None, now: dt.datetime) -> Finding:
    return Finding(
        region_id=r["region_id"],
        kind=kind,
        household_id=r["household_id"],
        member_id=r["id"],
        other_member_id=r["id_b"],
        recheck=recheck,
        status=FindingStatus.OPEN,
        created=now,
        fingerprint=f"{tag}{r['id']}:{r['id_b']}",
        evidence={
            "name": r["name"],
            "other_name": r.get("name_b", r["name"]),
            "birth_date": r["birth_date"],
            "other_household_id": r["household_id_b"],
        },
    )


def _gone_ids(prefix: str, recheck: Recheck | None, now: dt.datetime) -> int:
    """Active members whose ID number also belongs to a member ended as dead or emigrated."""
    gone = ", ".join(f"'{r}'" for r in GONE_REASONS)
    # Driven from the few ended members: SQLite would otherwise probe the ID index once per
    # active member (CROSS JOIN fixes its loop order; PostgreSQL plans a hash join itself).
    join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
    sql = f"""
        INSERT INTO {table(Finding)} (region_id, kind, household_id, member_id, other_member_id, list_kind,
            comparison_id, row_id, recheck_id, evidence, fingerprint, status, note, decided_by_id, decided_at,
            application_id, created)
        SELECT h.region_id, %s, h.id, m.id, e.id, '', NULL, NULL, %s, '{{}}',
               %s || CAST(m.id AS VARCHAR(20)) || ':' || CAST(e.id AS VARCHAR(20)), %s, '', NULL, NULL, NULL, %s
        FROM {table(Member)} e
        {join} {table(Member)} m ON m.id_number = e.id_number AND m.ended_on IS NULL
        JOIN {table(Household)} h ON h.id = m.household_id AND h.closed_on IS NULL
        JOIN {table(Region)} g ON g.id = h.region_id
        WHERE e.ended_on IS NOT NULL AND e.end_reason IN ({gone}) AND g.path LIKE %s
        ON CONFLICT DO NOTHING"""
    with connection.cursor() as cur:
        cur.execute(
            sql, [FindingKind.DUPLICATE_ID, recheck.pk if recheck else None, "D", FindingStatus.OPEN, now, prefix]
        )
        return max(cur.rowcount, 0)
