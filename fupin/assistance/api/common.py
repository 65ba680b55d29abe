"""Shared pieces of the assistance API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound

from fupin.registry.api.filtersets import region_by_code
from fupin.registry.models import Household

WRITE_METHODS = ["get", "post", "patch", "head", "options"]  # nothing is deleted: records end
ERRORS = {
    400: OpenApiResponse(description=_("字段错误：{字段: [原因]}")),
    404: OpenApiResponse(description=_("不存在或不在授权范围内")),
    409: OpenApiResponse(description=_("业务规则拒绝（如已结对、已确认）")),
}

__all__ = ["ERRORS", "WRITE_METHODS", "household_in_scope", "region_by_code"]


def household_in_scope(user: Any, pk: Any, perm: str) -> Household:
    """The household the request names, if the user holds `perm` on it; 404 otherwise."""
    h = (
        Household.objects.for_user(user, perm).select_related("region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if h is None:
        raise NotFound()
    return h
