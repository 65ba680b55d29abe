"""`fupin demo`: loads the district and the accounts once, and says who can log in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.choices import RoleCode
from fupin.accounts.models import RoleAssignment, User
from fupin.demo.users import DEMO_PASSWORD, DEMO_USERS
from fupin.registry.models import Household


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def test_demo_loads_the_district_and_prints_every_account(db):
    output = run(households=200)
    assert Household.objects.count() == 200
    for spec in DEMO_USERS:
        assert spec.username in output
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role.code, assignment.region.code) == (spec.role, spec.region_code)
    assert DEMO_PASSWORD in output
    assert "已生成 200 户" in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="cadre").is_staff


def test_the_demo_cadre_sees_only_their_village(db):
    run(households=80)
    cadre = User.objects.get(username="cadre")
    district = User.objects.get(username="district")
    visible = Household.objects.for_user(cadre, "view")
    assert visible.exists()
    assert {h.region.code[:12] for h in visible.select_related("region")} == {"430405014201"}
    assert Household.objects.for_user(district, "view").count() == 80
    assert RoleAssignment.objects.get(user__username="leader").role.code == RoleCode.LEADER


def test_a_second_run_refuses_to_load_on_top_of_existing_households(db):
    run(households=30)
    with pytest.raises(CommandError, match="已有 30 户"):
        run(households=30)
    assert Household.objects.count() == 30


def test_if_empty_skips_generation_and_still_prints_the_accounts(db):
    run(households=30)
    output = run("--if-empty")
    assert "跳过生成" in output
    assert "cadre2" in output and DEMO_PASSWORD in output
    assert Household.objects.count() == 30


def test_reset_is_refused_outside_a_demo_database(db, settings):
    settings.FUPIN_MODE = "production"
    run(households=10)
    with pytest.raises(CommandError, match="FUPIN_MODE=demo"):
        run("--reset", households=10)
    assert Household.objects.count() == 10


def test_reset_empties_a_demo_database_and_loads_again(transactional_db, settings):
    # Transactional: --reset drops and re-creates every table for real, which neither
    # database allows inside a test's transaction.
    settings.FUPIN_MODE = "demo"
    User.objects.create(username="left-over")
    output = run("--reset", households=12, seed=2)
    assert "已生成 12 户" in output
    assert Household.objects.count() == 12
    assert not User.objects.filter(username="left-over").exists()
    assert User.objects.filter(username="district").count() == 1


def test_bad_arguments_are_explained(db):
    with pytest.raises(CommandError, match="--households"):
        run(households=-1)
    with pytest.raises(CommandError, match="2014"):
        run(households=1, year=2010)
