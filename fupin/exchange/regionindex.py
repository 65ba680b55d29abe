"""The region tree in memory for matching 县/乡/村/组 cells: by code, or by name within the
parent. A district's tree is a few hundred rows, so one query serves a whole file."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.utils.text import fold


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    name: str
    level: int
    path: str
    parent_code: str


class RegionIndex:
    def __init__(self) -> None:
        rows = Region.objects.filter(level__gte=RegionLevel.DISTRICT).values_list("id", "code", "name", "level", "path")
        by_path: dict[str, Node] = {}
        self.by_code: dict[str, Node] = {}
        nodes = sorted(rows, key=lambda r: r[4])
        for rid, code, name, level, path in nodes:
            parent = by_path.get(path[:-4])
            node = Node(rid, code, name, level, path, parent.code if parent else "")
            by_path[path] = node
            self.by_code[code] = node
        self.by_id = {n.id: n for n in self.by_code.values()}
        self.children: dict[str, dict[str, list[Node]]] = {}
        self.districts: dict[str, list[Node]] = {}
        for n in self.by_code.values():
            key = fold(n.name)
            if n.level == RegionLevel.DISTRICT:
                self.districts.setdefault(key, []).append(n)
            if n.parent_code:
                self.children.setdefault(n.parent_code, {}).setdefault(key, []).append(n)

    def _child(self, parent: Node, text: str, level: int) -> Node | None:
        value = fold(text)
        node = self.by_code.get(value)
        if node is not None and node.level == level and node.parent_code == parent.code:
            return node
        found = [n for n in self.children.get(parent.code, {}).get(value, []) if n.level == level]
        return found[0] if len(found) == 1 else None

    def resolve(
        self, county: str | None, township: str | None, village: str | None, hamlet: str | None
    ) -> tuple[Node | None, Node | None, str, str]:
        """(village node, group node or None, failing column key, message)."""
        value = fold(county or "")
        district = self.by_code.get(value)
        if district is None or district.level != RegionLevel.DISTRICT:
            found = self.districts.get(value, [])
            if len(found) > 1:
                return None, None, "county", _("县名“{name}”不唯一，请填写 6 位区划代码").format(name=county)
            district = found[0] if found else None
        if district is None:
            return None, None, "county", _("县(市、区)“{name}”不在区划树中").format(name=county or "")
        town = self._child(district, township or "", RegionLevel.TOWNSHIP)
        if town is None:
            return (
                None,
                None,
                "township",
                _("乡(镇)“{name}”不在{parent}的区划中").format(name=township or "", parent=district.name),
            )
        vil = self._child(town, village or "", RegionLevel.VILLAGE)
        if vil is None:
            return (
                None,
                None,
                "village",
                _("行政村“{name}”不在{parent}的区划中").format(name=village or "", parent=town.name),
            )
        group = self._child(vil, hamlet, RegionLevel.GROUP) if hamlet else None
        return vil, group, "", ""

    def names(self, region_id: int) -> tuple[str, str, str, str]:
        """(县, 乡, 村, 组) names of a village or group region, for export."""
        node = self.by_id[region_id]
        group = ""
        if node.level == RegionLevel.GROUP:
            group, node = node.name, self.by_code[node.parent_code]
        town = self.by_code.get(node.parent_code)
        district = self.by_code.get(town.parent_code) if town else None
        return (district.name if district else "", town.name if town else "", node.name, group)
