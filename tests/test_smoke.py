from fupin.registry.models import Household
from tests.conftest import make_household


def test_cadre_sees_only_own_village(cadre, other_cadre, coordinator, dachang_household, jiefang_household):
    assert list(Household.objects.for_user(cadre)) == [dachang_household]
    assert list(Household.objects.for_user(other_cadre)) == [jiefang_household]
    assert Household.objects.for_user(coordinator).count() == 2


def test_household_create_logs_head(regions):
    h = make_household("X1")
    assert h.members.count() == 1
