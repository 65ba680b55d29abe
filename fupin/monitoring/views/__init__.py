from fupin.monitoring.views.alerts import (
    alert_create,
    alert_detail,
    alert_list,
    alert_match_view,
    alert_notice,
    alert_step_view,
)
from fupin.monitoring.views.dashboard import dashboard, screening_start
from fupin.monitoring.views.exits import (
    exit_detail,
    exit_list,
    exit_notice,
    exit_step_view,
    household_exit,
    stable_list,
)
from fupin.monitoring.views.lists import list_detail, list_list, policy_list
from fupin.monitoring.views.objects import object_decide, object_detail, object_list, object_notice, object_propose
from fupin.monitoring.views.public import report, report_done
from fupin.monitoring.views.villages import village_detail, village_list, village_population

__all__ = [
    "alert_create",
    "alert_detail",
    "alert_list",
    "alert_match_view",
    "alert_notice",
    "alert_step_view",
    "dashboard",
    "exit_detail",
    "exit_list",
    "exit_notice",
    "exit_step_view",
    "household_exit",
    "list_detail",
    "list_list",
    "object_decide",
    "object_detail",
    "object_list",
    "object_notice",
    "object_propose",
    "policy_list",
    "report",
    "report_done",
    "screening_start",
    "stable_list",
    "village_detail",
    "village_list",
    "village_population",
]
