"""Code lists of the reports area: the audit rules and the ledgers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRule(models.TextChoices):
    """The consistency rules of domain.md §1 and §4 checked by the data-quality audit,
    in the order the audit page lists them."""

    ONE_HEAD = "one_head", _("户主人数不为一")
    SIZE = "size", _("家庭人口数与成员数不符")
    EDUCATION_XOR_SCHOOL = "education_xor_school", _("文化程度与在校生状况未且只填一项")
    AGE_LABOUR = "age_labour", _("年龄与劳动技能不符")
    PHONE = "phone", _("联系电话不是11位手机号")
    WORK_MONTHS = "work_months", _("务工时间与务工状况不一致")
    INCOME = "income", _("填报人均纯收入与计算值不符")
    ILLNESS_NO_HEALTH = "illness_no_health", _("因病致贫但无健康帮扶措施")
    HOUSE_NO_MEASURE = "house_no_measure", _("C/D级危房但无住房保障措施")
    EXITED_BELOW_LINE = "exited_below_line", _("已脱贫但人均纯收入未超过扶贫标准")
    CHILD_NOT_IN_SCHOOL = "child_not_in_school", _("义务教育阶段适龄儿童未在校")
    NO_CADRE = "no_cadre", _("无帮扶责任人")
    OVERDUE_VISIT = "overdue_visit", _("走访超期")


class LedgerKind(models.TextChoices):
    """台账 (domain.md §1.3): the standard ledgers exported as Excel workbooks."""

    HOUSEHOLDS = "households", _("一户一档汇总台账")
    MEASURES = "measures", _("帮扶措施台账")
    VISITS = "visits", _("走访记录台账")
    STUDENTS = "students", _("在校生台账")
    FLOOR = "floor", _("兜底保障发放台账")
