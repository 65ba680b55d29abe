from fupin.registry.views.households import (
    household_close,
    household_create,
    household_detail,
    household_edit,
    household_list,
)
from fupin.registry.views.members import member_add, member_edit, member_end
from fupin.registry.views.years import year_create, year_edit

__all__ = [
    "household_close",
    "household_create",
    "household_detail",
    "household_edit",
    "household_list",
    "member_add",
    "member_edit",
    "member_end",
    "year_create",
    "year_edit",
]
