"""Found walking the identification pages as the district office, a township and a village
cadre (phone and desktop, Chinese and English): each test is one thing a user met there."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.core.models import Job
from fupin.identification.models import Application, Finding, Recheck
from fupin.identification.services.comparison import comparison_run_file
from fupin.regions.models import Region
from tests.conftest import DISTRICT, make_household, new_id
from tests.identification.conftest import poor_household
from tests.identification.test_comparison import write_csv


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def vehicle_list(tmp_path, coordinator, *rows):
    path = write_csv(tmp_path / "cars.csv", rows)
    return comparison_run_file(
        ctx=Context(actor=coordinator),
        path=path,
        file_name=path.name,
        region=Region.objects.get(code=DISTRICT),
        kind="vehicle",
    )


# ---------------------------------------------------------------- removal form


def test_the_removal_form_asks_for_a_reason_not_for_poverty_causes(regions, cadre):
    h = poor_household(registered=True)
    page = client_for(cadre).get(reverse("identification:application_create", args=[h.pk]) + "?kind=removal")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="reason"' in html and "清退理由" in html
    for admission_only in ('name="attribute"', 'name="main_cause"', 'name="other_causes"', 'name="standard"'):
        assert admission_only not in html


def test_a_link_with_the_wrong_kind_opens_the_form_the_household_needs(regions, cadre):
    """A registered household offered an admission form could only ever get the service's
    refusal; the page gives the removal form and the post makes a removal."""
    h = poor_household(registered=True)
    url = reverse("identification:application_create", args=[h.pk])
    c = client_for(cadre)
    assert 'name="attribute"' not in c.get(url + "?kind=admission").content.decode()
    assert c.get(url + "?kind=nonsense").status_code == 200
    response = c.post(url, {"kind": "admission", "year": 2017, "reason": "家庭成员为财政供养人员"})
    assert response.status_code == 302
    assert Application.objects.get(household=h).kind == "removal"


def test_a_removal_without_reason_is_refused_on_the_field(regions, cadre):
    h = poor_household(registered=True)
    response = client_for(cadre).post(
        reverse("identification:application_create", args=[h.pk]), {"kind": "removal", "year": 2017, "reason": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not Application.objects.exists()


# ---------------------------------------------------------------- the printable announcement


def test_an_announced_case_links_to_its_printable_announcement(regions, coordinator, cadre):
    h = poor_household()
    now = timezone.now()
    app = Application.objects.create(
        household=h,
        kind="admission",
        origin="cadre",
        year=2017,
        attribute="1",
        main_cause="01",
        step="done",
        step_since=now,
        proposed_by=cadre,
        proposed_at=now,
        announced_on=timezone.localdate(),
    )
    c = client_for(coordinator)
    html = c.get(reverse("identification:application_detail", args=[app.pk])).content.decode()
    link = reverse("identification:notice", args=[h.region_id]) + "?stage=announcement"
    assert link in html and "打印公告" in html
    notice = c.get(link).content.decode()
    assert h.members.get(relation="01").name in notice


# ---------------------------------------------------------------- queues opened from elsewhere


def test_the_queue_opened_from_a_list_names_the_list_and_links_back(tmp_path, regions, coordinator, reviewer):
    h = make_household("4304050142010701")
    number = h.members.get().id_number
    c_list = vehicle_list(tmp_path, coordinator, [1, "张三", number, "湘D1"])
    url = reverse("identification:finding_list") + f"?comparison={c_list.pk}&status=all"
    html = client_for(coordinator).get(url).content.decode()
    detail = reverse("identification:comparison_detail", args=[c_list.pk])
    assert "cars.csv" in html and f'href="{detail}"' in html
    assert '<input type="hidden" name="comparison"' in html
    # The township sees the list's leads but not the district's list page: named, not linked.
    html = client_for(reviewer).get(url).content.decode()
    assert f"#{c_list.pk}" in html and f'href="{detail}"' not in html


def test_a_lead_links_to_its_list_for_those_who_may_open_it(tmp_path, regions, coordinator, reviewer):
    h = make_household("4304050142010702")
    c_list = vehicle_list(tmp_path, coordinator, [1, "张三", h.members.get().id_number, "湘D1"])
    f = Finding.objects.get(comparison=c_list)
    detail = reverse("identification:comparison_detail", args=[c_list.pk])
    page = reverse("identification:finding_detail", args=[f.pk])
    assert f'href="{detail}"' in client_for(coordinator).get(page).content.decode()
    assert f'href="{detail}"' not in client_for(reviewer).get(page).content.decode()


def test_the_candidates_of_a_list_open_as_applications_of_that_list(tmp_path, regions, coordinator):
    outsider = make_household("4304050142010703", registered=False)
    path = write_csv(tmp_path / "dibao.csv", [[1, "李四", outsider.members.get().id_number, "DB1"]])
    path.write_bytes(path.read_bytes().replace("车牌号".encode(), "低保证号".encode()))
    c_list = comparison_run_file(
        ctx=Context(actor=coordinator),
        path=path,
        file_name="dibao.csv",
        region=Region.objects.get(code=DISTRICT),
        kind="dibao",
    )
    assert c_list.candidates == 1
    c = client_for(coordinator)
    link = reverse("identification:application_list") + f"?comparison={c_list.pk}&amp;step="
    assert link in c.get(reverse("identification:comparison_detail", args=[c_list.pk])).content.decode()
    assert link in c.get(reverse("identification:comparison_list")).content.decode()
    page = c.get(reverse("identification:application_list") + f"?comparison={c_list.pk}&step=")
    assert [a.household_id for a in page.context["page"].object_list] == [outsider.pk]
    other = c.get(reverse("identification:application_list") + f"?comparison={c_list.pk + 1}&step=")
    assert list(other.context["page"].object_list) == []


def test_the_queue_opened_from_a_recheck_row_names_the_campaign_and_the_township(regions, coordinator):
    r = Recheck.objects.create(region=Region.objects.get(code=DISTRICT), year=2017, started_by=coordinator)
    township = Region.objects.get(code="430405014")
    url = reverse("identification:finding_list") + f"?recheck={r.pk}&region={township.pk}"
    html = client_for(coordinator).get(url).content.decode()
    assert f"回头看 #{r.pk}（2017 年）" in html
    assert f'href="{reverse("identification:recheck_detail", args=[r.pk])}"' in html
    assert township.name in html
    # Dropping the township keeps the campaign.
    assert f'href="?recheck={r.pk}"' in html


def test_the_application_queue_keeps_its_township_when_filtered_again(regions, coordinator):
    township = Region.objects.get(code="430405014")
    html = (
        client_for(coordinator)
        .get(reverse("identification:application_list") + f"?step=candidate&region={township.pk}")
        .content.decode()
    )
    assert f'<input type="hidden" name="region" value="{township.pk}">' in html
    assert township.name in html


# ---------------------------------------------------------------- uploads


def test_an_upload_lands_on_the_lists_and_one_still_queued_is_named_there(regions, coordinator):
    f = SimpleUploadedFile("cars.csv", f"姓名,证件号码,车牌号\n张三,{new_id(dt.date(1980, 1, 1))},湘D1\n".encode())
    c = client_for(coordinator)
    # No on_commit callbacks run here: the job stays queued, as behind a busy worker.
    response = c.post(
        reverse("identification:comparison_create"),
        {"file": f, "kind": "vehicle", "region": Region.objects.get(code=DISTRICT).pk},
    )
    assert response.status_code == 302 and response["Location"] == reverse("identification:comparison_list")
    job = Job.objects.get(kind="compare")
    html = c.get(reverse("identification:comparison_list")).content.decode()
    assert "cars.csv" in html and reverse("core:job_detail", args=[job.pk]) in html


def test_a_failed_upload_says_so_with_a_link_to_its_log(regions, coordinator, analyst):
    job = Job.objects.create(kind="compare", actor=coordinator, status="failed", params={"file_name": "bad.csv"})
    html = client_for(coordinator).get(reverse("identification:comparison_list")).content.decode()
    assert "bad.csv" in html and "比对失败" in html and reverse("core:job_detail", args=[job.pk]) in html


# ---------------------------------------------------------------- policy versions


def test_the_policy_list_offers_edit_in_the_first_column_and_folds_the_criteria(regions, coordinator):
    html = client_for(coordinator).get(reverse("identification:policy_list")).content.decode()
    assert "<details><summary>" in html
    first_cells = html.split('data-label="版本"')[1].split("</td>")[0]
    assert "?from=" in first_cells
