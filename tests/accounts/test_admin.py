"""The admin is for system administrators: regions, users with their role assignments and
roles are edited there and logged; registry records, the change log and jobs are read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from fupin.accounts.models import Role, RoleAssignment
from fupin.accounts.services.users import user_create
from fupin.core.models import ObjectChange
from tests.conftest import DACHANG, SYSTEM, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(regions):
    root = user_create(ctx=SYSTEM, username="root", password="test-pass-123", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(root)
    return c


def test_admin_pages_open(admin_client, dachang_household):
    for name in (
        "admin:regions_region_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_role_changelist",
        "admin:registry_household_changelist",
        "admin:core_objectchange_changelist",
        "admin:core_job_changelist",
        "admin:accounts_user_add",
        "admin:regions_region_add",
    ):
        assert admin_client.get(reverse(name)).status_code == 200, name
    page = admin_client.get(reverse("admin:registry_household_change", args=[dachang_household.pk]))
    assert page.status_code == 200
    number = dachang_household.members.get().id_number
    assert number not in page.content.decode() and number[-4:] in page.content.decode()


def test_registry_admin_is_read_only(admin_client, dachang_household):
    assert admin_client.get(reverse("admin:registry_household_add")).status_code == 403
    url = reverse("admin:registry_household_change", args=[dachang_household.pk])
    admin_client.post(url, {"code": "CHANGED"})
    dachang_household.refresh_from_db()
    assert dachang_household.code != "CHANGED"
    assert admin_client.get(reverse("admin:registry_household_delete", args=[dachang_household.pk])).status_code == 403


def test_role_assignment_added_in_the_admin_is_logged_without_the_password(admin_client, cadre):
    url = reverse("admin:accounts_user_change", args=[cadre.pk])
    existing = cadre.assignments.get()
    data = {
        "username": "cadre",
        "first_name": "大昌村干部",
        "last_name": "",
        "email": "",
        "phone": "13800000000",
        "is_active": "on",
        "assignments-TOTAL_FORMS": "2",
        "assignments-INITIAL_FORMS": "1",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-id": existing.pk,
        "assignments-0-user": cadre.pk,
        "assignments-0-role": existing.role_id,
        "assignments-0-region": existing.region_id,
        "assignments-0-valid_from": existing.valid_from.isoformat(),
        "assignments-0-valid_to": "",
        "assignments-1-user": cadre.pk,
        "assignments-1-role": Role.objects.get(code="township_reviewer").pk,
        "assignments-1-region": region(DACHANG).pk,
        "assignments-1-valid_from": "2024-01-01",
        "assignments-1-valid_to": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoleAssignment.objects.filter(user=cadre).count() == 2
    user_change = ObjectChange.objects.filter(source="admin", object_id=cadre.pk, action="update").get()
    assert user_change.after == {"first_name": "大昌村干部", "phone": "138****0000"}
    assert ObjectChange.objects.filter(source="admin", action="create", related_id=cadre.pk).count() == 1
    assert not any("password" in (c.after or {}) for c in ObjectChange.objects.filter(source="admin"))


def test_role_permission_changes_are_logged(admin_client, regions):
    role = Role.objects.get(code="leader")
    kept = list(role.permissions.values_list("pk", flat=True))[1:]
    response = admin_client.post(
        reverse("admin:accounts_role_change", args=[role.pk]),
        {"code": role.code, "name": role.name, "permissions": kept},
    )
    assert response.status_code == 302
    change = ObjectChange.objects.get(source="admin", object_id=role.pk)
    assert len(change.before["permissions"]) == len(change.after["permissions"]) + 1


def test_nobody_deletes_in_the_admin(admin_client, cadre):
    assert admin_client.get(reverse("admin:accounts_user_delete", args=[cadre.pk])).status_code == 403
    assert admin_client.get(reverse("admin:regions_region_delete", args=[region(DACHANG).pk])).status_code == 403


def test_non_staff_cannot_reach_the_admin(cadre):
    c = Client()
    c.force_login(cadre)
    response = c.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url
