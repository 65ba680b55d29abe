"""Follow-ups of the issue 4 review: applications from an import (origin 导入), and a township
reviewer reading a district re-check through their own township's row."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ScopeError
from fupin.core.models import ObjectChange
from fupin.identification.choices import ApplicationOrigin, Step
from fupin.identification.models import Application, Recheck
from fupin.identification.selectors.imports import import_preview
from fupin.identification.selectors.policy import latest_policy_year
from fupin.identification.services.applications import application_propose, application_submit
from fupin.identification.services.imports import application_create_from_import
from fupin.registry.services import household_close
from tests.conftest import DACHANG, DISTRICT, DONGYANGDU, JIEFANG, LINGHU, SYSTEM, head_data, make_household, region

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---------------------------------------------------------------- applications from an import


@pytest.fixture
def batch(regions):
    """The households of one import batch, as the importer logs them (each change-log row with
    the batch id and the household as related object), in every state that matters."""
    batch_id = uuid.uuid4()
    imported = Context(actor=None, source=ChangeSource.IMPORT, batch_id=batch_id)

    def add(code, region_code=DACHANG, **kw):
        return _create(imported, code, region_code, **kw)

    hh = {
        "ordinary": add("4304050142010701", registered=False),
        "marked": add(
            "4304050142010702", registered=False, attribute="2", main_cause="02", other_causes="08", standard="2"
        ),
        "registered": add("4304050142010703"),
        "open_case": add("4304050142010704", registered=False),
        "closed": add("4304050142010705", registered=False),
        "other_township": add("4304052012010706", JIEFANG, registered=False),
    }
    application_propose(
        ctx=SYSTEM, household=hh["open_case"], kind="admission", year=2017, data={"attribute": "1", "main_cause": "01"}
    )
    household_close(ctx=Context(actor=None, reason="整户迁出"), household=hh["closed"], reason="moved_out")
    # Not of this batch: created by hand.
    hh["by_hand"] = make_household("4304050142010707", registered=False)
    return batch_id, hh


def _create(ctx, code, region_code, *, registered=True, **data):
    from fupin.registry.services import household_create

    fields = (
        {"registered": True, "attribute": "1", "main_cause": "01", "identified_year": 2014, "status": "not_exited"}
        if registered
        else {}
    )
    fields.update(data)
    return household_create(ctx=ctx, code=code, region=region(region_code), data=fields, head=head_data())


def test_the_district_office_opens_one_case_per_unregistered_household(batch, coordinator):
    batch_id, hh = batch
    preview = import_preview(user=coordinator, batch=batch_id)
    assert (preview.households, preview.registered, preview.closed, preview.open_case) == (6, 1, 1, 1)
    assert (preview.eligible, preview.marked) == (3, 1)
    done = application_create_from_import(ctx=Context(actor=coordinator), batch=batch_id, year=2017)
    assert done.created == 3
    apps = Application.objects.filter(origin=ApplicationOrigin.IMPORT)
    assert {a.household.code for a in apps} == {hh[k].code for k in ("ordinary", "marked", "other_township")}
    assert {(a.kind, a.step, a.year, a.proposed_by_id) for a in apps} == {("admission", Step.CANDIDATE, 2017, None)}
    # What the roster said about the household is carried over for the village to confirm.
    marked = apps.get(household=hh["marked"])
    assert (marked.attribute, marked.main_cause, marked.other_causes, marked.standard) == ("2", "02", "08", "2")
    # Each case logged with the office that opened it.
    rows = ObjectChange.objects.filter(content_type__model="application", object_id__in=done.application_ids)
    assert rows.count() == 3 and {r.actor_id for r in rows} == {coordinator.pk}
    assert {r.related_id for r in rows} == {a.household_id for a in apps}


def test_opening_them_again_opens_nothing(batch, coordinator):
    batch_id, _hh = batch
    application_create_from_import(ctx=Context(actor=coordinator), batch=batch_id, year=2017)
    again = application_create_from_import(ctx=Context(actor=coordinator), batch=batch_id, year=2017)
    assert again.created == 0
    assert Application.objects.filter(origin=ApplicationOrigin.IMPORT).count() == 3


def test_a_township_reviewer_opens_only_their_townships_cases(batch, reviewer):
    batch_id, hh = batch
    assert import_preview(user=reviewer, batch=batch_id).eligible == 2
    done = application_create_from_import(ctx=Context(actor=reviewer), batch=batch_id, year=2017)
    assert done.created == 2
    assert not Application.objects.filter(household=hh["other_township"]).exists()


def test_a_village_cadre_may_not_open_cases_for_an_import(batch, cadre):
    batch_id, _hh = batch
    with pytest.raises(ScopeError):
        application_create_from_import(ctx=Context(actor=cadre), batch=batch_id, year=2017)
    assert not Application.objects.filter(origin=ApplicationOrigin.IMPORT).exists()


def test_the_village_takes_up_an_imported_case_and_the_office_can_still_decide(batch, coordinator, cadre):
    batch_id, hh = batch
    application_create_from_import(ctx=Context(actor=coordinator), batch=batch_id, year=2017)
    app = Application.objects.get(household=hh["marked"])
    app = application_submit(ctx=Context(actor=cadre), application=app, data={})
    assert app.step == Step.APPLIED and app.attribute == "2" and app.proposed_by_id == cadre.pk


def test_a_real_roster_import_registers_its_households(regions, tmp_path, coordinator):
    """Layout 1 loads every household as 建档立卡, so such a batch is found but leaves no one to
    apply for (docs in fupin/identification/selectors/imports.py)."""
    from tests.exchange.helpers import household, run, write_csv

    rows = household("430405014201000801", 2) + household("430405014201000802", 1)
    result = run(write_csv(tmp_path / "roster.csv", rows))
    assert result.status == "loaded"
    p = import_preview(user=coordinator, batch=result.batch_id)
    assert (p.households, p.registered, p.eligible) == (2, 2, 0)


def test_the_confirmation_page_says_how_many_and_the_button_opens_them(batch, coordinator):
    batch_id, _hh = batch
    c = client_for(coordinator)
    url = reverse("identification:import_applications", args=[batch_id])
    body = c.get(url).content.decode()
    assert "将为 3 户创建识别申请" in body and 'data-confirm="确定为 3 户创建识别申请吗？"' in body
    r = c.post(url, {"year": 2017})
    assert r.status_code == 302 and r["Location"].endswith("?step=candidate")
    assert Application.objects.filter(origin=ApplicationOrigin.IMPORT).count() == 3
    # The list of imports no longer offers the batch once nobody is left to apply for.
    listing = c.get(reverse("identification:import_list")).content.decode()
    assert str(batch_id)[:8] not in listing


def test_the_page_and_the_command_default_to_the_services_year(batch, coordinator):
    """One default year for the page, the command and the service: the latest year with a
    poverty line (not this calendar year, which may have no line yet)."""
    batch_id, hh = batch
    url = reverse("identification:import_applications", args=[batch_id])
    body = client_for(coordinator).get(url).content.decode()
    year = latest_policy_year()
    assert year != timezone.localdate().year
    assert f'name="year" value="{year}"' in body
    call_command("applications", "--from-batch", str(batch_id), stdout=StringIO())
    assert Application.objects.get(household=hh["marked"]).year == year


def test_the_list_of_imports_offers_the_batch(batch, coordinator, reviewer):
    batch_id, _hh = batch
    body = client_for(coordinator).get(reverse("identification:import_list")).content.decode()
    assert reverse("identification:import_applications", args=[batch_id]) in body
    index = client_for(reviewer).get(reverse("identification:index")).content.decode()
    assert reverse("identification:import_list") in index


def test_pages_of_an_unknown_or_foreign_batch_are_absent(batch, coordinator, other_cadre, cadre):
    batch_id, _hh = batch
    unknown = reverse("identification:import_applications", args=[uuid.uuid4()])
    assert client_for(coordinator).get(unknown).status_code == 404
    url = reverse("identification:import_applications", args=[batch_id])
    assert client_for(cadre).get(url).status_code == 404
    assert client_for(cadre).post(url, {"year": 2017}).status_code == 404
    assert not Application.objects.filter(origin=ApplicationOrigin.IMPORT).exists()


def test_the_command_opens_them_from_the_terminal(batch):
    batch_id, _hh = batch
    out = StringIO()
    call_command("applications", "--from-batch", str(batch_id), "--dry-run", stdout=out)
    assert "可申请识别 3 户" in out.getvalue()
    assert not Application.objects.filter(origin=ApplicationOrigin.IMPORT).exists()
    call_command("applications", "--from-batch", str(batch_id), "--year", "2017", "--user", "reviewer", stdout=out)
    assert "已创建 2 份识别申请" in out.getvalue()
    with pytest.raises(CommandError, match="导入批次号不正确"):
        call_command("applications", "--from-batch", "not-a-batch")


# ---------------------------------------------------------------- the re-check, seen by a township


@pytest.fixture
def district_recheck(regions):
    def row(code, eligible):
        r = region(code)
        return {
            "id": r.pk,
            "name": r.name,
            "outcomes": {"eligible": eligible},
            "new": {},
            "open": {},
            "new_total": 0,
            "open_total": 0,
            "candidates": 0,
        }

    summary = {"townships": [row(DONGYANGDU, 41), row(LINGHU, 57)], "totals": {"households": 9876, "assessed": 98}}
    return Recheck.objects.create(region=region(DISTRICT), year=2017, summary=summary, finished=timezone.now())


def test_a_township_reviewer_reads_a_district_recheck_through_their_own_row(district_recheck, reviewer):
    r = client_for(reviewer).get(reverse("identification:recheck_detail", args=[district_recheck.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert region(DONGYANGDU).name in body and ">41<" in body
    assert region(LINGHU).name not in body and ">57<" not in body
    # District-wide totals are not the township's to read.
    assert "9876" not in body
    listing = client_for(reviewer).get(reverse("identification:recheck_list")).content.decode()
    assert reverse("identification:recheck_detail", args=[district_recheck.pk]) in listing


def test_the_district_office_reads_every_row_and_the_totals(district_recheck, coordinator):
    body = client_for(coordinator).get(reverse("identification:recheck_detail", args=[district_recheck.pk])).content
    body = body.decode()
    assert region(DONGYANGDU).name in body and region(LINGHU).name in body and "9876" in body


def test_a_recheck_of_another_township_stays_absent(regions, reviewer, cadre, district_recheck):
    other = Recheck.objects.create(region=region(LINGHU), year=2017, summary={}, finished=timezone.now())
    assert client_for(reviewer).get(reverse("identification:recheck_detail", args=[other.pk])).status_code == 404
    # A village cadre holds no re-check permission at all.
    url = reverse("identification:recheck_detail", args=[district_recheck.pk])
    assert client_for(cadre).get(url).status_code == 404
