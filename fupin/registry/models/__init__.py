from fupin.registry.models.household import Household, HouseholdStatusEvent
from fupin.registry.models.member import Member
from fupin.registry.models.year import HouseholdYear

__all__ = ["Household", "HouseholdStatusEvent", "HouseholdYear", "Member"]
