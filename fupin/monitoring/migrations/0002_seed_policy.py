"""Seed the national default monitoring thresholds (domain.md §2.2 and §4).

The 15-day procedure, the ≥ 5-day notice, the six-month rule and the 2% village threshold
(central provinces, Hunan) are confirmed by the spec; the medical and income-drop thresholds
are practice values not confirmed for Hunan, seeded unverified for the district office to
confirm or correct by adding a version.
"""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    MonitoringPolicy = apps.get_model("monitoring", "MonitoringPolicy")
    if MonitoringPolicy.objects.exists():
        return
    MonitoringPolicy.objects.create(
        year_from=2014, region_id=None, medical_oop_amount=Decimal("10000"), medical_oop_share=Decimal("0.5"),
        income_drop_share=Decimal("0.3"), procedure_days=15, notice_min_days=5, elimination_min_months=6,
        exit_notice_days=7, village_exit_incidence=Decimal("0.02"), verified=False,
        note="识别时限 15 天、公示不少于 5 天、消除须满 6 个月、贫困村退出发生率 2%（中部省份）见 domain.md；"
             "医疗自付 1 万元或超过家庭纯收入 50%、人均纯收入降幅 30% 为常见做法，未核实",
    )


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "MonitoringPolicy").objects.filter(created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
