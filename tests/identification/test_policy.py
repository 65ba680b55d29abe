"""Policy as data: the seed, the most specific region, versions that never overwrite."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.identification.models import PolicyVersion
from fupin.identification.selectors import latest_policy_year, policies_for_regions, policy_for
from fupin.identification.services.policy import policy_version_create
from fupin.regions.models import Region
from tests.conftest import DACHANG, DISTRICT, SYSTEM


def test_the_seed_holds_the_lines_of_the_spec(db):
    lines = dict(
        PolicyVersion.objects.filter(region__isnull=True, poverty_line__isnull=False).values_list(
            "year", "poverty_line"
        )
    )
    assert lines == {2013: 2736, 2014: 2800, 2015: 2855, 2016: 3146, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}
    assert not PolicyVersion.objects.get(year=2017, region__isnull=True).verified
    assert PolicyVersion.objects.get(year=2013, region__isnull=True).verified
    floors = dict(PolicyVersion.objects.filter(region_id=DISTRICT).values_list("year", "floor_standard_monthly"))
    assert floors == {2016: 242, 2017: 270}
    assert PolicyVersion.objects.get(year=2021).monitoring_line == 6000


def test_the_most_specific_region_wins(regions):
    village = regions[DACHANG]
    assert policy_for(region=village, year=2017).region_id == DISTRICT
    assert policy_for(region=village, year=2018).region_id is None
    # A region outside 珠晖区 gets the national default.
    other = Region.objects.exclude(path__startswith=regions[DISTRICT].path).exclude(depth=1).first()
    if other is not None:
        assert policy_for(region=other, year=2017).region_id is None
    bulk = policies_for_regions(regions=[village, regions[DISTRICT]], year=2016)
    assert {p.floor_standard_monthly for p in bulk.values()} == {Decimal("242")}


def test_no_policy_names_the_year_and_the_region(regions):
    with pytest.raises(ApplicationError, match="2030 年没有适用于大昌村（430405014201）的政策参数"):
        policy_for(region=regions[DACHANG], year=2030)
    assert latest_policy_year() == 2020


def test_a_change_is_a_new_version_and_the_old_one_stays(regions, coordinator):
    old = PolicyVersion.objects.get(year=2017, region_id=DISTRICT)
    ctx = Context(actor=coordinator)
    data = {
        "poverty_line": Decimal("3335"),
        "floor_standard_monthly": Decimal("280"),
        "criteria": ["income"],
        "verified": True,
    }
    new = policy_version_create(
        ctx=ctx, year=2017, region=regions[DISTRICT], effective_from=dt.date(2017, 1, 1), data=data, supersedes=old
    )
    assert policy_for(region=regions[DACHANG], year=2017) == new
    assert PolicyVersion.objects.get(pk=old.pk).floor_standard_monthly == 270
    with pytest.raises(ApplicationError, match="已被替代"):
        policy_version_create(
            ctx=ctx, year=2017, region=regions[DISTRICT], effective_from=dt.date(2017, 1, 1), data=data, supersedes=old
        )
    with pytest.raises(ApplicationError, match="同一生效日期"):
        policy_version_create(
            ctx=ctx, year=2017, region=regions[DISTRICT], effective_from=dt.date(2017, 1, 1), data=data
        )


def test_a_later_effective_date_applies_only_from_that_date(regions):
    later = policy_version_create(
        ctx=SYSTEM,
        year=2017,
        region=regions[DISTRICT],
        effective_from=dt.date(2017, 7, 1),
        data={"poverty_line": Decimal("3400"), "criteria": ["income"]},
    )
    assert policy_for(region=regions[DACHANG], year=2017, on=dt.date(2017, 6, 30)).poverty_line == 3335
    assert policy_for(region=regions[DACHANG], year=2017, on=dt.date(2017, 7, 1)) == later


def test_who_may_change_policy(regions, coordinator, cadre):
    data = {"poverty_line": Decimal("3000"), "criteria": ["income"]}
    with pytest.raises(ApplicationError, match="全国默认"):
        policy_version_create(
            ctx=Context(actor=coordinator), year=2024, region=None, effective_from=dt.date(2024, 1, 1), data=data
        )
    with pytest.raises(ApplicationError, match="权限"):
        policy_version_create(
            ctx=Context(actor=cadre), year=2024, region=regions[DISTRICT], effective_from=dt.date(2024, 1, 1), data=data
        )


def test_bad_values_are_refused_with_reasons(regions):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        policy_version_create(
            ctx=SYSTEM,
            year=2024,
            region=regions[DACHANG],
            effective_from=dt.date(2024, 1, 1),
            data={"criteria": ["income", "luck"], "notice_days": 5},
        )
    errors = exc.value.message_dict
    assert set(errors) == {"region", "poverty_line", "criteria", "notice_days"}
