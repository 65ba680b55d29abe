"""The consistency rules of the data-quality audit (domain.md §1, §4; issue 6 §5).

Each rule is one set-based query (two for the poverty line, one per distinct line) that
returns the offending rows as (household id, household region id, member id or None,
message key, message values). The message is rendered in the reader's language when shown
(`fupin.reports.audit.messages`), never here: a run is shared by readers of every language.
Values name no personal data (no ID numbers, no phone numbers).

Ages are taken on 1 September of the audit year (the school year starts then, as in
`fupin.assistance.selectors.plans.plan_gaps`); pairings and visits on the audit's `as_of`
day (31 December of the year, or today within the current year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Abs, Coalesce

from fupin.assistance.choices import MeasureCategory
from fupin.assistance.models import Measure, Pairing
from fupin.core.errors import ApplicationError
from fupin.identification.selectors import policies_for_regions
from fupin.regions.models import Region
from fupin.registry.choices import (
    DANGEROUS_GRADES,
    Cause,
    Health,
    LabourSkill,
    PovertyStatus,
    Relation,
    SchoolStatus,
)
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.choices import AuditRule
from fupin.reports.scope import Scope
from fupin.reports.selectors.periods import household_in_year_q, year_end
from fupin.reports.selectors.visits import overdue, with_visit_since

Params = dict[str, Any]
Row = tuple[int, int, int | None, str, Params]
MOBILE = r"^1[0-9]{10}$"
NOT_IN_SCHOOL = ("", SchoolStatus.NOT_STUDENT)


class Skip(Exception):
    """A rule that cannot run for this year (e.g. no policy): reported, not failed. Like a
    finding, the reason is a message key and values, rendered in the reader's language."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params

    def as_json(self) -> dict[str, Any]:
        return {"message": self.message, "params": self.params}


@dataclass
class AuditContext:
    scope: Scope
    year: int
    as_of: dt.date
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ref(self) -> dt.date:
        return dt.date(self.year, 9, 1)

    def born_after(self, age: int) -> dt.date:
        """Members born after this day are younger than `age` on the reference day."""
        return _years_before(self.ref, age)

    def households(self):
        """Open households of the scope (every rule looks at current records only)."""
        return self.scope.filter(Household.objects.filter(closed_on__isnull=True))

    def registered(self):
        return self.households().filter(household_in_year_q(self.year))

    def members(self):
        return self.scope.filter(
            Member.objects.filter(ended_on__isnull=True, household__closed_on__isnull=True), "household__region_id"
        )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _money(value: Any) -> str:
    """A Decimal as JSON keeps its two places as a string."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _member_rows(qs, detail: Callable[[dict[str, Any]], tuple[str, Params]], *fields: str) -> Iterator[Row]:
    for r in qs.values("pk", "household_id", "household__region_id", *fields).iterator(chunk_size=5000):
        yield r["household_id"], r["household__region_id"], r["pk"], *detail(r)


def one_head(ctx: AuditContext) -> Iterator[Row]:
    heads = Count("members", filter=Q(members__ended_on__isnull=True, members__relation=Relation.HEAD))
    for pk, region_id, n in (
        ctx.households()
        .annotate(heads=heads)
        .exclude(heads=1)
        .values_list("pk", "region_id", "heads")
        .iterator(chunk_size=5000)
    ):
        yield pk, region_id, None, AuditRule.ONE_HEAD, {"n": n}


def size(ctx: AuditContext) -> Iterator[Row]:
    """家庭人口数 of the year's record against the members in the household at the end of the
    year (the service stores the active members when it saves the record)."""
    end = year_end(ctx.year)
    at_end = (
        Member.objects.filter(
            Q(join_reason="00") | Q(joined_on__isnull=True) | Q(joined_on__lte=end),
            Q(ended_on__isnull=True) | Q(ended_on__gt=end),
            household=OuterRef("household_id"),
        )
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    facts = (
        ctx.scope.filter(
            HouseholdYear.objects.filter(year=ctx.year, household__closed_on__isnull=True), "household__region_id"
        )
        .annotate(members_n=Coalesce(Subquery(at_end, output_field=IntegerField()), 0))
        .exclude(persons=F("members_n"))
    )
    for hid, region_id, persons, n in facts.values_list(
        "household_id", "household__region_id", "persons", "members_n"
    ).iterator(chunk_size=5000):
        yield hid, region_id, None, AuditRule.SIZE, {"persons": persons, "n": n}


def education_xor_school(ctx: AuditContext) -> Iterator[Row]:
    both_or_neither = (Q(education="") & Q(school_status="")) | (~Q(education="") & ~Q(school_status=""))
    yield from _member_rows(
        ctx.members().filter(both_or_neither),
        lambda r: ("education_xor_school.both" if r["education"] else "education_xor_school.empty", {}),
        "education",
    )


def age_labour(ctx: AuditContext) -> Iterator[Row]:
    """Under 16: 无劳动力 and no public-welfare post. 16–60, healthy and not in school: not
    无/丧失/弱劳动力."""
    young = Q(birth_date__gt=ctx.born_after(16)) & (~Q(labour_skill=LabourSkill.NONE) | ~Q(welfare_post=""))
    adult = Q(
        birth_date__lte=ctx.born_after(16),
        birth_date__gt=ctx.born_after(61),
        health=Health.HEALTHY,
        school_status__in=NOT_IN_SCHOOL,
        labour_skill__in=[LabourSkill.NONE, LabourSkill.LOST, LabourSkill.WEAK],
    )

    def detail(r: dict[str, Any]) -> tuple[str, Params]:
        age = _age(r["birth_date"], ctx.ref)
        if age < 16 and r["welfare_post"]:
            return "age_labour.welfare_post", {"age": age}
        return "age_labour.skill", {"age": age, "skill": r["labour_skill"]}

    yield from _member_rows(ctx.members().filter(young | adult), detail, "birth_date", "labour_skill", "welfare_post")


def phone(ctx: AuditContext) -> Iterator[Row]:
    for pk, region_id, value in (
        ctx.households()
        .exclude(phone="")
        .exclude(phone__regex=MOBILE)
        .values_list("pk", "region_id", "phone")
        .iterator(chunk_size=5000)
    ):
        yield pk, region_id, None, "phone.household", {"n": len(value)}
    yield from _member_rows(
        ctx.members().exclude(phone="").exclude(phone__regex=MOBILE),
        lambda r: ("phone.member", {"n": len(r["phone"])}),
        "phone",
    )


def work_months(ctx: AuditContext) -> Iterator[Row]:
    bad = (
        (Q(work_status="") & Q(work_months__isnull=False))
        | (~Q(work_status="") & Q(work_months__isnull=True))
        | Q(work_months__gt=12)
    )
    yield from _member_rows(
        ctx.members().filter(bad),
        lambda r: (AuditRule.WORK_MONTHS, {"m": r["work_months"], "s": r["work_status"]}),
        "work_months",
        "work_status",
    )


def income(ctx: AuditContext) -> Iterator[Row]:
    """The per-capita net income a file stated against the one computed from the
    components: (工资 + 经营 + 财产 + 转移 − 经营支出) ÷ 家庭人口数, more than 1 yuan apart."""
    money = DecimalField(max_digits=14, decimal_places=2)
    net = F("wage_income") + F("business_income") + F("property_income") + F("transfer_income") - F("production_cost")
    facts = (
        ctx.scope.filter(
            HouseholdYear.objects.filter(
                year=ctx.year, household__closed_on__isnull=True, stated_per_capita__isnull=False, persons__gt=0
            ),
            "household__region_id",
        )
        .annotate(computed=ExpressionWrapper(net * Decimal("1.0") / F("persons"), output_field=money))
        .annotate(diff=Abs(F("stated_per_capita") - F("computed")))
        .filter(diff__gt=1)
    )
    for hid, region_id, stated, computed in facts.values_list(
        "household_id", "household__region_id", "stated_per_capita", "computed"
    ).iterator(chunk_size=5000):
        yield hid, region_id, None, AuditRule.INCOME, {"stated": str(stated), "computed": _money(computed)}


def _has_measure(categories: list[str], **years: Any) -> Exists:
    return Exists(Measure.objects.filter(household=OuterRef("pk"), category__in=categories, **years))


def illness_no_health(ctx: AuditContext) -> Iterator[Row]:
    """致贫原因含“因病” (main or other) without a health or social measure in the year."""
    ill = Q(main_cause=Cause.ILLNESS) | Q(other_causes__regex=rf"(^|,){Cause.ILLNESS.value}(,|$)")
    qs = (
        ctx.registered()
        .filter(ill)
        .filter(~_has_measure([MeasureCategory.HEALTH, MeasureCategory.SOCIAL], year=ctx.year))
    )
    for pk, region_id in qs.values_list("pk", "region_id").iterator(chunk_size=5000):
        yield pk, region_id, None, AuditRule.ILLNESS_NO_HEALTH, {"year": ctx.year}


def house_no_measure(ctx: AuditContext) -> Iterator[Row]:
    """The latest record up to the year rates the house C or D, and no housing or relocation
    measure was ever planned up to the year."""
    grade = HouseholdYear.objects.filter(household=OuterRef("pk"), year__lte=ctx.year).order_by("-year")
    qs = (
        ctx.registered()
        .annotate(grade=Subquery(grade.values("house_grade")[:1]))
        .filter(grade__in=sorted(DANGEROUS_GRADES))
        .filter(~_has_measure([MeasureCategory.HOUSING, MeasureCategory.RELOCATION], year__lte=ctx.year))
    )
    for pk, region_id, g in qs.values_list("pk", "region_id", "grade").iterator(chunk_size=5000):
        yield pk, region_id, None, AuditRule.HOUSE_NO_MEASURE, {"grade": g}


def exited_below_line(ctx: AuditContext) -> Iterator[Row]:
    """已脱贫 (exit year up to the audit year) whose per-capita net income of the year is not
    above the poverty line of its region and year, or is not recorded."""
    qs = ctx.registered().filter(status=PovertyStatus.EXITED, exit_year__lte=ctx.year)
    region_ids = list(qs.order_by().values_list("region_id", flat=True).distinct())
    try:
        policies = policies_for_regions(
            regions=Region.objects.filter(pk__in=region_ids), year=ctx.year, on=year_end(ctx.year)
        )
    except ApplicationError as exc:  # pragma: no cover — policies_for_regions reports None instead
        raise Skip("exited_below_line.no_policy", year=ctx.year) from exc
    by_line: dict[Decimal, list[int]] = {}
    for region_id, version in policies.items():
        if version is not None and version.poverty_line is not None:
            by_line.setdefault(version.poverty_line, []).append(region_id)
    if region_ids and not by_line:
        raise Skip("exited_below_line.no_policy", year=ctx.year)
    facts = HouseholdYear.objects.filter(household=OuterRef("pk"), year=ctx.year)
    for line, ids in by_line.items():
        rows = (
            qs.filter(region_id__in=ids)
            .annotate(per_capita=Subquery(facts.values("per_capita_net_income")[:1]))
            .filter(Q(per_capita__isnull=True) | Q(per_capita__lte=line))
        )
        for pk, region_id, value in rows.values_list("pk", "region_id", "per_capita").iterator(chunk_size=5000):
            if value is None:
                yield pk, region_id, None, "exited_below_line.no_income", {"year": ctx.year}
            else:
                yield pk, region_id, None, "exited_below_line.below", {"value": _money(value), "line": str(line)}


def child_not_in_school(ctx: AuditContext) -> Iterator[Row]:
    qs = ctx.members().filter(
        birth_date__lte=ctx.born_after(6), birth_date__gt=ctx.born_after(16), school_status__in=NOT_IN_SCHOOL
    )
    yield from _member_rows(
        qs, lambda r: (AuditRule.CHILD_NOT_IN_SCHOOL, {"age": _age(r["birth_date"], ctx.ref)}), "birth_date"
    )


def no_cadre(ctx: AuditContext) -> Iterator[Row]:
    active = Pairing.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=ctx.as_of),
        Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.as_of),
        household=OuterRef("pk"),
    )
    for pk, region_id in (
        ctx.registered().filter(~Exists(active)).values_list("pk", "region_id").iterator(chunk_size=5000)
    ):
        yield pk, region_id, None, AuditRule.NO_CADRE, {}


def overdue_visit(ctx: AuditContext) -> Iterator[Row]:
    try:
        qs = with_visit_since(overdue(ctx.registered(), ctx.as_of), ctx.as_of)
    except ApplicationError as exc:  # the only one overdue() raises: no visit-frequency policy
        raise Skip("overdue_visit.no_policy", year=ctx.as_of.year) from exc
    rows = qs.values_list("pk", "region_id", "visit_since")  # type: ignore[misc]  # an annotation of overdue()
    for pk, region_id, since in rows.iterator(chunk_size=5000):
        if since is None:
            yield pk, region_id, None, "overdue_visit.never", {}
        else:
            yield pk, region_id, None, "overdue_visit.since", {"on": since.isoformat()}


RULES: dict[str, Callable[[AuditContext], Iterator[Row]]] = {
    AuditRule.ONE_HEAD: one_head,
    AuditRule.SIZE: size,
    AuditRule.EDUCATION_XOR_SCHOOL: education_xor_school,
    AuditRule.AGE_LABOUR: age_labour,
    AuditRule.PHONE: phone,
    AuditRule.WORK_MONTHS: work_months,
    AuditRule.INCOME: income,
    AuditRule.ILLNESS_NO_HEALTH: illness_no_health,
    AuditRule.HOUSE_NO_MEASURE: house_no_measure,
    AuditRule.EXITED_BELOW_LINE: exited_below_line,
    AuditRule.CHILD_NOT_IN_SCHOOL: child_not_in_school,
    AuditRule.NO_CADRE: no_cadre,
    AuditRule.OVERDUE_VISIT: overdue_visit,
}
