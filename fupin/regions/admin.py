"""Admin for the region tree (treebeard: drag to move, sorted by code)."""

from __future__ import annotations

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from fupin.core.admin import LoggedAdminMixin
from fupin.regions.models import Region


@admin.register(Region)
class RegionAdmin(LoggedAdminMixin, TreeAdmin):
    form = movenodeform_factory(Region)
    # numchild is treebeard's bookkeeping, not a fact about the region.
    log_exclude = ("numchild",)
    list_display = ("name", "code", "level", "verified", "rural_population")
    list_filter = ("level", "verified")
    search_fields = ("name", "code")
