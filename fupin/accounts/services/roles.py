"""The role catalogue: which permissions each role bundles.

Kept as data here (and synced into Role rows after every migrate) so that a new app adds
its permissions in one place; administrators may still add permissions to a role in the
admin, and sync only ever adds what this catalogue names.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q

from fupin.accounts.choices import RoleCode
from fupin.accounts.models import Role

REGISTRY_READ = {
    "registry.view_household",
    "registry.view_member",
    "registry.view_householdyear",
}
REGISTRY_WRITE = {
    "registry.add_household",
    "registry.change_household",
    "registry.add_member",
    "registry.change_member",
    "registry.add_householdyear",
    "registry.change_householdyear",
}
SENSITIVE = {"registry.view_sensitive_household"}
DISTRICT_ONLY = {
    "registry.close_household",
    "registry.export_household",
    "exchange.add_importbatch",
    "exchange.view_importbatch",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    RoleCode.VILLAGE_CADRE: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE,
    RoleCode.TOWNSHIP_REVIEWER: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | {"registry.export_household"},
    RoleCode.DISTRICT_OFFICE: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | DISTRICT_ONLY,
    RoleCode.SECTOR: REGISTRY_READ,
    RoleCode.LEADER: REGISTRY_READ | {"registry.export_household"},
    RoleCode.SYSADMIN: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | DISTRICT_ONLY,
}

# Identification and re-check (issue 4): the village proposes and runs the village steps,
# the township reviews and settles findings, the district approves, edits policy and runs
# comparisons and re-checks; leaders and sectors read.
IDENT_READ = {
    "identification.view_policyversion",
    "identification.view_assessment",
    "identification.view_needscheck",
    "identification.view_application",
    "identification.view_finding",
    "identification.view_comparisonlist",
    "identification.view_recheck",
}
IDENT_VILLAGE = {
    "identification.view_policyversion",
    "identification.view_assessment",
    "identification.view_needscheck",
    "identification.view_application",
    "identification.add_application",
    "identification.village_step_application",
    "identification.add_assessment",
    "identification.add_needscheck",
}
IDENT_TOWNSHIP = (
    IDENT_READ
    | IDENT_VILLAGE
    | {
        "identification.township_review_application",
        "identification.decide_finding",
    }
)
IDENT_DISTRICT = IDENT_READ | {
    "identification.add_application",
    "identification.add_assessment",
    "identification.add_needscheck",
    "identification.approve_application",
    "identification.edit_policy",
    "identification.add_comparisonlist",
    "identification.run_recheck",
}
ROLE_PERMISSIONS[RoleCode.VILLAGE_CADRE] |= IDENT_VILLAGE
ROLE_PERMISSIONS[RoleCode.TOWNSHIP_REVIEWER] |= IDENT_TOWNSHIP
ROLE_PERMISSIONS[RoleCode.DISTRICT_OFFICE] |= IDENT_DISTRICT
ROLE_PERMISSIONS[RoleCode.SECTOR] |= IDENT_READ
ROLE_PERMISSIONS[RoleCode.LEADER] |= IDENT_READ
ROLE_PERMISSIONS[RoleCode.SYSADMIN] |= IDENT_READ

# Assistance (issue 5): village cadres read their households' plans and record visits,
# measures and wishes; the township also changes measures, visits and pairings; the district
# office runs everything including the organisation and the policies; leaders and sectors
# read. Donors hold no role at all (they must never see the registry).
_ASSIST_MODELS = (
    "linkedunit",
    "leadinggroupmember",
    "workteam",
    "cadre",
    "pairing",
    "maxworkload",
    "plan",
    "measureitem",
    "project",
    "measure",
    "creditpolicy",
    "visit",
    "visitphoto",
    "visitpolicy",
    "wish",
    "wishclaim",
)
ASSIST_READ = {f"assistance.view_{m}" for m in _ASSIST_MODELS}
ASSIST_VILLAGE = ASSIST_READ | {
    "assistance.add_visit",
    "assistance.add_visitphoto",
    "assistance.add_measure",
    "assistance.add_plan",
    "assistance.change_plan",
    "assistance.add_wish",
    "assistance.change_wish",
}
ASSIST_TOWNSHIP = ASSIST_VILLAGE | {
    "assistance.change_measure",
    "assistance.change_visit",
    "assistance.add_pairing",
    "assistance.change_pairing",
}
ASSIST_DISTRICT = (
    ASSIST_TOWNSHIP
    | {f"assistance.{a}_{m}" for m in _ASSIST_MODELS for a in ("add", "change")}
    | {
        "assistance.view_donor",
        "assistance.export_measure",
    }
)
ROLE_PERMISSIONS[RoleCode.VILLAGE_CADRE] |= ASSIST_VILLAGE
ROLE_PERMISSIONS[RoleCode.TOWNSHIP_REVIEWER] |= ASSIST_TOWNSHIP
ROLE_PERMISSIONS[RoleCode.DISTRICT_OFFICE] |= ASSIST_DISTRICT
ROLE_PERMISSIONS[RoleCode.SECTOR] |= ASSIST_READ
ROLE_PERMISSIONS[RoleCode.LEADER] |= ASSIST_READ
ROLE_PERMISSIONS[RoleCode.SYSADMIN] |= ASSIST_READ

# Reports (issue 6): everyone with a role reads the dashboard and the audit within their
# scope; leaders, the district office, townships and cadres also export ledgers and print
# handbooks (masked unless they hold view_sensitive_household); sectors only read figures;
# townships and the district office run the audit.
REPORTS_READ = {"reports.view_dashboard", "reports.view_auditrun"}
REPORTS_OUT = REPORTS_READ | {"reports.export_ledger", "reports.print_handbook"}
ROLE_PERMISSIONS[RoleCode.VILLAGE_CADRE] |= REPORTS_OUT
ROLE_PERMISSIONS[RoleCode.TOWNSHIP_REVIEWER] |= REPORTS_OUT | {"reports.run_audit"}
ROLE_PERMISSIONS[RoleCode.DISTRICT_OFFICE] |= REPORTS_OUT | {"reports.run_audit"}
ROLE_PERMISSIONS[RoleCode.SECTOR] |= REPORTS_READ
ROLE_PERMISSIONS[RoleCode.LEADER] |= REPORTS_OUT
ROLE_PERMISSIONS[RoleCode.SYSADMIN] |= REPORTS_OUT | {"reports.run_audit"}

# Monitoring (issue 7): village cadres report and verify alerts, propose exits and risk
# elimination; the township reviews alerts and verifies exits; the district office decides,
# announces, uploads department lists, screens, keeps village populations and thresholds.
# Sectors upload their lists and read incidence; leaders read everything in scope.
MON_READ = {
    "monitoring.view_alert",
    "monitoring.view_monitoringobject",
    "monitoring.view_risk",
    "monitoring.view_exitcase",
    "monitoring.view_exitassessment",
    "monitoring.view_departmentlist",
    "monitoring.view_monitoringpolicy",
    "monitoring.view_incidence",
}
MON_VILLAGE = MON_READ | {
    "monitoring.add_alert",
    "monitoring.change_alert",
    "monitoring.add_exitassessment",
    "monitoring.add_exitcase",
    "monitoring.propose_elimination",
}
MON_TOWNSHIP = MON_VILLAGE | {"monitoring.review_alert", "monitoring.verify_exitcase"}
MON_DISTRICT = MON_TOWNSHIP | {
    "monitoring.decide_alert",
    "monitoring.announce_exitcase",
    "monitoring.approve_elimination",
    "monitoring.add_departmentlist",
    "monitoring.run_screening",
    "monitoring.edit_monitoringpolicy",
    "monitoring.set_rural_population",
}
ROLE_PERMISSIONS[RoleCode.VILLAGE_CADRE] |= MON_VILLAGE
ROLE_PERMISSIONS[RoleCode.TOWNSHIP_REVIEWER] |= MON_TOWNSHIP
ROLE_PERMISSIONS[RoleCode.DISTRICT_OFFICE] |= MON_DISTRICT
ROLE_PERMISSIONS[RoleCode.SECTOR] |= {
    "monitoring.view_departmentlist",
    "monitoring.add_departmentlist",
    "monitoring.view_incidence",
    "monitoring.view_monitoringpolicy",
}
ROLE_PERMISSIONS[RoleCode.LEADER] |= MON_READ
ROLE_PERMISSIONS[RoleCode.SYSADMIN] |= MON_READ

# Jobs (issue 2 pages): everyone sees their own jobs; the district office and the system
# administrator oversee every job's status (result files stay with the job's starter).
ROLE_PERMISSIONS[RoleCode.DISTRICT_OFFICE] |= {"core.view_job"}
ROLE_PERMISSIONS[RoleCode.SYSADMIN] |= {"core.view_job"}


def _permission_q(names: set[str]) -> Q:
    q = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        q |= Q(content_type__app_label=app_label, codename=codename)
    return q


def roles_sync() -> None:
    """Create every role and add the permissions its catalogue entry names."""
    for code, names in ROLE_PERMISSIONS.items():
        role, _ = Role.objects.get_or_create(code=code, defaults={"name": str(RoleCode(code).label)})
        role.permissions.add(*Permission.objects.filter(_permission_q(names)))


def roles_sync_on_migrate(sender: Any, **kwargs: Any) -> None:
    # Each app's permissions appear on its own post_migrate; syncing after every app is
    # idempotent and cheap, and leaves every role complete when migrate ends.
    roles_sync()
