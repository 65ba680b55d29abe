"""Department-data screening (行业部门筛查预警): a medical settlement, disaster or accident list
joined by ID number against the monitoring population, in columns.

Medical: a household whose members' 个人自付 in the list adds up to more than the policy's
amount, or to more than its share of the household's net income, raises one alert. Disaster
and accident lists: every household with a listed member raises one alert. Screening is
idempotent: one alert per list and household, whatever the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.monitoring.choices import AlertSource, DisasterKind, ListKind, ListStatus, RiskKind
from fupin.monitoring.models import Alert, DepartmentList
from fupin.monitoring.screening.frames import alerts_insert, incomes_frame, members_frame, policies_frame, yuan
from fupin.monitoring.screening.reader import read_list
from fupin.monitoring.services.common import log_changed, snap
from fupin.utils.money import fmt

# Words in a disaster list's type column → the 因自然灾害 sub-item.
DISASTER_WORDS = (
    (DisasterKind.FLOOD, ("洪", "涝", "水灾")),
    (DisasterKind.GEOLOGICAL, ("地质", "滑坡", "泥石流", "崩塌", "塌陷")),
    (DisasterKind.DROUGHT, ("旱",)),
    (DisasterKind.BIOLOGICAL, ("虫", "病害", "生物", "疫")),
    (DisasterKind.WEATHER, ("风", "雹", "雪", "冻", "雷", "气象", "寒")),
    (DisasterKind.EARTHQUAKE, ("地震",)),
)


@dataclass
class ListScreening:
    rows: int
    matched_persons: int
    matched_households: int
    alerts: int  # new procedures
    attached: int = 0  # signals that joined a household's open alert


def disaster_kind(text: str) -> str:
    for kind, words in DISASTER_WORDS:
        if any(w in (text or "") for w in words):
            return kind
    return DisasterKind.OTHER


def list_frame(dl: DepartmentList) -> pl.DataFrame:
    """The list in columns: its normalised copy from the upload, else the file read again."""
    if dl.columns_file:
        with dl.columns_file.open("rb") as fh:
            return pl.read_parquet(fh)
    return read_list(Path(dl.file.path), kind=dl.kind, filename=dl.original_name).frame


def _per_household(frame: pl.DataFrame, dl: DepartmentList) -> tuple[pl.DataFrame, int]:
    """The list joined to the population's members by ID number and summed per household in
    one pass (region, persons, rows, amounts, first and last date, event); also how many
    listed people matched."""
    wanted = [c for c in ("id_number", "out_of_pocket", "total_cost", "loss", "date", "event") if c in frame.columns]
    joined = frame.select(wanted).join(members_frame([dl.region.path]), on="id_number", how="inner")
    aggs = [pl.col("region_id").first(), pl.col("id_number").n_unique().alias("persons"), pl.len().alias("rows")]
    aggs += [pl.col(c).sum() for c in ("out_of_pocket", "total_cost", "loss") if c in joined.columns]
    if "date" in joined.columns:
        aggs += [pl.col("date").min().alias("first"), pl.col("date").max().alias("last")]
    if "event" in joined.columns:
        aggs.append(pl.col("event").drop_nulls().first())
    matched = joined["id_number"].n_unique() if joined.height else 0
    return joined.group_by("household_id").agg(aggs), matched


def _medical_rows(per_household: pl.DataFrame, dl: DepartmentList) -> list[dict[str, Any]]:
    incomes = incomes_frame(dl.year)
    policies, _chosen = policies_frame(per_household["region_id"].unique().to_list(), dl.year)
    frame = per_household.join(incomes, on="household_id", how="left").join(policies, on="region_id", how="inner")
    over_amount = pl.col("out_of_pocket") > pl.col("amount_cents")
    # Share of net income, in integers: oop × 10000 > share(bp) × net.
    over_share = (pl.col("net_cents") > 0) & (
        pl.col("out_of_pocket") * 10000 > pl.col("share_bp") * pl.col("net_cents")
    )
    hits = frame.with_columns(over_amount.alias("by_amount"), over_share.fill_null(False).alias("by_share")).filter(
        pl.col("by_amount") | pl.col("by_share")
    )
    rows = []
    for r in hits.iter_rows(named=True):
        rules = [name for name in ("amount", "share") if r[f"by_{name}"]]
        evidence = {
            "kind": ListKind.MEDICAL,
            "list": dl.pk,
            "list_title": dl.title,
            "rows": r["rows"],
            "persons": r["persons"],
            "out_of_pocket": yuan(r["out_of_pocket"]),
            "total_cost": yuan(r.get("total_cost")),
            "income_year": r["year"],
            "net_income": yuan(r["net_cents"]),
            "rules": rules,
            "amount_threshold": yuan(r["amount_cents"]),
            "share_threshold": f"{r['share_bp'] / 10000:.4f}",
            "first": r.get("first"),
            "last": r.get("last"),
            "policy": r["policy_id"],
        }
        if r["net_cents"] and r["net_cents"] > 0:
            evidence["share"] = f"{r['out_of_pocket'] / r['net_cents']:.4f}"
        rows.append(
            {
                "region_id": r["region_id"],
                "household_id": r["household_id"],
                "source": AlertSource.DEPARTMENT,
                "department_list_id": dl.pk,
                "risk_hint": RiskKind.ILLNESS,
                "evidence": evidence,
                "days": r["days"],
                "dedup_key": f"list:{dl.pk}:{r['household_id']}",
            }
        )
    return rows


def _event_rows(per_household: pl.DataFrame, dl: DepartmentList) -> list[dict[str, Any]]:
    policies, _chosen = policies_frame(per_household["region_id"].unique().to_list(), dl.year)
    frame = per_household.join(policies.select("region_id", "days", "policy_id"), on="region_id", how="inner")
    hint = RiskKind.DISASTER if dl.kind == ListKind.DISASTER else RiskKind.ACCIDENT
    rows = []
    for r in frame.iter_rows(named=True):
        evidence = {
            "kind": dl.kind,
            "list": dl.pk,
            "list_title": dl.title,
            "rows": r["rows"],
            "persons": r["persons"],
            "loss": yuan(r.get("loss")),
            "event": r.get("event") or "",
            "first": r.get("first"),
            "last": r.get("last"),
            "policy": r["policy_id"],
        }
        if dl.kind == ListKind.DISASTER:
            evidence["disaster_kind"] = disaster_kind(r.get("event") or "")
        rows.append(
            {
                "region_id": r["region_id"],
                "household_id": r["household_id"],
                "source": AlertSource.DEPARTMENT,
                "department_list_id": dl.pk,
                "risk_hint": hint,
                "evidence": evidence,
                "days": r["days"],
                "dedup_key": f"list:{dl.pk}:{r['household_id']}",
            }
        )
    return rows


@transaction.atomic
def screen_list(*, ctx: Context, dl: DepartmentList) -> ListScreening:
    """Screen one list; a re-run adds only alerts for households not alerted by it before."""
    dl = DepartmentList.objects.select_for_update().select_related("region").get(pk=dl.pk)
    frame = list_frame(dl)
    per_household, matched = _per_household(frame, dl)
    rows = _medical_rows(per_household, dl) if dl.kind == ListKind.MEDICAL else _event_rows(per_household, dl)
    done = set(Alert.objects.filter(department_list=dl).values_list("household_id", flat=True))
    new = [r for r in rows if r["household_id"] not in done]
    inserted = alerts_insert(ctx, new, today=timezone.localdate())
    before = snap(dl)
    dl.status, dl.screened_at, dl.matched_persons = ListStatus.SCREENED, timezone.now(), matched
    dl.alerts_created = len(done) + inserted.total
    dl.save()
    log_changed(ctx, dl, before)
    return ListScreening(
        rows=frame.height,
        matched_persons=matched,
        matched_households=per_household.height,
        alerts=inserted.opened,
        attached=inserted.attached,
    )


def evidence_summary(evidence: dict[str, Any]) -> str:
    """One sentence for an alert's department or income evidence."""
    kind = evidence.get("kind")
    if kind == ListKind.MEDICAL:
        parts = [
            _("{title}：{n} 人 {rows} 笔结算，个人自付合计 {oop} 元").format(
                title=evidence.get("list_title", ""),
                n=evidence.get("persons"),
                rows=evidence.get("rows"),
                oop=fmt(_dec(evidence.get("out_of_pocket"))),
            )
        ]
        if "amount" in (evidence.get("rules") or []):
            parts.append(_("超过预警金额 {a} 元").format(a=fmt(_dec(evidence.get("amount_threshold")))))
        if "share" in (evidence.get("rules") or []):
            parts.append(
                _("占 {y} 年家庭纯收入 {net} 元的 {p}，超过 {t}").format(
                    y=evidence.get("income_year"),
                    net=fmt(_dec(evidence.get("net_income"))),
                    p=_percent(evidence.get("share")),
                    t=_percent(evidence.get("share_threshold")),
                )
            )
        return "，".join(parts)
    if kind in (ListKind.DISASTER, ListKind.ACCIDENT):
        text = _("{title}：{n} 人在名单中").format(title=evidence.get("list_title", ""), n=evidence.get("persons"))
        if evidence.get("event"):
            text += _("（{e}）").format(e=evidence["event"])
        if evidence.get("loss") not in (None, "0.00"):
            text += _("，损失 {a} 元").format(a=fmt(_dec(evidence.get("loss"))))
        return text
    if kind == "income":
        parts = [_("{y} 年人均纯收入 {cur} 元").format(y=evidence.get("year"), cur=fmt(_dec(evidence.get("current"))))]
        if "drop" in (evidence.get("rules") or []):
            parts.append(
                _("比上年 {prev} 元下降 {p}，超过 {t}").format(
                    prev=fmt(_dec(evidence.get("previous"))),
                    p=_percent(evidence.get("drop")),
                    t=_percent(evidence.get("drop_threshold")),
                )
            )
        if "line" in (evidence.get("rules") or []):
            parts.append(_("低于监测线 {line} 元").format(line=fmt(_dec(evidence.get("line")))))
        return "，".join(parts)
    return ""


def _dec(value: Any):
    from decimal import Decimal

    return Decimal(str(value)) if value not in (None, "") else None


def _percent(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"{float(value) * 100:.1f}%"
