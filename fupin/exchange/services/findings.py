"""The verification list (核查清单): the findings of the queue as the page filtered them,
one row each, for the village cadres who check on site and for the township's file.

The list leaves the system on paper, so it never holds a full ID number (masked whatever the
reader's rights), a phone or account number, nor a health or bank column of a department
list (see fupin.identification.evidence). Read set-based: one query with its joins streamed
in chunks straight into the writer, so a re-check of hundreds of thousands of findings
writes in constant memory.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from itertools import batched
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.exchange.writing import write_csv, write_xlsx
from fupin.identification.choices import FindingKind, FindingStatus, ListKind
from fupin.identification.evidence import EVIDENCE_LABELS, list_evidence_for_print, scrub
from fupin.identification.models import Finding
from fupin.identification.selectors.queue import VIEW_FINDING
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Member
from fupin.utils.masking import mask_id

CHUNK = 2000
FIELDS = (
    "region__path",
    "household__code",
    "head_name",
    "member__name",
    "member__id_number",
    "kind",
    "list_kind",
    "comparison__kind_name",
    "comparison__file_name",
    "recheck_id",
    "row__evidence",
    "evidence",
    "other_member__name",
    "other_member__household__code",
    "status",
    "created",
)
_EVIDENCE_ORDER = {key: i for i, key in enumerate(EVIDENCE_LABELS)}


def findings_header() -> list[str]:
    return [
        _("序号"),
        _("乡镇"),
        _("村"),
        _("户编号"),
        _("户主姓名"),
        _("成员姓名"),
        _("证件号码"),
        _("线索类型"),
        _("名单/来源"),
        _("证据"),
        _("状态"),
        _("发现日期"),
        # Left empty: the cadre fills them in on site.
        _("核查结果"),
        _("核查人"),
        _("核查日期"),
        _("说明"),
    ]


def findings_title(*, user: Any, region: Region | None, today: dt.date | None = None) -> str:
    """区域 + 核查清单 + date: the filtered region, else the user's one region of scope."""
    day = (today or timezone.localdate()).isoformat()
    name = region.name if region is not None else ""
    if not name and user is not None and not getattr(user, "is_superuser", False):
        paths = scope_paths(user, VIEW_FINDING)
        if len(paths) == 1:
            name = Region.objects.filter(path=paths[0]).values_list("name", flat=True).first() or ""
    return _("{region}核查清单（{date}）").format(region=name, date=day)


class _Places:
    """Township and village names of region paths, read once per chunk for the ancestors not
    yet known (a finding's region is a village or a group under one)."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, str]] = {}

    def load(self, paths: set[str]) -> None:
        step = Region.steplen
        wanted = {p[:i] for p in paths for i in range(step, len(p) + 1, step)} - self.known.keys()
        if not wanted:
            return
        rows = Region.objects.filter(
            path__in=wanted, level__in=(RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
        ).values_list("path", "level", "name")
        self.known.update({p: (0, "") for p in wanted})
        self.known.update({path: (level, name) for path, level, name in rows})

    def of(self, path: str) -> tuple[str, str]:
        """(township, village) names for a region path."""
        step = Region.steplen
        names = {RegionLevel.TOWNSHIP: "", RegionLevel.VILLAGE: ""}
        for i in range(step, len(path) + 1, step):
            level, name = self.known.get(path[:i], (0, ""))
            if level in names:
                names[RegionLevel(level)] = name
        return names[RegionLevel.TOWNSHIP], names[RegionLevel.VILLAGE]


class _Words:
    """The translated words a row is made of, looked up once per export rather than once a
    row (gettext cost more than writing the row)."""

    def __init__(self) -> None:
        self.kinds = {k: str(v) for k, v in FindingKind.choices}
        self.statuses = {k: str(v) for k, v in FindingStatus.choices}
        self.lists = {k: str(v) for k, v in ListKind.choices}
        self.labels = {k: str(v) for k, v in EVIDENCE_LABELS.items()}
        self.list_file, self.recheck = _("{name}（{file}）"), _("回头看 #{pk}")
        self.pair, self.sep = _("{label}：{value}"), _("；")

    def source(self, r: dict[str, Any]) -> str:
        if r["comparison__kind_name"] or r["comparison__file_name"]:
            return self.list_file.format(name=r["comparison__kind_name"], file=r["comparison__file_name"])
        if r["list_kind"]:
            return self.lists.get(r["list_kind"], r["list_kind"])
        if r["recheck_id"]:
            return self.recheck.format(pk=r["recheck_id"])
        return ""

    def evidence(self, r: dict[str, Any]) -> str:
        if r["row__evidence"] is not None:
            pairs = list_evidence_for_print(r["row__evidence"], r["list_kind"])
        else:
            pairs = []
            items = sorted(
                (r["evidence"] or {}).items(), key=lambda kv: _EVIDENCE_ORDER.get(kv[0], len(_EVIDENCE_ORDER))
            )
            for key, value in items:
                if key == "other_household_id":
                    value = r["other_member__household__code"] or ""  # the code people know, not the row id
                elif key == "policy" and value is not None:
                    value = f"v{value}"
                pairs.append((self.labels.get(key, key), scrub(value)))
        return self.sep.join(self.pair.format(label=k, value=v) for k, v in pairs if v != "")


def finding_rows(findings: QuerySet[Finding], *, progress: Callable[[int], None] | None = None) -> Iterator[list[Any]]:
    """One row per finding of `findings` (already scoped, filtered and ordered)."""
    head = Member.objects.filter(household=OuterRef("household_id"), relation="01", ended_on__isnull=True)
    rows = findings.annotate(head_name=Subquery(head.values("name")[:1])).values(*FIELDS)
    places = _Places()
    words = _Words()
    n = 0
    for chunk in batched(rows.iterator(chunk_size=CHUNK), CHUNK):
        places.load({r["region__path"] for r in chunk})
        for r in chunk:
            n += 1
            township, village = places.of(r["region__path"])
            member = r["member__name"] or ""
            if r["other_member__name"]:
                member = f"{member} / {r['other_member__name']}" if member else r["other_member__name"]
            yield [
                n,
                township,
                village,
                r["household__code"],
                r["head_name"] or "",
                member,
                mask_id(r["member__id_number"]),  # always masked: the list goes to village cadres
                words.kinds.get(r["kind"], r["kind"]),
                words.source(r),
                words.evidence(r),
                words.statuses.get(r["status"], r["status"]),
                timezone.localtime(r["created"]).date(),
                None,
                None,
                None,
                None,
            ]
        if progress is not None:
            progress(len(chunk))


def findings_export(
    target: Path | io.BytesIO,
    *,
    findings: QuerySet[Finding],
    fmt: str,
    title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the verification list as xlsx (title row, header, rows) or CSV (header, rows);
    returns the number of findings written."""
    rows = finding_rows(findings, progress=progress)
    if fmt == "csv":
        return write_csv(target, header=findings_header(), rows=rows)
    return write_xlsx(target, sheet=_("核查清单"), title=title, header=findings_header(), rows=rows)


def findings_filter_all(
    *, region: Region | None = None, status: str = "open", kinds: list[str] | None = None
) -> QuerySet[Finding]:
    """The command line's unscoped selection (the server operator's), ordered as the queue."""
    qs = Finding.objects.all()
    if status and status != "all":
        qs = qs.filter(status=status)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if region is not None:
        qs = qs.filter(Q(region__path__startswith=region.path))
    return qs.order_by("region__path", "household_id", "pk")
