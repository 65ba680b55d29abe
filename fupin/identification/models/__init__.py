from fupin.identification.models.assessment import Assessment, NeedsCheck
from fupin.identification.models.comparison import ComparisonList, ComparisonRow, Finding, Recheck
from fupin.identification.models.policy import PolicyVersion
from fupin.identification.models.workflow import Application, Objection, StepDecision

__all__ = [
    "Application",
    "Assessment",
    "ComparisonList",
    "ComparisonRow",
    "Finding",
    "NeedsCheck",
    "Objection",
    "PolicyVersion",
    "Recheck",
    "StepDecision",
]
