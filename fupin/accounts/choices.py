from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    VILLAGE_CADRE = "village_cadre", _("帮扶干部")
    TOWNSHIP_REVIEWER = "township_reviewer", _("乡镇审核员")
    DISTRICT_OFFICE = "district_office", _("区扶贫办")
    SECTOR = "sector", _("行业部门")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")
