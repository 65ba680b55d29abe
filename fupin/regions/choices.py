from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    DISTRICT = 3, _("县(市、区)")
    TOWNSHIP = 4, _("乡(镇、街道)")
    VILLAGE = 5, _("行政村(社区)")
    GROUP = 6, _("自然村(村民小组)")
