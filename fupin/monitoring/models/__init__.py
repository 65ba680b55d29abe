from fupin.monitoring.models.alerts import Alert, AlertStep, DepartmentList
from fupin.monitoring.models.exit import ExitAssessment, ExitCase, ExitStep
from fupin.monitoring.models.objects import MonitoringObject, ObjectEvent, Risk
from fupin.monitoring.models.policy import MonitoringPolicy

__all__ = [
    "Alert",
    "AlertStep",
    "DepartmentList",
    "ExitAssessment",
    "ExitCase",
    "ExitStep",
    "MonitoringObject",
    "MonitoringPolicy",
    "ObjectEvent",
    "Risk",
]
