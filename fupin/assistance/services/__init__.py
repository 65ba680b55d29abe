from fupin.assistance.services.measures import measure_create, measure_problems, measure_update, plan_save, plans_ensure
from fupin.assistance.services.organisation import (
    cadre_create,
    cadre_end,
    cadre_update,
    group_member_create,
    group_member_update,
    linked_unit_create,
    linked_unit_update,
    work_team_create,
    work_team_update,
)
from fupin.assistance.services.pairing import pairing_assign, pairing_end
from fupin.assistance.services.visits import visit_photo_add, visit_record
from fupin.assistance.services.wishes import (
    donor_register,
    wish_cancel,
    wish_claim,
    wish_confirm,
    wish_deliver,
    wish_post,
    wish_release,
)

__all__ = [
    "cadre_create",
    "cadre_end",
    "cadre_update",
    "donor_register",
    "group_member_create",
    "group_member_update",
    "linked_unit_create",
    "linked_unit_update",
    "measure_create",
    "measure_problems",
    "measure_update",
    "pairing_assign",
    "pairing_end",
    "plan_save",
    "plans_ensure",
    "visit_photo_add",
    "visit_record",
    "wish_cancel",
    "wish_claim",
    "wish_confirm",
    "wish_deliver",
    "wish_post",
    "wish_release",
    "work_team_create",
    "work_team_update",
]
