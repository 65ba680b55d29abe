from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "fupin.identification"
    label = "identification"
    verbose_name = _("识别与回头看")
