"""Layout 1 — 人员明细 (per-person roster): the columns of SPEC/exchange.md, keyed by the
registry's field names. Household-level columns may be repeated on every row or filled on
the head's row only."""

from __future__ import annotations

from fupin.exchange.spec import (
    AREA,
    CODE,
    CODES,
    DATE,
    IDNO,
    INT,
    MONEY,
    PHONE,
    TEXT,
    YEAR,
    YESNO,
    Column,
)


def H(name: str, key: str, kind: str = TEXT, **kw) -> Column:
    return Column(name=name, key=key, kind=kind, household=True, **kw)


def P(name: str, key: str, kind: str = TEXT, **kw) -> Column:
    return Column(name=name, key=key, kind=kind, household=False, **kw)


ROSTER_COLUMNS: tuple[Column, ...] = (
    H(
        "县(市、区)",
        "county",
        required=True,
        aliases=("县", "县(市区)", "县(区)", "区县", "县区", "县(市、区、旗)", "县市区", "区(县)"),
    ),
    H("乡(镇)", "township", required=True, aliases=("乡镇", "乡(镇、街道)", "乡镇(街道)", "乡(镇)街道", "乡")),
    H("行政村", "village", required=True, aliases=("村", "行政村(社区)", "村(社区)")),
    H("自然村", "hamlet", aliases=("村民小组", "组", "自然村(组)", "村组"), max_length=50),
    H("户编号", "code", required=True, aliases=("户号", "户码", "户编码"), max_length=30),
    P("人编号", "person_code", aliases=("人员编号",), max_length=30),
    P("姓名", "name", required=True, aliases=("成员姓名", "人员姓名"), max_length=50),
    P("证件类型", "id_type", CODE, codes="id_type"),
    P(
        "证件号码",
        "id_number",
        IDNO,
        required=True,
        aliases=("身份证号", "身份证号码", "公民身份号码", "身份证件号码", "证件号"),
    ),
    P("性别", "sex", CODE, codes="sex"),
    P("出生日期", "birth_date", DATE, export=False),
    P("与户主关系", "relation", CODE, required=True, codes="relation", aliases=("户主关系", "与户主的关系")),
    P("民族", "ethnicity", CODE, codes="ethnicity"),
    P("政治面貌", "political", CODE, codes="political"),
    P("文化程度", "education", CODE, codes="education"),
    P("在校生状况", "school_status", CODE, codes="school", aliases=("在校生情况",)),
    P("健康状况", "health", CODES, required=True, codes="health"),
    P("残疾等级", "disability_grade", CODE, codes="disability_grade"),
    P("残疾类别", "disability_category", CODE, codes="disability_category"),
    P("劳动技能", "labour_skill", CODE, required=True, codes="labour", aliases=("劳动能力",)),
    P("务工状况", "work_status", CODE, codes="work"),
    P("务工时间(月)", "work_months", INT, aliases=("务工时间", "务工月数", "务工时间（月）")),
    P("公益性岗位类型", "welfare_post", CODE, codes="welfare_post", aliases=("公益性岗位",)),
    P(
        "是否参加城乡居民基本医疗保险",
        "ins_medical",
        YESNO,
        aliases=("是否参加新型农村合作医疗", "是否参加新农合", "是否参加城乡居民医疗保险"),
    ),
    P("是否参加大病保险", "ins_serious_illness", YESNO),
    P("是否参加城乡居民基本养老保险", "ins_pension", YESNO, aliases=("是否参加城乡居民养老保险",)),
    P("是否享受低保", "dibao", YESNO),
    P("是否特困供养人员", "tekun", YESNO, aliases=("是否特困供养",)),
    P("联系电话", "phone", PHONE, aliases=("人联系电话", "手机号码", "电话")),
    H("户类型", "household_type", CODE, codes="household_type", aliases=("农户类型",), export=False),
    H("家庭人口数", "household_size", INT, required=True, aliases=("家庭人口", "人口数", "家庭人数", "户人口数")),
    H("贫困户属性", "attribute", CODE, required=True, codes="attribute"),
    H("主要致贫原因", "main_cause", CODE, required=True, codes="cause"),
    H("其他致贫原因", "other_causes", CODES, codes="cause"),
    H("识别标准", "standard", CODE, codes="standard"),
    H("识别年度", "identified_year", YEAR, required=True, aliases=("首次识别时间", "识别时间", "首次识别年度")),
    H("脱贫标志", "status", CODE, required=True, codes="status", aliases=("脱贫属性", "脱贫状态")),
    H("脱贫年度", "exit_year", YEAR, aliases=("脱贫时间",)),
    H("返贫年度", "return_year", YEAR),
    H("户联系电话", "household_phone", PHONE),
    H("开户银行", "bank_name", max_length=100),
    H("银行账号", "bank_account", aliases=("银行卡号", "账号"), max_length=40),
    H("工资性收入", "wage_income", MONEY),
    H("生产经营性收入", "business_income", MONEY),
    H("财产性收入", "property_income", MONEY),
    H("转移性收入", "transfer_income", MONEY),
    H("生产经营性支出", "production_cost", MONEY),
    H("人均纯收入", "stated_per_capita", MONEY, aliases=("年人均纯收入", "家庭人均纯收入")),
    H("耕地面积(亩)", "arable_land", AREA, aliases=("耕地面积",)),
    H("住房面积(㎡)", "housing_area", AREA, aliases=("住房面积", "住房面积(平方米)", "住房面积(m²)")),
    H("是否危房户", "dangerous_house", YESNO),
    H("危房等级", "house_grade", CODE, codes="house_grade"),
    H("饮水是否安全", "water_safe", YESNO),
    H("是否通生活用电", "electricity_living", YESNO),
    H("入户路类型", "road_type", CODE, codes="road"),
    H("有无卫生厕所", "toilet", YESNO),
    H("主要燃料类型", "fuel", CODE, codes="fuel"),
    H("是否加入农民专业合作社", "cooperative", YESNO),
)

COLUMN_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}
# Required of a registered household (脱贫户) only: a 一般农户 row leaves them empty or, for the
# attribute and causes an applicant states, may fill them.
REGISTERED_ONLY = ("attribute", "main_cause", "identified_year", "status")
# What only a registered household has: a 一般农户 row that fills one contradicts itself.
REGISTRATION_FIELDS = ("identified_year", "status", "exit_year", "return_year")
REGION_KEYS = ("county", "township", "village", "hamlet")
HOUSEHOLD_FIELDS = (
    "attribute",
    "main_cause",
    "other_causes",
    "standard",
    "identified_year",
    "status",
    "exit_year",
    "return_year",
    "household_phone",
    "bank_name",
    "bank_account",
)
YEAR_MONEY = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "stated_per_capita",
)
YEAR_FIELDS = (
    *YEAR_MONEY,
    "arable_land",
    "housing_area",
    "dangerous_house",
    "house_grade",
    "water_safe",
    "electricity_living",
    "road_type",
    "toilet",
    "fuel",
    "cooperative",
)
MEMBER_FIELDS = (
    "person_code",
    "name",
    "id_type",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "political",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "disability_category",
    "labour_skill",
    "work_status",
    "work_months",
    "welfare_post",
    "ins_medical",
    "ins_serious_illness",
    "ins_pension",
    "dibao",
    "tekun",
    "phone",
)
