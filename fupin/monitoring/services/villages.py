"""The village's rural registered population, the denominator of its poverty incidence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_update, snapshot
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.services.common import check_scope

MAX_POPULATION = 200_000


@transaction.atomic
def village_population_set(*, ctx: Context, village: Region, population: int | None) -> Region:
    """Set (or clear) 农村户籍人口 of a village; the change is logged on the region."""
    v = Region.objects.select_for_update().get(pk=village.pk)
    check_scope(ctx, "monitoring.set_rural_population", v)
    if v.level != RegionLevel.VILLAGE:
        raise ValidationError({"rural_population": _("{name} 不是行政村").format(name=v.name)})
    if population is not None and not 0 < population <= MAX_POPULATION:
        raise ValidationError({"rural_population": _("农村户籍人口应为 1 到 {n} 之间的整数").format(n=MAX_POPULATION)})
    before = snapshot(v)
    v.rural_population = population
    v.save(update_fields=["rural_population"])
    log_update(ctx, v, before)
    return v
