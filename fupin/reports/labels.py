"""Chinese labels of the indicator keys, shared by the command, the dashboard and the API docs."""

from django.utils.translation import gettext_lazy as _

INDICATOR_LABELS = {
    "registered": _("建档立卡"),
    "exited": _("已脱贫"),
    "exited_this_year": _("当年脱贫"),
    "stably_exited": _("稳定脱贫"),
    "not_exited": _("未脱贫"),
    "returned": _("返贫"),
    "floor_protection": _("兜底保障（低保、特困）"),
    "students": _("在校生"),
    "migrant_workers": _("务工人员"),
    "public_welfare_posts": _("公益性岗位"),
    "family_doctor_contracts": _("家庭医生签约人数"),
    "housing_renovated": _("危房改造户数"),
    "microcredit": _("扶贫小额信贷"),
    "measures": _("帮扶措施"),
    "cadres": _("帮扶干部"),
    "work_teams": _("驻村工作队"),
    "linked_units": _("联点单位"),
    "pairing_coverage": _("结对帮扶覆盖率"),
}
