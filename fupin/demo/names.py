"""Chinese names, phone numbers and bank accounts for the demo population.

Surnames are weighted roughly as they occur around Hengyang (王 李 刘 陈 张 周 谭 罗 唐 …);
given names are one or two characters drawn from pools that differ by sex and, a little,
by generation, so that a grandmother is not called 梓涵.
"""

from __future__ import annotations

import random

# (surname, weight): common Hunan surnames first.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 60),
    ("李", 58),
    ("刘", 60),
    ("陈", 52),
    ("张", 48),
    ("周", 40),
    ("谭", 34),
    ("罗", 32),
    ("唐", 32),
    ("邓", 30),
    ("彭", 28),
    ("曾", 28),
    ("蒋", 26),
    ("肖", 26),
    ("欧阳", 8),
    ("胡", 24),
    ("杨", 24),
    ("黄", 22),
    ("谢", 20),
    ("廖", 18),
    ("颜", 12),
    ("贺", 14),
    ("朱", 14),
    ("文", 12),
    ("邹", 12),
    ("龙", 10),
    ("雷", 10),
    ("何", 12),
    ("赵", 10),
    ("吴", 12),
    ("许", 8),
    ("阳", 8),
    ("宁", 6),
    ("伍", 8),
    ("易", 8),
    ("旷", 6),
    ("封", 4),
    ("屈", 4),
    ("匡", 4),
    ("尹", 6),
    ("聂", 6),
    ("段", 6),
    ("康", 4),
    ("祝", 4),
)
_SURNAME_NAMES = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]

# Given-name characters: the older generation, then the younger one.
MALE_OLD = "国建军明华平志德新春文荣祥福贵发友生林富有昌成金树清海宝才桂庆兴伟强"
MALE_YOUNG = "浩宇俊杰子轩涛鹏辉磊斌超勇博文豪晨阳宇航思远泽一鑫睿嘉翔亮峰瑞凯"
FEMALE_OLD = "秀英兰桂芳凤珍玉梅华淑琴菊翠云莲娥香素美春花霞红群娟"
FEMALE_YOUNG = "婷丽静敏芳雪琳欣怡梦佳雨涵子萱诗晴可馨慧颖倩茜璐悦思彤"


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_NAMES, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    young = birth_year >= 1985
    pool = (MALE_YOUNG if young else MALE_OLD) if male else (FEMALE_YOUNG if young else FEMALE_OLD)
    length = 1 if rng.random() < (0.25 if young else 0.35) else 2
    return "".join(rng.choice(pool) for _ in range(length))


def full_name(rng: random.Random, family: str, *, male: bool, birth_year: int) -> str:
    return family + given_name(rng, male=male, birth_year=birth_year)


# Mobile prefixes in use in Hunan around 2017 (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "177",
    "180",
    "189",
)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


BANK_NAME = "湖南珠晖农村商业银行"


def bank_account(rng: random.Random) -> str:
    """A 19-digit debit card number (一卡通) of the local rural bank."""
    return "6231" + f"{rng.randrange(10**15):015d}"


HAMLETS = ("老屋场", "新屋里", "塘边", "上湾", "下湾", "枫树坪", "石门口", "竹山", "大屋", "茶园", "桥头", "岭上")
