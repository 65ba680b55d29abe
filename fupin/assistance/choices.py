"""Code lists of the assistance area (domain.md §1.1 帮扶责任人, §5.2 measures, layouts 2–5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Affiliation(models.TextChoices):
    """单位隶属关系 of a linked unit or a cadre's employer."""

    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")
    ARMY = "army", _("部队")
    OTHER = "other", _("其他")


class GroupRole(models.TextChoices):
    """Role in the district's leading group (扶贫开发领导小组)."""

    HEAD = "head", _("组长")
    DEPUTY = "deputy", _("副组长")
    OFFICE_HEAD = "office_head", _("办公室主任")
    MEMBER = "member", _("成员")


class CadrePost(models.TextChoices):
    """职务 of a cadre; a cadre who is not in a work team is a plain 帮扶责任人."""

    FIRST_SECRETARY = "first_secretary", _("第一书记")
    FIRST_SECRETARY_LEADER = "first_secretary_leader", _("第一书记兼队长")
    LEADER = "leader", _("队长")
    DEPUTY_LEADER = "deputy_leader", _("副队长")
    MEMBER = "member", _("队员")
    RESPONSIBLE = "responsible", _("帮扶责任人")
    OTHER = "other", _("其他")


class MeasureCategory(models.TextChoices):
    """措施类别 (layout 5)."""

    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    WELFARE_POST = "welfare_post", _("公益岗位")
    HEALTH = "health", _("健康")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住房")
    WATER = "water", _("饮水")
    FLOOR = "floor", _("综合保障")
    FINANCE = "finance", _("金融")
    RELOCATION = "relocation", _("易地搬迁")
    ECOLOGY = "ecology", _("生态")
    SOCIAL = "social", _("社会帮扶")
    OTHER = "other", _("其他")


class MeasureKind(models.TextChoices):
    """Which typed details a measure item carries (and which limits apply to it)."""

    GENERAL = "general", _("一般")
    EMPLOYMENT = "employment", _("就业务工")
    WELFARE_POST = "welfare_post", _("公益岗位")
    HOUSING = "housing", _("危房改造")
    MICROCREDIT = "microcredit", _("扶贫小额信贷")
    FLOOR = "floor", _("兜底保障")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")


class ProjectKind(models.TextChoices):
    INDUSTRY = "industry", _("产业项目")
    PHOTOVOLTAIC = "pv", _("光伏电站")
    ECOMMERCE = "ecommerce", _("电商服务点")
    TOURISM = "tourism", _("乡村旅游")
    COOPERATIVE = "cooperative", _("合作社")
    LOAN = "loan", _("信贷合同")
    OTHER = "other", _("其他")


class WishStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DELIVERED = "delivered", _("已送达")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已撤销")


# The 六个一 of a visit (domain.md §8): field name → label, in the order of the handbook.
VISIT_CHECKLIST = (
    ("chat", _("拉家常")),
    ("policy", _("宣讲政策")),
    ("handbook", _("填写手册")),
    ("measures", _("完善对策")),
    ("wish", _("实现心愿")),
    ("labour", _("参加劳动")),
)
