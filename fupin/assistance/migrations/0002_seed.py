"""Seed the measure taxonomy (domain.md §5.2, exchange.md layout 5) and the first versions of
the assistance policies (visit frequency, cadre workload, microcredit limits).

Items are keyed by (category, name), so the seed adds only what is missing and an
administrator's additions survive. Policy values the spec does not confirm are marked as
such in their note; the district office supersedes them with a later effective year.
"""

from decimal import Decimal

from django.db import migrations

G, EMP, POST, HOUSE, CREDIT, FLOOR = "general", "employment", "welfare_post", "housing", "microcredit", "floor"

# (category, name, kind, person_level, welfare post code)
ITEMS = [
    ("industry", "特色种植", G, False, ""),
    ("industry", "特色养殖", G, False, ""),
    ("industry", "农产品加工", G, False, ""),
    ("industry", "休闲农业与乡村旅游", G, False, ""),
    ("industry", "光伏收益", G, False, ""),
    ("industry", "电商服务", G, False, ""),
    ("industry", "村集体经济量化入股", G, False, ""),
    ("industry", "加入合作社", G, False, ""),
    ("industry", "合作社入股分红", G, False, ""),
    ("industry", "土地流转", G, False, ""),
    ("industry", "产业奖补", G, False, ""),
    ("industry", "其他产业", G, False, ""),
    ("employment", "乡内务工", EMP, True, ""),
    ("employment", "乡外务工", EMP, True, ""),
    ("employment", "乡村旅游务工", EMP, True, ""),
    ("employment", "扶贫车间务工", EMP, True, ""),
    ("employment", "就业技能培训", G, True, ""),
    ("employment", "就业补贴", G, True, ""),
    ("welfare_post", "生态护林员", POST, True, "01"),
    ("welfare_post", "护路员", POST, True, "02"),
    ("welfare_post", "河湖巡查员", POST, True, "03"),
    ("welfare_post", "保洁员", POST, True, "04"),
    ("welfare_post", "治安协管员", POST, True, "05"),
    ("welfare_post", "护理员", POST, True, "06"),
    ("welfare_post", "文明劝导员", POST, True, "07"),
    ("welfare_post", "其他公益岗位", POST, True, "99"),
    ("health", "城乡居民医保代缴", G, True, ""),
    ("health", "大病保险", G, True, ""),
    ("health", "医疗救助", G, True, ""),
    ("health", "商业补充保险", G, True, ""),
    ("health", "家庭医生签约", G, False, ""),
    ("health", "先诊疗后付费", G, True, ""),
    ("health", "一站式结算", G, True, ""),
    ("health", "大病救治", G, True, ""),
    ("health", "慢病签约服务", G, True, ""),
    ("health", "免费健康体检", G, True, ""),
    ("education", "两免一补", G, True, ""),
    ("education", "营养餐", G, True, ""),
    ("education", "雨露计划", G, True, ""),
    ("education", "助学贷款", G, True, ""),
    ("education", "教育专项补助", G, True, ""),
    ("education", "普通高中两助三免", G, True, ""),
    ("housing", "危房改造", HOUSE, False, ""),
    ("water", "安全饮水", G, False, ""),
    ("floor", "低保", FLOOR, False, ""),
    ("floor", "特困供养", FLOOR, False, ""),
    ("floor", "养老保险代缴", G, True, ""),
    ("floor", "临时救助", G, False, ""),
    ("floor", "留守关爱", G, True, ""),
    ("floor", "孤儿补贴", G, True, ""),
    ("floor", "残疾人两项补贴", G, True, ""),
    ("finance", "扶贫小额信贷", CREDIT, False, ""),
    ("finance", "农业保险", G, False, ""),
    ("relocation", "易地扶贫搬迁", G, False, ""),
    ("ecology", "生态补偿", G, False, ""),
    ("ecology", "退耕还林补助", G, False, ""),
    ("social", "微心愿", G, False, ""),
    ("social", "社会捐赠", G, False, ""),
    ("social", "结对慰问", G, False, ""),
    ("other", "入户路硬化", G, False, ""),
    ("other", "卫生厕所改造", G, False, ""),
    ("other", "其他", G, False, ""),
]


def seed(apps, schema_editor):
    MeasureItem = apps.get_model("assistance", "MeasureItem")
    existing = set(MeasureItem.objects.values_list("category", "name"))
    MeasureItem.objects.bulk_create([
        MeasureItem(category=c, name=n, kind=k, person_level=p, welfare_post=w, sort=i * 10)
        for i, (c, n, k, p, w) in enumerate(ITEMS)
        if (c, n) not in existing
    ])
    VisitPolicy = apps.get_model("assistance", "VisitPolicy")
    if not VisitPolicy.objects.exists():
        VisitPolicy.objects.create(
            effective_year=2014, days_not_exited=30, days_exited=90,
            note="未脱贫户每月至少走访一次，已脱贫户每季度一次（地方惯例，未核实，可按年度调整）",
        )
    MaxWorkload = apps.get_model("assistance", "MaxWorkload")
    if not MaxWorkload.objects.exists():
        MaxWorkload.objects.create(
            effective_year=2014, max_households=5, note="每名帮扶干部结对一般不超过 5 户（地方惯例，未核实）",
        )
    CreditPolicy = apps.get_model("assistance", "CreditPolicy")
    if not CreditPolicy.objects.exists():
        CreditPolicy.objects.create(
            effective_year=2014, max_principal=Decimal("50000"), max_term_months=36, min_age=18, max_age=65,
            subsidy_share=Decimal("1.00"),
            note="国开办发〔2014〕78号：5 万元以下、3 年以内、免担保免抵押、基准利率、财政全额贴息",
        )


def unseed(apps, schema_editor):
    for name in ("CreditPolicy", "MaxWorkload", "VisitPolicy"):
        apps.get_model("assistance", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
