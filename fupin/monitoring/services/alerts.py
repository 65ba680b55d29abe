"""Alerts from people: a public self-report, a cadre's report on a household's behalf or from
a visit, and matching a public report to its household."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import Visit
from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.monitoring.choices import AlertSource, AlertStatus, RiskKind
from fupin.monitoring.models import Alert
from fupin.monitoring.policy import monitoring_policy_for
from fupin.monitoring.services.common import actor_of, log_changed, log_new, snap
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope
from fupin.utils.text import clean_phone, is_mobile

MAX_DESCRIPTION = 1000


def alert_deadline(*, region: Region, created: dt.date) -> dt.date:
    """From clue to county decision within the policy's days (15)."""
    policy = monitoring_policy_for(region=region, year=created.year)
    return created + dt.timedelta(days=policy.procedure_days)


def lock_household(pk: int) -> Household:
    """The household, locked: while there is no open alert yet there is no alert row to lock,
    so two reports for the same household would both open one and the second would break the
    one-open-alert constraint. Locking the household queues them (always before its alerts,
    as the procedure does, so the two never wait on each other)."""
    return Household.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)


def open_alert_of(household: Household, *, exclude: int | None = None) -> Alert | None:
    """The household's open alert, locked: a new signal joins it (one procedure per household).
    The caller holds the household's lock (lock_household)."""
    qs = Alert.objects.select_for_update().filter(household=household, status=AlertStatus.OPEN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.first()


def _attach(alert: Alert, target: Alert) -> None:
    alert.status, alert.next_step = AlertStatus.ATTACHED, ""
    alert.attached_to, alert.deadline = target, target.deadline


def _description(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"description": _("请简要描述遇到的困难")})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"description": _("情况描述不能超过 {n} 字").format(n=MAX_DESCRIPTION)})
    return text


@transaction.atomic
def alert_self_report(*, ctx: Context, village: Region, name: str, phone: str, description: str) -> Alert:
    """农户自主申报 through the public form: no household yet, a cadre matches it later."""
    village = Region.objects.get(pk=village.pk)
    if village.level != RegionLevel.VILLAGE:
        raise ValidationError({"village": _("请选择所在的行政村")})
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"name": _("请填写姓名（不超过 50 字）")})
    phone = clean_phone(phone)
    if not is_mobile(phone):
        raise ValidationError({"phone": _("请填写 11 位手机号码，以便村干部联系您")})
    today = timezone.localdate()
    alert = Alert(
        region=village,
        source=AlertSource.SELF_REPORT,
        description=_description(description),
        reporter_name=name,
        phone=phone,
        deadline=alert_deadline(region=village, created=today),
    )
    alert.full_clean(exclude=["household", "monitoring_object", "department_list"])
    alert.save()
    log_new(ctx, alert)
    return alert


@transaction.atomic
def alert_report(
    *,
    ctx: Context,
    household: Household,
    source: str,
    description: str,
    risk_hint: str = "",
    visit: Visit | None = None,
) -> Alert:
    """A cadre records a self-report on a household's behalf (source self) or a risk found on a
    visit (source cadre). When the household's procedure is already open, the report joins
    that alert as a further signal (status attached, same deadline)."""
    h = lock_household(household.pk)
    check_scope(ctx, "monitoring.add_alert", h.region)
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销").format(code=h.code))
    if source not in (AlertSource.SELF_REPORT, AlertSource.CADRE):
        raise ValidationError({"source": _("请选择农户自主申报或基层干部排查")})
    if risk_hint and risk_hint not in RiskKind.values:
        raise ValidationError({"risk_hint": _("未知的风险类型")})
    if visit is not None and visit.household_id != h.pk:
        raise ValidationError({"visit": _("该走访记录不属于户 {code}").format(code=h.code)})
    today = timezone.localdate()
    alert = Alert(
        region=h.region,
        household=h,
        source=source,
        description=_description(description),
        risk_hint=risk_hint,
        visit=visit,
        reported_by=actor_of(ctx),
        deadline=alert_deadline(region=h.region, created=today),
    )
    target = open_alert_of(h)
    if target is not None:
        _attach(alert, target)
    alert.save()
    log_new(ctx, alert, related=h)
    return alert


@transaction.atomic
def alert_match(*, ctx: Context, alert: Alert, household: Household) -> Alert:
    """Match a public self-report to the household it concerns (same village). When that
    household already has an open alert, the report joins it instead of opening a second
    procedure."""
    h = lock_household(household.pk)
    a = Alert.objects.select_for_update(of=("self",)).select_related("region").get(pk=alert.pk)
    check_scope(ctx, "monitoring.change_alert", a.region)
    check_scope(ctx, "monitoring.change_alert", h.region)
    if a.household is not None:
        raise ApplicationError(_("该预警已对应到户 {code}").format(code=a.household.code))
    if a.status != AlertStatus.OPEN:
        raise ApplicationError(_("该预警已办结"))
    if not h.region.path.startswith(a.region.path):
        raise ValidationError({"household": _("户 {code} 不在{village}").format(code=h.code, village=a.region.name)})
    before = snap(a)
    a.household, a.region = h, h.region
    target = open_alert_of(h, exclude=a.pk)
    if target is not None:
        _attach(a, target)
    a.save(update_fields=["household", "region", "status", "next_step", "attached_to", "deadline", "updated"])
    log_changed(ctx, a, before, related=h)
    return a
