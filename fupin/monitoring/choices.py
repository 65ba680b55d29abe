"""Code lists of exit and return-to-poverty monitoring (domain.md §2.2 and §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectType(models.TextChoices):
    """监测对象类别 (national field; coded 0/1/2 in one system)."""

    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


class RiskKind(models.TextChoices):
    """致贫/返贫风险类型 (national code table 100A27); up to five per household."""

    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因自然灾害")
    ACCIDENT = "05", _("因意外事故")
    INDUSTRY = "06", _("因产业项目失败")
    EMPLOYMENT = "07", _("因务工就业不稳")
    LABOUR = "08", _("缺劳动力")
    HOUSING = "09", _("因安全住房")
    WATER = "10", _("因安全饮水")
    OTHER = "99", _("其他")


class DisasterKind(models.TextChoices):
    """Sub-items of 因自然灾害."""

    FLOOD = "flood", _("洪涝")
    GEOLOGICAL = "geological", _("地质")
    DROUGHT = "drought", _("旱灾")
    BIOLOGICAL = "biological", _("生物")
    WEATHER = "weather", _("气象")
    EARTHQUAKE = "earthquake", _("地震")
    OTHER = "other", _("其他")


MAX_RISKS = 5


class ObjectStatus(models.TextChoices):
    MONITORED = "monitored", _("监测中")
    ELIMINATED = "eliminated", _("风险已消除")


class EliminationMethod(models.TextChoices):
    ASSISTED = "assisted", _("帮扶消除")
    NATURAL = "natural", _("自然消除")


class ObjectEventKind(models.TextChoices):
    IDENTIFIED = "identified", _("纳入监测")
    RISK_ADDED = "risk_added", _("新增风险")
    ELIMINATION_PROPOSED = "elim_proposed", _("拟消除风险（入户核实、民主评议并公示）")
    ELIMINATION_APPROVED = "elim_approved", _("风险消除审定")
    ELIMINATION_REJECTED = "elim_rejected", _("风险消除未通过")


class AlertSource(models.TextChoices):
    """The three channels of discovery (domain.md §4) plus the yearly income comparison."""

    SELF_REPORT = "self", _("农户自主申报")
    CADRE = "cadre", _("基层干部排查")
    DEPARTMENT = "department", _("行业部门筛查预警")
    INCOME_DROP = "income", _("收入监测预警")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("核查中")
    IDENTIFIED = "identified", _("已纳入监测")
    DISMISSED = "dismissed", _("不纳入监测")
    # One procedure per household (domain.md §4): a further signal joins the open alert as evidence.
    ATTACHED = "attached", _("已并入同户预警")


class ProcedureStep(models.TextChoices):
    """The identification procedure of domain.md §4, in order; from clue to decision ≤ 15 days."""

    VERIFICATION = "verification", _("入户核查")
    CONSENT = "consent", _("农户承诺授权")
    COMPARISON = "comparison", _("信息比对")
    APPRAISAL = "appraisal", _("民主评议")
    NOTICE = "notice", _("村级公示")
    TOWNSHIP = "township", _("乡镇审核")
    COUNTY = "county", _("县级审定")


PROCEDURE_ORDER = [s.value for s in ProcedureStep]


class Decision(models.TextChoices):
    PASS = "pass", _("通过")
    REJECT = "reject", _("不通过")


class ListKind(models.TextChoices):
    """Department lists that raise alerts (exchange.md layout 6)."""

    MEDICAL = "medical", _("医疗费用结算")
    DISASTER = "disaster", _("自然灾害受灾人员")
    ACCIDENT = "accident", _("意外事故人员")


class ListStatus(models.TextChoices):
    UPLOADED = "uploaded", _("待筛查")
    SCREENED = "screened", _("已筛查")


class ExitStage(models.TextChoices):
    """Household exit (domain.md §2.2), in order."""

    APPRAISAL = "appraisal", _("村“两委”民主评议")
    VERIFICATION = "verification", _("村“两委”和驻村工作队核实")
    ACKNOWLEDGEMENT = "acknowledgement", _("拟退出户认可")
    NOTICE = "notice", _("村内公示")
    ANNOUNCEMENT = "announcement", _("公告退出")


EXIT_ORDER = [s.value for s in ExitStage]


class ExitCaseStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    EXITED = "exited", _("已退出")
    REJECTED = "rejected", _("未通过")
