from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app registers its job runners in jobs.py.
        autodiscover_modules("jobs")
