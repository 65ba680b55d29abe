from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    PREVIEWING = "previewing", _("预检中")
    PREVIEWED = "previewed", _("已预检")
    QUEUED = "queued", _("排队导入")
    LOADED = "loaded", _("已导入")
    REJECTED = "rejected", _("已拒绝")
    FAILED = "failed", _("失败")


class ExportLayout(models.TextChoices):
    ROSTER = "roster", _("人员明细")
    CADRES = "cadres", _("帮扶干部")
    TEAMS = "teams", _("驻村工作队")
    PAIRINGS = "pairings", _("结对帮扶")
    MEASURES = "measures", _("帮扶措施")
