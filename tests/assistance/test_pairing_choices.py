"""The pairing form offers the cadres who can sensibly take the household first: the work team
in its village, then its township, then the others in scope, each least busy first."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.assistance.forms import PairingAssignForm
from fupin.assistance.models import Pairing, WorkTeam
from fupin.assistance.services import pairing_assign
from tests.assistance.conftest import make_cadre
from tests.conftest import DACHANG, DACHANG_G1, DONGYANGDU, GUANGHUI, JIEFANG, SYSTEM, make_household, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(unit, dachang_household):
    team = WorkTeam.objects.create(name="大昌村工作队", region=region(DACHANG), unit=unit)
    cadres = {
        # Serves the village itself, and already holds two households.
        "village": make_cadre("甲村干", DACHANG),
        # A township cadre sent with the village's work team.
        "team": make_cadre("乙队员", DONGYANGDU, unit=unit, team=team),
        "neighbour": make_cadre("丙邻村", GUANGHUI),
        "township": make_cadre("丁乡干", DONGYANGDU),
        "far": make_cadre("戊外乡", JIEFANG),
    }
    for i in (1, 2):
        h = make_household(f"430405014201090{i}", DACHANG)
        pairing_assign(ctx=SYSTEM, household=h, cadre=cadres["village"])
    return cadres


def grouped(form) -> list[tuple[str, list[str]]]:
    """The form's options as (group label, [option labels])."""
    return [
        (str(group), [label for _value, label in options])
        for group, options in form.fields["cadre"].choices
        if isinstance(options, list)
    ]


def test_village_team_first_then_township_then_others_least_busy_first(coordinator, cast, dachang_household):
    groups = grouped(PairingAssignForm(user=coordinator, household=dachang_household))
    names = [(g, [label.split("（")[0] for label in labels]) for g, labels in groups]
    assert names == [
        ("本村工作队", ["乙队员", "甲村干"]),  # 0 held before 2 held
        ("本乡镇", ["丁乡干", "丙邻村"]),
        ("其他", ["戊外乡"]),
    ]


def test_a_household_of_a_village_group_is_matched_to_its_village(coordinator, cast):
    h = make_household("4304050142010910", DACHANG_G1)
    groups = dict(grouped(PairingAssignForm(user=coordinator, household=h)))
    assert len(groups["本村工作队"]) == 2


def test_labels_name_the_unit_team_and_households_held(coordinator, cast, dachang_household):
    labels = dict(grouped(PairingAssignForm(user=coordinator, household=dachang_household)))["本村工作队"]
    assert labels == [
        "乙队员（东阳渡街道 · 衡阳市扶贫办/大昌村工作队）在帮 0 户",
        "甲村干（大昌村 · 珠晖区农业局）在帮 2 户",
    ]


def test_the_page_shows_the_groups_in_a_bounded_number_of_queries(coordinator, cast, dachang_household):
    c = Client()
    c.force_login(coordinator)
    url = reverse("assistance:pairing_assign", args=[dachang_household.pk])
    with CaptureQueriesContext(connection) as few:
        response = c.get(url)
    page = response.content.decode()
    assert '<optgroup label="本村工作队">' in page and '<optgroup label="其他">' in page
    for i in range(6):
        make_cadre(f"新干部{i}", JIEFANG if i % 2 else GUANGHUI)
    with CaptureQueriesContext(connection) as many:
        c.get(url)
    assert len(many) == len(few)


def test_a_cadre_of_another_township_in_scope_can_still_be_chosen(coordinator, cast, dachang_household):
    c = Client()
    c.force_login(coordinator)
    response = c.post(
        reverse("assistance:pairing_assign", args=[dachang_household.pk]),
        {"cadre": cast["far"].pk, "started_on": "2017-01-01"},
    )
    assert response.status_code == 302
    assert Pairing.objects.get(household=dachang_household, ended_on__isnull=True).cadre == cast["far"]


def test_a_reviewer_sees_only_the_cadres_of_the_township(reviewer, cast, dachang_household):
    form = PairingAssignForm(user=reviewer, household=dachang_household)
    groups = dict(grouped(form))
    assert "其他" not in groups
    assert not form.fields["cadre"].queryset.filter(pk=cast["far"].pk).exists()
