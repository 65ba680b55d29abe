"""The review workflow (两公示一公告) for admission and removal.

申请 → 村民主评议 → 村公示 (≥ 7 days, objections answered) → 乡镇审核 → 乡镇审核后公示 →
县(区)审批 → 公告 → the household's registration changes. Every step is a row in the
insert-only ledger (StepDecision). Maker ≠ checker: whoever proposed an application may not
take any later decision on it; the services refuse, whatever the interface.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.identification.choices import ApplicationKind, ApplicationOrigin, Decision, ObjectionOutcome, Step
from fupin.identification.models import Application, Objection, StepDecision
from fupin.identification.selectors.policy import policy_for
from fupin.registry.choices import Attribute, Cause, PovertyStatus, Standard
from fupin.registry.models import Household
from fupin.registry.services import household_update
from fupin.registry.services.common import check_scope

PROPOSE = "identification.add_application"
VILLAGE = "identification.village_step_application"
TOWNSHIP = "identification.township_review_application"
APPROVE = "identification.approve_application"


def _actor(ctx: Context) -> Any:
    return ctx.actor if ctx.actor is not None and ctx.actor.pk else None


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("household__region").get(pk=application.pk)


def _expect(app: Application, *steps: str) -> None:
    if app.step not in steps:
        raise ApplicationError(_("申请当前处于“{step}”环节，不能进行此操作").format(step=Step(app.step).label))


def _checker(ctx: Context, app: Application) -> None:
    """Maker ≠ checker: the proposer takes no later decision on the application."""
    actor = _actor(ctx)
    if actor is not None and app.proposed_by_id == actor.pk:
        raise ApplicationError(_("您是本申请的提出人，不能办理后续审核环节，须由其他人员办理"))


def _ledger(
    ctx: Context,
    app: Application,
    decision: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    step: str | None = None,
) -> StepDecision:
    return StepDecision.objects.create(
        application=app,
        step=step or app.step,
        decision=decision,
        actor=_actor(ctx),
        actor_name=ctx.actor_name,
        comment=comment,
        data=data or {},
    )


def _move(ctx: Context, app: Application, step: str, **fields: Any) -> None:
    before = snapshot(app)
    app.step, app.step_since = step, timezone.now()
    for name, value in fields.items():
        setattr(app, name, value)
    app.save()
    log_update(ctx, app, before, related=app.household)


def _notice_days(app: Application) -> int:
    return policy_for(region=app.household.region, year=app.year).notice_days


def _notice_window(app: Application, start: dt.date | None) -> tuple[dt.date, dt.date]:
    """A notice of N days runs from its first day through the N-th day inclusive."""
    start = start or timezone.localdate()
    return start, start + dt.timedelta(days=_notice_days(app) - 1)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _clean_admission(data: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    if data.get("attribute") not in Attribute.values:
        errors["attribute"] = _("请选择贫困户属性")
    if data.get("main_cause") not in Cause.values:
        errors["main_cause"] = _("请选择主要致贫原因")
    others = [c for c in str(data.get("other_causes") or "").split(",") if c]
    if any(c not in Cause.values for c in others):
        errors["other_causes"] = _("其他致贫原因含未知代码")
    if data.get("standard") and data["standard"] not in Standard.values:
        errors["standard"] = _("识别标准不正确")
    if errors:
        raise ValidationError(errors)
    return {
        "attribute": data["attribute"],
        "main_cause": data["main_cause"],
        "other_causes": ",".join(others),
        "standard": data.get("standard") or Standard.NATIONAL,
    }


def _checked_year(year: int, region: Any) -> int:
    """A case's year: 2013 up to this year, with a policy for the household's region."""
    if not 2013 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("年度应在 2013 至今年之间")})
    policy_for(region=region, year=year)  # refuse early when the year has no policy
    return year


def _check_household(h: Household, kind: str) -> None:
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销").format(code=h.code))
    if kind == ApplicationKind.ADMISSION and h.registered:
        raise ApplicationError(_("户 {code} 已是建档立卡户，无需识别").format(code=h.code))
    if kind == ApplicationKind.REMOVAL and not h.registered:
        raise ApplicationError(_("户 {code} 不是建档立卡户，无需清退").format(code=h.code))
    open_app = Application.objects.open().filter(household=h).first()
    if open_app is not None:
        raise ApplicationError(
            _("户 {code} 已有未办结的申请（#{pk}，{step}）").format(
                code=h.code, pk=open_app.pk, step=Step(open_app.step).label
            )
        )


@transaction.atomic
def application_propose(
    *,
    ctx: Context,
    household: Household,
    kind: str,
    year: int,
    data: dict[str, Any],
    origin: str = ApplicationOrigin.CADRE,
) -> Application:
    """Open an admission (识别) or removal (清退) case on behalf of a household."""
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, PROPOSE, h.region)
    if kind not in ApplicationKind.values:
        raise ValidationError({"kind": _("请选择申请类型")})
    _check_household(h, kind)
    _checked_year(year, h.region)
    fields: dict[str, Any] = {}
    reason = str(data.get("reason") or "").strip()
    if kind == ApplicationKind.ADMISSION:
        fields = _clean_admission(data)
    elif not reason:
        raise ValidationError({"reason": _("清退须填写理由")})
    now = timezone.now()
    app = Application.objects.create(
        household=h,
        kind=kind,
        origin=origin,
        year=year,
        reason=reason,
        step=Step.APPLIED,
        step_since=now,
        proposed_by=_actor(ctx),
        proposed_at=now,
        **fields,
    )
    _ledger(ctx, app, Decision.SUBMIT, comment=reason, step=Step.APPLIED)
    log_create(ctx, app, related=h)
    return app


@transaction.atomic
def application_submit(*, ctx: Context, application: Application, data: dict[str, Any]) -> Application:
    """A village cadre takes up a candidate (from a department list) and proposes it."""
    app = _lock(application)
    check_scope(ctx, PROPOSE, app.household.region)
    _expect(app, Step.CANDIDATE)
    fields = _clean_admission({**snapshot(app), **data}) if app.kind == ApplicationKind.ADMISSION else {}
    if app.kind == ApplicationKind.ADMISSION and app.household.registered:
        raise ApplicationError(_("户 {code} 已是建档立卡户，无需识别").format(code=app.household.code))
    if data.get("year"):
        fields["year"] = _checked_year(int(data["year"]), app.household.region)
    _move(ctx, app, Step.APPLIED, proposed_by=_actor(ctx), proposed_at=timezone.now(), **fields)
    _ledger(ctx, app, Decision.SUBMIT, comment=str(data.get("comment") or ""), step=Step.APPLIED)
    return app


@transaction.atomic
def appraisal_record(
    *,
    ctx: Context,
    application: Application,
    meeting_date: dt.date,
    representatives: int,
    present: int,
    votes_for: int,
    votes_against: int,
    notice_from: dt.date | None = None,
    comment: str = "",
) -> Application:
    """The village democratic appraisal (民主评议): a quorum of two thirds of the
    representatives, a majority of those present. Passing starts the first village notice."""
    app = _lock(application)
    check_scope(ctx, VILLAGE, app.household.region)
    _expect(app, Step.APPLIED)
    _checker(ctx, app)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if meeting_date > today:
        errors["meeting_date"] = _("评议日期不能晚于今天")
    if representatives <= 0:
        errors["representatives"] = _("应到代表人数须大于 0")
    elif not 0 < present <= representatives:
        errors["present"] = _("实到人数应在 1 到应到人数之间")
    elif present * 3 < representatives * 2:
        errors["present"] = _("实到 {present} 人，不足应到 {total} 人的三分之二，评议无效").format(
            present=present, total=representatives
        )
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against > present:
        errors["votes_for"] = _("赞成票与反对票之和不能超过实到人数")
    if notice_from and notice_from < meeting_date:
        errors["notice_from"] = _("公示不能早于评议日期开始")
    if errors:
        raise ValidationError(errors)
    data = {
        "meeting_date": meeting_date.isoformat(),
        "representatives": representatives,
        "present": present,
        "votes_for": votes_for,
        "votes_against": votes_against,
    }
    if votes_for * 2 <= present:
        _ledger(ctx, app, Decision.REJECT, comment=comment or _("赞成票未过半数"), data=data)
        _move(ctx, app, Step.REJECTED)
        return app
    start, until = _notice_window(app, notice_from)
    _ledger(
        ctx, app, Decision.PASS, comment=comment, data={**data, "notice_from": _iso(start), "notice_until": _iso(until)}
    )
    _move(ctx, app, Step.VILLAGE_NOTICE, notice_from=start, notice_until=until)
    return app


def _notice_perm(app: Application, closing: bool) -> str:
    # Both notices hang in the village, so the village records and answers objections; the
    # township closes its own notice.
    if closing and app.step == Step.TOWNSHIP_NOTICE:
        return TOWNSHIP
    return VILLAGE


@transaction.atomic
def objection_record(
    *,
    ctx: Context,
    application: Application,
    content: str,
    raised_by_name: str = "",
    raised_on: dt.date | None = None,
) -> Objection:
    """Record an objection raised during a notice (anyone may raise one, even anonymously)."""
    app = _lock(application)
    check_scope(ctx, _notice_perm(app, closing=False), app.household.region)
    if not app.in_notice:
        raise ApplicationError(_("只有公示期间可以登记异议"))
    raised_on = raised_on or timezone.localdate()
    if not content.strip():
        raise ValidationError({"content": _("请填写异议内容")})
    if app.notice_from and app.notice_until and not app.notice_from <= raised_on <= app.notice_until:
        raise ValidationError(
            {
                "raised_on": _("异议须在公示期（{start} 至 {end}）内提出").format(
                    start=app.notice_from, end=app.notice_until
                )
            }
        )
    o = Objection.objects.create(
        application=app,
        step=app.step,
        raised_on=raised_on,
        raised_by_name=raised_by_name,
        content=content.strip(),
        recorded_by=_actor(ctx),
    )
    log_create(ctx, o, related=app.household)
    return o


@transaction.atomic
def objection_answer(*, ctx: Context, objection: Objection, upheld: bool, answer: str) -> Objection:
    """Answer an objection: upheld (the case cannot pass this notice) or dismissed."""
    o = Objection.objects.select_for_update().get(pk=objection.pk)
    app = _lock(o.application)
    check_scope(ctx, _notice_perm(app, closing=False), app.household.region)
    _checker(ctx, app)
    if o.outcome != ObjectionOutcome.OPEN:
        raise ApplicationError(_("该异议已答复"))
    if app.step != o.step:
        raise ApplicationError(_("该异议所在的公示已结束"))
    if not answer.strip():
        raise ValidationError({"answer": _("请填写答复内容")})
    before = snapshot(o)
    o.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.DISMISSED
    o.answer, o.answered_by, o.answered_on = answer.strip(), _actor(ctx), timezone.localdate()
    o.save()
    log_update(ctx, o, before, related=app.household)
    return o


@transaction.atomic
def notice_close(*, ctx: Context, application: Application, passed: bool, comment: str = "") -> Application:
    """End a notice. Passing needs the period over and every objection answered, none upheld;
    the village notice leads to the township review, the township notice to the district."""
    app = _lock(application)
    _expect(app, Step.VILLAGE_NOTICE, Step.TOWNSHIP_NOTICE)
    check_scope(ctx, _notice_perm(app, closing=True), app.household.region)
    _checker(ctx, app)
    objections = list(app.objections.filter(step=app.step))
    data = {"notice_from": _iso(app.notice_from), "notice_until": _iso(app.notice_until), "objections": len(objections)}
    if not passed:
        if not comment.strip():
            raise ValidationError({"comment": _("不通过须填写理由")})
        _ledger(ctx, app, Decision.REJECT, comment=comment, data=data)
        _move(ctx, app, Step.REJECTED)
        return app
    today = timezone.localdate()
    if app.notice_until and today <= app.notice_until:
        raise ApplicationError(_("公示期至 {date} 截止，期满后方可确认公示结果").format(date=app.notice_until))
    open_count = sum(1 for o in objections if o.outcome == ObjectionOutcome.OPEN)
    if open_count:
        raise ApplicationError(_("尚有 {n} 条异议未答复").format(n=open_count))
    if any(o.outcome == ObjectionOutcome.UPHELD for o in objections):
        raise ApplicationError(_("有异议经核实成立，公示不能通过"))
    _ledger(ctx, app, Decision.NOTICE_END, comment=comment, data=data)
    nxt = Step.TOWNSHIP_REVIEW if app.step == Step.VILLAGE_NOTICE else Step.DISTRICT_APPROVAL
    _move(ctx, app, nxt)
    return app


@transaction.atomic
def township_review(
    *, ctx: Context, application: Application, passed: bool, comment: str = "", notice_from: dt.date | None = None
) -> Application:
    """乡镇审核: passing starts the second notice in the village."""
    app = _lock(application)
    _expect(app, Step.TOWNSHIP_REVIEW)
    check_scope(ctx, TOWNSHIP, app.household.region)
    _checker(ctx, app)
    if not passed:
        if not comment.strip():
            raise ValidationError({"comment": _("不通过须填写理由")})
        _ledger(ctx, app, Decision.REJECT, comment=comment)
        _move(ctx, app, Step.REJECTED)
        return app
    start, until = _notice_window(app, notice_from)
    _ledger(ctx, app, Decision.PASS, comment=comment, data={"notice_from": _iso(start), "notice_until": _iso(until)})
    _move(ctx, app, Step.TOWNSHIP_NOTICE, notice_from=start, notice_until=until)
    return app


@transaction.atomic
def district_approve(*, ctx: Context, application: Application, passed: bool, comment: str = "") -> Application:
    """县(区)审批 (after the district's comparison review): passing leads to the announcement."""
    app = _lock(application)
    _expect(app, Step.DISTRICT_APPROVAL)
    check_scope(ctx, APPROVE, app.household.region)
    _checker(ctx, app)
    if not passed:
        if not comment.strip():
            raise ValidationError({"comment": _("不通过须填写理由")})
        _ledger(ctx, app, Decision.REJECT, comment=comment)
        _move(ctx, app, Step.REJECTED)
        return app
    _ledger(ctx, app, Decision.PASS, comment=comment)
    _move(ctx, app, Step.ANNOUNCEMENT, notice_from=None, notice_until=None)
    return app


@transaction.atomic
def application_announce(
    *, ctx: Context, application: Application, announced_on: dt.date | None = None, comment: str = ""
) -> Application:
    """公告: the decision takes effect. Admission registers the household (未脱贫, with its
    识别年度); removal takes it off the roll. Both go through the registry service, so the
    household's history shows the change with this application as the reason."""
    app = _lock(application)
    _expect(app, Step.ANNOUNCEMENT)
    check_scope(ctx, APPROVE, app.household.region)
    _checker(ctx, app)
    announced_on = announced_on or timezone.localdate()
    if announced_on > timezone.localdate():
        raise ValidationError({"announced_on": _("公告日期不能晚于今天")})
    if app.kind == ApplicationKind.ADMISSION:
        reason = _("识别申请 #{pk} 公告纳入").format(pk=app.pk)
        data = {
            "registered": True,
            "status": PovertyStatus.NOT_EXITED,
            "identified_year": app.year,
            "attribute": app.attribute,
            "main_cause": app.main_cause,
            "other_causes": app.other_causes,
            "standard": app.standard or Standard.NATIONAL,
            "exit_year": None,
            "return_year": None,
        }
    else:
        reason = _("清退申请 #{pk}：{reason}").format(pk=app.pk, reason=app.reason)[:200]
        data = {"registered": False, "status": ""}
    registry_ctx = Context(actor=ctx.actor, source=ctx.source, batch_id=ctx.batch_id, reason=reason)
    household_update(ctx=registry_ctx, household=app.household, data=data)
    _ledger(ctx, app, Decision.ANNOUNCE, comment=comment, data={"announced_on": announced_on.isoformat()})
    _move(ctx, app, Step.DONE, announced_on=announced_on)
    return app


@transaction.atomic
def application_withdraw(*, ctx: Context, application: Application, reason: str) -> Application:
    """Withdraw a case (or dismiss a candidate) before the district has approved it."""
    app = _lock(application)
    check_scope(ctx, PROPOSE, app.household.region)
    _expect(app, Step.CANDIDATE, Step.APPLIED, Step.VILLAGE_NOTICE, Step.TOWNSHIP_REVIEW, Step.TOWNSHIP_NOTICE)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回理由")})
    _ledger(ctx, app, Decision.WITHDRAW, comment=reason)
    _move(ctx, app, Step.WITHDRAWN)
    return app
