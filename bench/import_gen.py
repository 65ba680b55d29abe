"""Generate layout-1 rosters (人员明细) of any size, fast and deterministic, with polars.

Used by the import benchmark and by the crash-safety test. Every ID number is valid and
unique (adults and children draw from disjoint birth-date ranges), households have one
head, 家庭人口数 equals their rows and 人均纯收入 is computed by the registry's formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# (县, 乡(镇), 行政村, 村代码) of the bundled demo tree.
VILLAGES = [
    ("珠晖区", "东阳渡街道", "大昌村", "430405014201"),
    ("珠晖区", "东阳渡街道", "光辉村", "430405014202"),
    ("珠晖区", "东阳渡街道", "白鹭湖村", "430405014203"),
    ("珠晖区", "东阳渡街道", "金松村", "430405014204"),
    ("珠晖区", "东阳渡街道", "皇田村", "430405014205"),
    ("珠晖区", "东阳渡街道", "新坪村", "430405014206"),
    ("珠晖区", "酃湖乡", "解放村", "430405201201"),
    ("珠晖区", "酃湖乡", "酃湖村", "430405201202"),
    ("珠晖区", "酃湖乡", "双江村", "430405201203"),
    ("珠晖区", "茶山坳镇", "茶山村", "430405100201"),
    ("珠晖区", "茶山坳镇", "堰头村", "430405100202"),
    ("珠晖区", "茶山坳镇", "三角塘村", "430405100203"),
    ("珠晖区", "茶山坳镇", "新塘村", "430405100204"),
    ("珠晖区", "和平乡", "和平村", "430405200201"),
    ("珠晖区", "和平乡", "湘江村", "430405200202"),
    ("珠晖区", "和平乡", "东湖村", "430405200203"),
    ("珠晖区", "松林茶场", "松林村", "430405403201"),
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅玉珍德福春生海林云文斌辉")
CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
]
HEADER = [
    "县(市、区)",
    "乡(镇)",
    "行政村",
    "自然村",
    "户编号",
    "人编号",
    "姓名",
    "证件类型",
    "证件号码",
    "性别",
    "与户主关系",
    "民族",
    "政治面貌",
    "文化程度",
    "在校生状况",
    "健康状况",
    "残疾等级",
    "劳动技能",
    "务工状况",
    "务工时间(月)",
    "公益性岗位类型",
    "是否参加城乡居民基本医疗保险",
    "是否参加大病保险",
    "是否参加城乡居民基本养老保险",
    "是否享受低保",
    "是否特困供养人员",
    "联系电话",
    "家庭人口数",
    "贫困户属性",
    "主要致贫原因",
    "其他致贫原因",
    "识别标准",
    "识别年度",
    "脱贫标志",
    "脱贫年度",
    "开户银行",
    "银行账号",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "人均纯收入",
    "耕地面积(亩)",
    "住房面积(㎡)",
    "是否危房户",
    "危房等级",
    "饮水是否安全",
    "是否通生活用电",
    "入户路类型",
    "有无卫生厕所",
    "主要燃料类型",
    "是否加入农民专业合作社",
]


def _h(expr: pl.Expr, seed: int, mod: int) -> pl.Expr:
    return (expr.hash(seed) % mod).cast(pl.Int64)


def _pick(values: list[str], expr: pl.Expr, seed: int) -> pl.Expr:
    return _h(expr, seed, len(values)).replace_strict(dict(enumerate(values)), return_dtype=pl.String)


def _check(first17: pl.Expr) -> pl.Expr:
    total = pl.sum_horizontal([first17.str.slice(i, 1).cast(pl.Int64) * w for i, w in enumerate(WEIGHTS)])
    return (total % 11).replace_strict(dict(enumerate(CHECK)), return_dtype=pl.String)


def _money(expr: pl.Expr) -> pl.Expr:
    """Integer cents → '1234.5' text."""
    return (expr / 100).round(2).cast(pl.String)


def roster_frame(persons: int, *, seed: int = 7, year: int = 2019) -> pl.DataFrame:
    """About `persons` rows of layout 1 (whole households; mean size 3.3)."""
    n_h = max(1, round(persons / 3.32))
    hh = pl.DataFrame({"hh": pl.int_range(n_h, dtype=pl.Int64, eager=True)})
    r = _h(pl.col("hh"), seed, 100)
    size = (
        pl.when(r < 10)
        .then(1)
        .when(r < 30)
        .then(2)
        .when(r < 55)
        .then(3)
        .when(r < 80)
        .then(4)
        .when(r < 93)
        .then(5)
        .otherwise(6)
    )
    hh = hh.with_columns(size.cast(pl.Int64).alias("size"))
    df = hh.select(pl.col("hh").repeat_by("size").explode(), pl.col("size").repeat_by("size").explode())
    df = df.with_columns(pl.int_range(pl.len()).over("hh").alias("pos"), pl.int_range(pl.len()).alias("i"))
    adult = pl.col("pos") < 2
    df = df.with_columns(
        pl.when(adult).then(pl.col("i")).otherwise(None).rank("ordinal").cast(pl.Int64).alias("ak"),
        pl.when(~adult).then(pl.col("i")).otherwise(None).rank("ordinal").cast(pl.Int64).alias("ck"),
    )
    head_male = _h(pl.col("hh"), seed + 1, 10) < 8
    male = (
        pl.when(pl.col("pos") == 0)
        .then(head_male)
        .when(pl.col("pos") == 1)
        .then(~head_male)
        .otherwise(_h(pl.col("i"), seed + 2, 2) == 0)
    )
    days = pl.when(adult).then(pl.col("ak") % 20000).otherwise(pl.col("ck") % 9000)
    base = pl.when(adult).then(pl.lit(dt.date(1940, 1, 1))).otherwise(pl.lit(dt.date(1996, 1, 1)))
    born = base + pl.duration(days=days)
    seq = pl.when(adult).then(pl.col("ak") // 20000).otherwise(pl.col("ck") // 9000 + 200) * 2 + pl.when(male).then(
        1
    ).otherwise(0)
    first17 = pl.lit("430405") + born.dt.strftime("%Y%m%d") + seq.cast(pl.String).str.zfill(3)
    df = df.with_columns(male.alias("male"), born.alias("born"), first17.alias("f17"))
    df = df.with_columns((pl.col("f17") + _check(pl.col("f17"))).alias("id"))
    village = _h(pl.col("hh"), seed + 3, len(VILLAGES))
    age = year - pl.col("born").dt.year()
    relation = (
        pl.when(pl.col("pos") == 0)
        .then(pl.lit("户主"))
        .when(pl.col("pos") == 1)
        .then(pl.lit("配偶"))
        .when(pl.col("male"))
        .then(pl.lit("之子"))
        .otherwise(pl.lit("之女"))
    )
    student = (age >= 7) & (age <= 18)
    r2 = _h(pl.col("i"), seed + 4, 100)
    health = (
        pl.when(r2 < 75)
        .then(pl.lit("健康"))
        .when(r2 < 88)
        .then(pl.lit("长期慢性病"))
        .when(r2 < 94)
        .then(pl.lit("患有大病"))
        .when(r2 < 98)
        .then(pl.lit("残疾"))
        .otherwise(pl.lit("残疾,长期慢性病"))
    )
    works = (age >= 18) & (age <= 55) & (_h(pl.col("i"), seed + 5, 3) > 0)
    cents = lambda s, m: _h(pl.col("hh"), seed + s, m) * 100  # noqa: E731
    df = df.with_columns(
        pl.lit("珠晖区").alias("县(市、区)"),
        village.replace_strict({i: v[1] for i, v in enumerate(VILLAGES)}, return_dtype=pl.String).alias("乡(镇)"),
        village.replace_strict({i: v[2] for i, v in enumerate(VILLAGES)}, return_dtype=pl.String).alias("行政村"),
        (
            village.replace_strict({i: v[3] for i, v in enumerate(VILLAGES)}, return_dtype=pl.String)
            + pl.col("hh").cast(pl.String).str.zfill(6)
        ).alias("户编号"),
        (
            _pick(SURNAMES, pl.col("hh"), seed + 6)
            + _pick(GIVEN, pl.col("i"), seed + 7)
            + _pick(GIVEN, pl.col("i"), seed + 8)
        ).alias("姓名"),
        relation.alias("与户主关系"),
        pl.when(student)
        .then(None)
        .when(age < 7)
        .then(pl.lit("学龄前儿童"))
        .otherwise(_pick(["文盲或半文盲", "小学", "初中", "高中"], pl.col("i"), seed + 9))
        .alias("文化程度"),
        pl.when(student & (age <= 12))
        .then(pl.lit("小学"))
        .when(student & (age <= 15))
        .then(pl.lit("七年级"))
        .when(student)
        .then(pl.lit("高中一年级"))
        .otherwise(None)
        .alias("在校生状况"),
        health.alias("健康状况"),
        pl.when(health.str.contains("残疾")).then(pl.lit("二级")).otherwise(None).alias("残疾等级"),
        pl.when(age < 16)
        .then(pl.lit("无劳动力"))
        .when(health == "健康")
        .then(pl.lit("普通劳动力"))
        .otherwise(pl.lit("弱劳动力或半劳动力"))
        .alias("劳动技能"),
        pl.when(works)
        .then(_pick(["乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工"], pl.col("i"), seed + 10))
        .otherwise(None)
        .alias("务工状况"),
        pl.when(works).then((_h(pl.col("i"), seed + 11, 12) + 1).cast(pl.String)).otherwise(None).alias("务工时间(月)"),
        (pl.lit("13") + _h(pl.col("i"), seed + 12, 10**9).cast(pl.String).str.zfill(9)).alias("联系电话"),
        pl.col("size").cast(pl.String).alias("家庭人口数"),
        _pick(["一般贫困户", "一般贫困户", "低保贫困户", "特困供养贫困户"], pl.col("hh"), seed + 13).alias(
            "贫困户属性"
        ),
        _pick(CAUSES, pl.col("hh"), seed + 14).alias("主要致贫原因"),
        pl.when(_h(pl.col("hh"), seed + 15, 3) == 0)
        .then(_pick(CAUSES, pl.col("hh"), seed + 16))
        .otherwise(None)
        .alias("其他致贫原因"),
        (2014 + _h(pl.col("hh"), seed + 17, 3)).cast(pl.String).alias("识别年度"),
    )
    exited = _h(pl.col("hh"), seed + 18, 10) < 7
    df = df.with_columns(
        pl.when(exited).then(pl.lit("已脱贫")).otherwise(pl.lit("未脱贫")).alias("脱贫标志"),
        pl.when(exited)
        .then((pl.col("识别年度").cast(pl.Int64) + 1 + _h(pl.col("hh"), seed + 19, 3)).cast(pl.String))
        .otherwise(None)
        .alias("脱贫年度"),
        cents(20, 20000).alias("_wage"),
        cents(21, 8000).alias("_business"),
        cents(22, 800).alias("_property"),
        cents(23, 3000).alias("_transfer"),
        cents(24, 2000).alias("_cost"),
    )
    net = pl.col("_wage") + pl.col("_business") + pl.col("_property") + pl.col("_transfer") - pl.col("_cost")
    q = (net.abs() * 2 + pl.col("size")) // (pl.col("size") * 2)
    per = pl.when(net < 0).then(-q).otherwise(q)
    head_only = pl.col("pos") == 0
    df = df.with_columns(
        pl.lit("").alias("自然村"),
        pl.format("{}{}", pl.col("户编号"), pl.col("pos").cast(pl.String).str.zfill(2)).alias("人编号"),
        pl.lit("居民身份证").alias("证件类型"),
        pl.col("id").alias("证件号码"),
        pl.when(pl.col("male")).then(pl.lit("男")).otherwise(pl.lit("女")).alias("性别"),
        pl.lit("汉族").alias("民族"),
        pl.lit("群众").alias("政治面貌"),
        pl.lit(None, dtype=pl.String).alias("公益性岗位类型"),
        pl.lit("是").alias("是否参加城乡居民基本医疗保险"),
        pl.lit("是").alias("是否参加大病保险"),
        pl.when(age >= 16).then(pl.lit("是")).otherwise(pl.lit("否")).alias("是否参加城乡居民基本养老保险"),
        pl.when(pl.col("贫困户属性") == "低保贫困户").then(pl.lit("是")).otherwise(pl.lit("否")).alias("是否享受低保"),
        pl.when(pl.col("贫困户属性") == "特困供养贫困户")
        .then(pl.lit("是"))
        .otherwise(pl.lit("否"))
        .alias("是否特困供养人员"),
        pl.lit("国家标准").alias("识别标准"),
        pl.lit("衡阳珠晖农村商业银行").alias("开户银行"),
        (pl.lit("6228480") + _h(pl.col("hh"), seed + 25, 10**12).cast(pl.String).str.zfill(12)).alias("银行账号"),
        _money(pl.col("_wage")).alias("工资性收入"),
        _money(pl.col("_business")).alias("生产经营性收入"),
        _money(pl.col("_property")).alias("财产性收入"),
        _money(pl.col("_transfer")).alias("转移性收入"),
        _money(pl.col("_cost")).alias("生产经营性支出"),
        _money(per).alias("人均纯收入"),
        (_h(pl.col("hh"), seed + 26, 800) / 100).round(2).cast(pl.String).alias("耕地面积(亩)"),
        (40 + _h(pl.col("hh"), seed + 27, 120)).cast(pl.String).alias("住房面积(㎡)"),
        pl.lit("否").alias("是否危房户"),
        pl.lit("B级").alias("危房等级"),
        pl.lit("是").alias("饮水是否安全"),
        pl.lit("是").alias("是否通生活用电"),
        pl.lit("水泥路").alias("入户路类型"),
        pl.lit("有").alias("有无卫生厕所"),
        _pick(["柴草", "煤炭", "清洁能源"], pl.col("hh"), seed + 28).alias("主要燃料类型"),
        pl.lit("否").alias("是否加入农民专业合作社"),
    )
    # Household columns on the head's row only for every tenth household (both forms are valid).
    sparse = _h(pl.col("hh"), seed + 29, 10) == 0
    hh_cols = [
        "家庭人口数",
        "贫困户属性",
        "主要致贫原因",
        "其他致贫原因",
        "识别标准",
        "识别年度",
        "脱贫标志",
        "脱贫年度",
        "开户银行",
        "银行账号",
        "工资性收入",
        "生产经营性收入",
        "财产性收入",
        "转移性收入",
        "生产经营性支出",
        "人均纯收入",
    ]
    df = df.with_columns([pl.when(sparse & ~head_only).then(None).otherwise(pl.col(c)).alias(c) for c in hh_cols])
    return df.select(HEADER)


def change_households(frame: pl.DataFrame, fraction: float = 0.01, *, seed: int = 11) -> pl.DataFrame:
    """The same roster with `fraction` of the households' 工资性收入 raised by 100 yuan (and
    人均纯收入 dropped so it cannot disagree)."""
    pick = (pl.col("户编号").hash(seed) % 10_000) < int(fraction * 10_000)
    wage = (pl.col("工资性收入").cast(pl.Float64) + 100).round(2).cast(pl.String)
    return frame.with_columns(
        pl.when(pick & pl.col("工资性收入").is_not_null())
        .then(wage)
        .otherwise(pl.col("工资性收入"))
        .alias("工资性收入"),
        pl.when(pick).then(None).otherwise(pl.col("人均纯收入")).alias("人均纯收入"),
    )


def write_csv(frame: pl.DataFrame, path: Path, *, title: str | None = "珠晖区建档立卡贫困人口明细表") -> Path:
    with Path(path).open("wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        if title:
            fh.write(f"{title}\n".encode())
        frame.write_csv(fh)
    return Path(path)


def write_xlsx(frame: pl.DataFrame, path: Path, *, title: str | None = "珠晖区建档立卡贫困人口明细表") -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员明细")
    if title:
        ws.append([title])
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append(row)
    wb.save(path)
    return Path(path)
