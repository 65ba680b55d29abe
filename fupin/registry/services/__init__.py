from fupin.registry.services.households import household_close, household_create, household_update
from fupin.registry.services.members import member_add, member_end, member_update
from fupin.registry.services.years import household_year_refresh, household_year_save

__all__ = [
    "household_close",
    "household_create",
    "household_update",
    "household_year_refresh",
    "household_year_save",
    "member_add",
    "member_end",
    "member_update",
]
