"""Seed the policy table from domain.md §2.3 / §4 / §5.3.

National default rows (region null, applies everywhere) carry the yearly poverty line;
珠晖区 (430405) rows carry its 兜底 standard for 2016 and 2017 with the same line (a version is
a complete parameter set, so the district row repeats the national line). Values the spec
marks [unverified] are seeded with verified=False: the district office confirms or corrects
them by creating a new version. The region is keyed by code, so this works before the
region tree is imported.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SIX = ["income", "food", "clothing", "education", "medical", "housing"]
SEVEN = [*SIX, "water"]

# year: (poverty line, verified, note)
LINES = {
    2013: ("2736", True, "2014 年识别使用 2013 年农民人均纯收入 2736 元（2010 年不变价 2300 元）"),
    2014: ("2800", False, "现价扶贫标准（未核实）"),
    2015: ("2855", True, "现价扶贫标准"),
    2016: ("3146", False, "多数省份使用的退出参考线（统计局测算 2952，未核实）"),
    2017: ("3335", False, "退出参考线（统计局测算约 2952–3000，未核实）"),
    2018: ("3535", False, "退出参考线（统计局测算 2995，未核实）"),
    2019: ("3747", False, "退出参考线（统计局测算 3218，未核实）"),
    2020: ("4000", False, "退出参考线约 4000 元（未核实）"),
}
FLOOR = {2016: "242", 2017: "270"}


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("identification", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    rows = []
    for year, (line, verified, note) in LINES.items():
        # 饮水安全 joins the household tests in 2019–2020 practice (domain.md §2.2).
        criteria = SEVEN if year >= 2019 else SIX
        rows.append(PolicyVersion(year=year, region_id=None, effective_from=dt.date(year, 1, 1),
                                  poverty_line=Decimal(line), criteria=criteria, note=note, verified=verified))
        if year in FLOOR:
            rows.append(PolicyVersion(
                year=year, region_id="430405", effective_from=dt.date(year, 1, 1), poverty_line=Decimal(line),
                floor_standard_monthly=Decimal(FLOOR[year]), criteria=criteria, verified=False,
                note=f"珠晖区兜底（农村低保）标准 {FLOOR[year]} 元/人·月；扶贫标准同全国：{note}",
            ))
    rows.append(PolicyVersion(
        year=2021, region_id=None, effective_from=dt.date(2021, 1, 1), poverty_line=None,
        monitoring_line=Decimal("6000"), criteria=SEVEN, verified=True,
        note="防返贫监测范围：2021 年人均纯收入 6000 元（脱贫攻坚期扶贫标准的 1.5 倍）",
    ))
    PolicyVersion.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    apps.get_model("identification", "PolicyVersion").objects.filter(created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("identification", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
