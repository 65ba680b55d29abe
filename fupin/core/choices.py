from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    END = "end", _("终止")


class ChangeSource(models.TextChoices):
    FORM = "form", _("页面")
    API = "api", _("接口")
    IMPORT = "import", _("导入")
    JOB = "job", _("后台任务")
    COMMAND = "command", _("命令行")
    ADMIN = "admin", _("管理后台")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
