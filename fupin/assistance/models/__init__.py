from fupin.assistance.models.organisation import Cadre, LeadingGroupMember, LinkedUnit, WorkTeam
from fupin.assistance.models.pairing import MaxWorkload, Pairing
from fupin.assistance.models.plans import CreditPolicy, Measure, MeasureItem, Plan, Project
from fupin.assistance.models.visits import Visit, VisitPhoto, VisitPolicy
from fupin.assistance.models.wishes import Donor, Wish, WishClaim

__all__ = [
    "Cadre",
    "CreditPolicy",
    "Donor",
    "LeadingGroupMember",
    "LinkedUnit",
    "MaxWorkload",
    "Measure",
    "MeasureItem",
    "Pairing",
    "Plan",
    "Project",
    "Visit",
    "VisitPhoto",
    "VisitPolicy",
    "Wish",
    "WishClaim",
    "WorkTeam",
]
