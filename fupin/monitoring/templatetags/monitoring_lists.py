"""`{{ dl|list_title }}`: a department list's title in the reader's language."""

from __future__ import annotations

from django import template

from fupin.monitoring.models import DepartmentList
from fupin.monitoring.services.lists import department_list_title

register = template.Library()


@register.filter
def list_title(dl: DepartmentList | None) -> str:
    return department_list_title(dl) if dl is not None else ""
