"""Code lists of identification and re-check (TextChoices, Chinese labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Criterion(models.TextChoices):
    """The tests of 识别/退出: income against the line, 两不愁三保障 and 饮水安全 (domain.md §2.1–2.2)."""

    INCOME = "income", _("人均纯收入")
    FOOD = "food", _("不愁吃")
    CLOTHING = "clothing", _("不愁穿")
    EDUCATION = "education", _("义务教育有保障")
    MEDICAL = "medical", _("基本医疗有保障")
    HOUSING = "housing", _("住房安全有保障")
    WATER = "water", _("饮水安全有保障")


class RuleOutcome(models.TextChoices):
    MET = "met", _("达标")
    NOT_MET = "not_met", _("未达标")
    UNKNOWN = "unknown", _("信息不全")


class AssessmentOutcome(models.TextChoices):
    """What the rules say about one household in one year (the people decide; this explains)."""

    ELIGIBLE = "eligible", _("符合识别条件")
    NOT_ELIGIBLE = "not_eligible", _("不符合识别条件")
    INCOMPLETE = "incomplete", _("信息不全，待核实")


class ApplicationKind(models.TextChoices):
    ADMISSION = "admission", _("纳入（识别）")
    REMOVAL = "removal", _("清退")


class ApplicationOrigin(models.TextChoices):
    CADRE = "cadre", _("干部代为申请")
    IMPORT = "import", _("导入")
    COMPARISON = "comparison", _("比对线索")
    RECHECK = "recheck", _("回头看")


class Step(models.TextChoices):
    """两公示一公告 (domain.md §2.1), in order. A candidate (from a department list, 应纳尽纳)
    waits for a village cadre to take it up; `done`, `rejected` and `withdrawn` end a case."""

    CANDIDATE = "candidate", _("候选（待村确认）")
    APPLIED = "applied", _("申请（待村民主评议）")
    VILLAGE_NOTICE = "village_notice", _("村公示")
    TOWNSHIP_REVIEW = "township_review", _("乡镇审核")
    TOWNSHIP_NOTICE = "township_notice", _("乡镇审核后公示")
    DISTRICT_APPROVAL = "district_approval", _("县(区)审批")
    ANNOUNCEMENT = "announcement", _("公告")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Decision(models.TextChoices):
    SUBMIT = "submit", _("提交申请")
    PASS = "pass", _("通过")
    REJECT = "reject", _("不通过")
    NOTICE_START = "notice_start", _("开始公示")
    NOTICE_END = "notice_end", _("公示期满无异议")
    ANNOUNCE = "announce", _("公告")
    WITHDRAW = "withdraw", _("撤回")


def decision_label(decision: str, data: dict | None = None) -> str:
    """A ledger entry's decision as the reader sees it. A notice that passed after objections
    were raised (and all dismissed) keeps its stored code `notice_end`, whose label says there
    were none: `notice_close` records the count of objections in the entry's data, and that
    count picks the accurate wording (for entries written before this too)."""
    if decision == Decision.NOTICE_END and (data or {}).get("objections"):
        return str(_("公示期满，异议已处理"))
    return str(Decision(decision).label) if decision in Decision.values else decision


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", _("待答复")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class ListKind(models.TextChoices):
    """Department lists of exchange.md layout 6; `other` carries the name the user gives."""

    STATE_PAID = "state_paid", _("财政供养人员")
    VEHICLE = "vehicle", _("机动车登记")
    HOUSING = "housing", _("商品房登记")
    BUSINESS = "business", _("工商登记(法人/股东)")
    DEATH = "death", _("死亡人员")
    DIBAO = "dibao", _("低保对象")
    TEKUN = "tekun", _("特困人员")
    DISABLED = "disabled", _("残疾人")
    MEDICAL = "medical", _("医疗费用结算")
    OTHER = "other", _("其他")


# Lists whose people should be registered when they are not (应纳尽纳).
INCLUSION_KINDS = {ListKind.DIBAO, ListKind.TEKUN, ListKind.DISABLED}
# Lists whose match on a registered household is a lead for removal (四类人员).
EXCLUSION_KINDS = {ListKind.STATE_PAID, ListKind.VEHICLE, ListKind.HOUSING, ListKind.BUSINESS}


class FindingKind(models.TextChoices):
    LIST_MATCH = "list_match", _("比对命中")
    DUPLICATE_ID = "duplicate_id", _("证件号码重复")
    TWO_HOUSEHOLDS = "two_households", _("一人多户")
    LIKELY_DUPLICATE = "likely_duplicate", _("疑似重复人员")
    RULE = "rule", _("识别条件不符")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    CONFIRMED = "confirmed", _("核实属实")
    EXPLAINED = "explained", _("已说明，保留")
