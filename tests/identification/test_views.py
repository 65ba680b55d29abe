"""The pages, told as the people who use them."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from fupin.core.changelog import Context
from fupin.identification.models import Application, Assessment, PolicyVersion
from fupin.identification.services.applications import (
    application_propose,
    appraisal_record,
)
from fupin.registry.services import household_update
from tests.conftest import SYSTEM, head_data
from tests.identification.conftest import poor_household


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_every_page_renders_for_the_district_office(regions, coordinator, cadre):
    h = poor_household()
    c = client_for(coordinator)
    for name, kwargs in [
        ("index", None),
        ("policy_list", None),
        ("policy_create", None),
        ("application_list", None),
        ("finding_list", None),
        ("comparison_list", None),
        ("comparison_create", None),
        ("recheck_list", None),
        ("household", {"pk": h.pk}),
        ("application_create", {"pk": h.pk}),
        ("notice", {"region_pk": h.region_id}),
    ]:
        response = c.get(reverse(f"identification:{name}", kwargs=kwargs))
        assert response.status_code == 200, name


def test_a_cadre_assesses_a_household_and_reads_the_sentence(regions, cadre):
    h = poor_household()
    c = client_for(cadre)
    response = c.post(reverse("identification:household_assess", args=[h.pk]), {"year": 2017}, follow=True)
    assert "人均纯收入 2,950 元，低于 2017 年扶贫标准 3,335 元" in response.content.decode()
    a = Assessment.objects.get(household=h)
    assert a.policy == PolicyVersion.objects.get(year=2017, region_id="430405") and a.outcome == "eligible"


def test_assessing_a_year_without_policy_says_so(regions, cadre):
    h = poor_household()
    response = client_for(cadre).post(reverse("identification:household_assess", args=[h.pk]), {"year": 2030})
    assert response.status_code == 200
    assert "2030 年没有适用于大昌村" in response.content.decode()


def test_the_cadre_proposes_through_the_form_and_cannot_approve_it(regions, cadre, second_cadre):
    h = poor_household()
    c = client_for(cadre)
    response = c.post(
        reverse("identification:application_create", args=[h.pk]),
        {"kind": "admission", "year": 2017, "attribute": "1", "main_cause": "01", "standard": "1"},
    )
    app = Application.objects.get(household=h)
    assert response.status_code == 302 and app.proposed_by == cadre
    page = c.get(reverse("identification:application_detail", args=[app.pk])).content.decode()
    assert "您是本申请的提出人" in page
    step = {
        "meeting_date": dt.date.today().isoformat(),
        "representatives": 30,
        "present": 25,
        "votes_for": 20,
        "votes_against": 2,
    }
    refused = c.post(reverse("identification:application_step", args=[app.pk]), step)
    assert refused.status_code == 200 and "提出人" in refused.content.decode()
    ok = client_for(second_cadre).post(reverse("identification:application_step", args=[app.pk]), step)
    assert ok.status_code == 302
    assert Application.objects.get(pk=app.pk).step == "village_notice"


def test_the_public_notice_shows_no_personal_data(regions, cadre, second_cadre, leader):
    phone, account = "13812345678", "6217001234567890123"
    head = head_data(name="王秀英", phone="13987654321", health="03", ins_medical=True)
    h = poor_household(head=head)
    household_update(ctx=SYSTEM, household=h, data={"phone": phone, "bank_name": "农商银行", "bank_account": account})
    app = application_propose(
        ctx=Context(actor=cadre), household=h, kind="admission", year=2017, data={"attribute": "2", "main_cause": "01"}
    )
    appraisal_record(
        ctx=Context(actor=second_cadre),
        application=app,
        meeting_date=dt.date.today(),
        representatives=20,
        present=18,
        votes_for=15,
        votes_against=1,
    )
    id_number = h.members.get().id_number
    html = (
        client_for(leader)
        .get(reverse("identification:notice", args=[h.region_id]) + "?stage=village_notice")
        .content.decode()
    )
    assert "王秀英" in html and "大昌村" in html and "低保贫困户" in html and "因病" in html
    for secret in (
        id_number,
        id_number[-4:] + "<",
        id_number[:6] + "*",
        phone,
        phone[-4:],
        account[-4:],
        "13987654321",
        "患有大病",
        "农商银行",
    ):
        assert secret not in html, secret
    assert "****" not in html  # not even masked forms of personal fields


def test_an_out_of_scope_notice_is_absent(regions, other_cadre, cadre):
    h = poor_household()
    assert client_for(other_cadre).get(reverse("identification:notice", args=[h.region_id])).status_code == 404


def test_the_queue_marks_overdue_steps(regions, cadre, second_cadre, reviewer, coordinator):
    import time_machine

    h = poor_household()
    app = application_propose(
        ctx=Context(actor=cadre), household=h, kind="admission", year=2017, data={"attribute": "1", "main_cause": "01"}
    )
    appraisal_record(
        ctx=Context(actor=second_cadre),
        application=app,
        meeting_date=dt.date.today(),
        representatives=20,
        present=18,
        votes_for=15,
        votes_against=1,
    )
    c = client_for(coordinator)
    assert "row-overdue" not in c.get(reverse("identification:application_list")).content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=9)):
        page = c.get(reverse("identification:application_list")).content.decode()
        assert "row-overdue" in page and "公示期满待确认" in page
        only = c.get(reverse("identification:application_list") + "?overdue=1").content.decode()
        assert f"#{app.pk}" in only


def test_the_policy_page_inserts_a_new_version_and_keeps_the_old(regions, coordinator, cadre):
    c = client_for(coordinator)
    old = PolicyVersion.objects.get(year=2017, region_id="430405")
    data = {
        "year": 2017,
        "region": regions["430405"].pk,
        "effective_from": "2017-01-01",
        "poverty_line": "3335",
        "floor_standard_monthly": "275",
        "criteria": ["income", "housing", "water"],
        "notice_days": 7,
        "step_overdue_days": 10,
        "note": "核实后调整",
        "verified": "on",
        "from": old.pk,
    }
    response = c.post(reverse("identification:policy_create") + f"?from={old.pk}", data)
    assert response.status_code == 302
    new = PolicyVersion.objects.get(supersedes=old)
    assert (new.floor_standard_monthly, new.created_by, new.verified) == (275, coordinator, True)
    assert PolicyVersion.objects.filter(pk=old.pk, floor_standard_monthly=270).exists()
    page = c.get(reverse("identification:policy_list")).content.decode()
    assert "已替代" in page and "核实后调整" in page
    # A village cadre reads the history but cannot add a version.
    assert client_for(cadre).get(reverse("identification:policy_create")).status_code == 404


def test_the_recheck_button_runs_the_campaign_in_the_background(
    regions, coordinator, django_capture_on_commit_callbacks
):
    poor_household(registered=True, income="9000")
    c = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("identification:recheck_list"), {"year": 2017})
    assert response.status_code == 302
    from fupin.identification.models import Recheck

    r = Recheck.objects.get()
    assert r.finished is not None and r.job.status == "done"
    page = c.get(reverse("identification:recheck_detail", args=[r.pk])).content.decode()
    assert "东阳渡街道" in page


def test_uploading_a_list_without_id_column_is_refused_on_the_form(regions, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("cars.csv", "姓名,车牌号\n张三,湘D1\n".encode())
    response = client_for(coordinator).post(
        reverse("identification:comparison_create"), {"file": f, "kind": "vehicle", "region": regions["430405"].pk}
    )
    assert response.status_code == 200 and "没有“证件号码”列" in response.content.decode()


def test_uploading_a_list_runs_the_comparison(regions, coordinator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    h = poor_household(registered=True)
    number = h.members.get().id_number
    f = SimpleUploadedFile("cars.csv", f"姓名,证件号码,车牌号\n张三,{number},湘D1\n".encode("gb18030"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("identification:comparison_create"), {"file": f, "kind": "vehicle", "region": regions["430405"].pk}
        )
    assert response.status_code == 302
    from fupin.identification.models import ComparisonList, Finding

    c = ComparisonList.objects.get()
    assert (c.matched, c.findings, c.uploaded_by) == (1, 1, coordinator)
    assert Finding.objects.get().household_id == h.pk


def test_the_include_for_the_household_page(regions, cadre, other_cadre):
    from django.template import Context as TemplateContext
    from django.template import Template
    from django.test import RequestFactory

    from fupin.identification.services.assessments import assessment_run

    h = poor_household()
    assessment_run(ctx=SYSTEM, household=h, year=2017)
    template = Template("{% load identification %}{% household_assessment h %}")
    request = RequestFactory().get("/")
    request.user = cadre
    html = template.render(TemplateContext({"request": request, "h": h}))
    assert "人均纯收入 2,950 元，低于 2017 年扶贫标准 3,335 元" in html and "评估与识别申请" in html
    request.user = other_cadre  # out of scope: no assessment shown
    assert "人均纯收入" not in template.render(TemplateContext({"request": request, "h": h}))
