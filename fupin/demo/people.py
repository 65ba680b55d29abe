"""The members of one demo household: who lives together, and their personal facts.

Everything here is a pure function of the random generator (no database), so that the
same seed gives the same people. The facts respect the registry's member rules
(`fupin.registry.validation.member_problems`): a valid ID number whose birth date and
17th digit agree with the person, exactly one of 文化程度 / 在校生状况, 务工时间 iff
务工状况, 无劳动力 under 16, 低保/特困 flags that match the household's attribute.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from fupin.demo import names
from fupin.registry.choices import (
    Attribute,
    Cause,
    DisabilityCategory,
    DisabilityGrade,
    Education,
    Health,
    LabourSkill,
    MemberChangeReason,
    Political,
    Relation,
    SchoolStatus,
    Sex,
    WelfarePost,
    WorkStatus,
)
from fupin.utils import idno

AREA = "430405"  # 珠晖区: the registered residence of the demo population


@dataclass
class Person:
    relation: str
    male: bool
    age: int
    family: str  # surname
    born: dt.date = dt.date(1970, 1, 1)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def student(self) -> bool:
        return bool(self.facts.get("school_status"))


def _tri(rng: random.Random, low: float, high: float, mode: float) -> int:
    return round(rng.triangular(low, high, mode))


def household_size(rng: random.Random) -> int:
    """1–7 persons, mean ≈ 3.5 (rural Hunan around 2017)."""
    return rng.choices((1, 2, 3, 4, 5, 6, 7), weights=(10, 18, 23, 24, 15, 7, 3))[0]


def compose(rng: random.Random, size: int, *, tekun: bool = False) -> list[Person]:
    """Relations, sexes and ages of a household of `size` persons, head first."""
    head_male = rng.random() < 0.86
    if tekun:
        head_age = rng.randint(58, 75)
    elif size == 1:
        head_age = _tri(rng, 40, 75, 70)
    elif size == 2:
        head_age = _tri(rng, 35, 75, 64)
    else:
        head_age = _tri(rng, 35, 70, 48)
    family = names.surname(rng)
    people = [Person(Relation.HEAD, head_male, head_age, family)]
    left = size - 1

    def add(relation: str, male: bool, age: int, surname: str) -> Person:
        nonlocal left
        p = Person(relation, male, max(0, age), surname)
        people.append(p)
        left -= 1
        return p

    spouse = None
    if left and rng.random() < (0.3 if tekun else 0.9 if head_male else 0.45):
        gap = rng.randint(-1, 6)
        spouse = add(
            Relation.SPOUSE, not head_male, head_age - gap if head_male else head_age + gap, names.surname(rng)
        )
    # Children take the father's surname.
    child_family = family if head_male or spouse is None else spouse.family
    if left and head_age <= 50 and rng.random() < 0.35:
        parent_age = min(90, head_age + rng.randint(22, 32))
        if left >= 3 and rng.random() < 0.4:
            add(Relation.FATHER, True, parent_age + rng.randint(0, 4), family)
            add(Relation.MOTHER, False, parent_age, names.surname(rng))
        elif rng.random() < 0.4:
            add(Relation.FATHER, True, parent_age + rng.randint(0, 4), family)
        else:
            add(Relation.MOTHER, False, parent_age, names.surname(rng))
    if left >= 2 and head_age >= 52 and rng.random() < 0.55:
        son = add(Relation.SON, True, head_age - rng.randint(22, 30), child_family)
        add(Relation.DAUGHTER_IN_LAW, False, son.age + rng.randint(-4, 2), names.surname(rng))
        age = son.age - rng.randint(20, 28)
        while left:
            male = rng.random() < 0.53
            add(Relation.GRANDSON if male else Relation.GRANDDAUGHTER, male, age, son.family)
            age -= rng.randint(1, 5)
    age = head_age - rng.randint(20, 32)
    while left:
        if tekun:
            add(Relation.SIBLING, rng.random() < 0.6, head_age + rng.randint(-6, 6), family)
            continue
        male = rng.random() < 0.53
        add(Relation.SON if male else Relation.DAUGHTER, male, age, child_family)
        age -= rng.randint(1, 6)
    return people


def schooling(rng: random.Random, age: int) -> tuple[str, str]:
    """(文化程度, 在校生状况): exactly one is filled. Compulsory ages 6–15 are all in school."""
    if age < 3:
        return Education.PRESCHOOL_CHILD, ""
    if age < 6:
        return ("", SchoolStatus.PRESCHOOL) if rng.random() < 0.85 else (Education.PRESCHOOL_CHILD, "")
    if age <= 11:
        return "", SchoolStatus.PRIMARY
    if age <= 14:
        return "", (SchoolStatus.GRADE7, SchoolStatus.GRADE8, SchoolStatus.GRADE9)[age - 12]
    if age == 15:
        return "", SchoolStatus.GRADE9
    if age <= 18:
        if rng.random() < 0.78:
            grade = min(age - 16, 2)
            vocational = rng.random() < 0.35
            high = (SchoolStatus.HIGH1, SchoolStatus.HIGH2, SchoolStatus.HIGH3)
            voc = (SchoolStatus.VOC1, SchoolStatus.VOC2, SchoolStatus.VOC3)
            return "", (voc if vocational else high)[grade]
        return Education.JUNIOR, ""
    if age <= 22:
        if rng.random() < 0.35:
            if rng.random() < 0.5:
                return "", (SchoolStatus.HVOC1, SchoolStatus.HVOC2, SchoolStatus.HVOC3)[min(age - 19, 2)]
            return "", SchoolStatus.COLLEGE
        return rng.choices((Education.JUNIOR, Education.SENIOR), weights=(65, 35))[0], ""
    if age >= 65:
        weights = (40, 45, 14, 1, 0)
    elif age >= 45:
        weights = (8, 40, 42, 9, 1)
    else:
        weights = (1, 14, 55, 21, 9)
    levels = (Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR, Education.SENIOR, Education.COLLEGE)
    return rng.choices(levels, weights=weights)[0], ""


def _health_codes(rng: random.Random, age: int) -> set[str]:
    chronic, serious, disabled = (
        (0.02, 0.01, 0.02) if age < 40 else (0.09, 0.03, 0.03) if age < 60 else (0.24, 0.05, 0.05)
    )
    codes: set[str] = set()
    if rng.random() < chronic:
        codes.add(Health.CHRONIC)
    if rng.random() < serious:
        codes.add(Health.SERIOUS)
    if rng.random() < disabled:
        codes.add(Health.DISABLED)
    return codes


def _disability(rng: random.Random) -> dict[str, str]:
    grades = (DisabilityGrade.G1, DisabilityGrade.G2, DisabilityGrade.G3, DisabilityGrade.G4)
    categories = tuple(DisabilityCategory.values)
    return {
        "disability_grade": rng.choices(grades, weights=(10, 22, 30, 38))[0],
        "disability_category": rng.choices(categories, weights=(12, 12, 5, 42, 14, 10, 5))[0],
    }


def assign_health(rng: random.Random, people: list[Person], cause: str) -> None:
    """健康状况 (several allowed) and disability; 因病/因残 households have the ill or disabled member."""
    sets = [_health_codes(rng, p.age) for p in people]
    if cause == Cause.ILLNESS and not any(s & {Health.CHRONIC, Health.SERIOUS} for s in sets):
        adults = [i for i, p in enumerate(people) if p.age >= 18] or [0]
        sets[rng.choice(adults)].add(Health.SERIOUS if rng.random() < 0.4 else Health.CHRONIC)
    if cause == Cause.DISABILITY and not any(Health.DISABLED in s for s in sets):
        sets[rng.randrange(len(people))].add(Health.DISABLED)
    for p, codes in zip(people, sets, strict=True):
        p.facts["health"] = ",".join(sorted(codes)) if codes else Health.HEALTHY
        p.facts.update(
            _disability(rng) if Health.DISABLED in codes else {"disability_grade": "", "disability_category": ""}
        )


def labour_skill(rng: random.Random, p: Person) -> str:
    """劳动技能 consistent with age, schooling and health (<16 → 无劳动力)."""
    health = p.facts["health"]
    if p.age < 16 or p.student:
        return LabourSkill.NONE
    severe = Health.SERIOUS in health or (
        Health.DISABLED in health and p.facts["disability_grade"] in (DisabilityGrade.G1, DisabilityGrade.G2)
    )
    if severe:
        return LabourSkill.LOST
    if p.age > 75:
        return LabourSkill.LOST if rng.random() < 0.6 else LabourSkill.NONE
    if Health.CHRONIC in health or Health.DISABLED in health:
        return LabourSkill.WEAK
    if p.age > 60:
        return LabourSkill.WEAK if rng.random() < 0.5 else LabourSkill.ORDINARY
    return LabourSkill.SKILLED if rng.random() < 0.2 else LabourSkill.ORDINARY


def work(rng: random.Random, p: Person, *, registered: bool) -> None:
    """务工状况 with months (both or neither) and a few public-welfare posts (公益性岗位)."""
    skill = p.facts["labour_skill"]
    status, months, post = "", None, ""
    if skill in (LabourSkill.ORDINARY, LabourSkill.SKILLED) and 16 <= p.age <= 60 and rng.random() < 0.45:
        status = rng.choices(
            (WorkStatus.IN_TOWNSHIP, WorkStatus.IN_COUNTY, WorkStatus.IN_PROVINCE, WorkStatus.OUT_OF_PROVINCE),
            weights=(15, 25, 28, 32),
        )[0]
        months = rng.choices(range(3, 13), weights=(2, 2, 3, 4, 5, 7, 9, 12, 14, 20))[0]
    elif skill == LabourSkill.WEAK and 18 <= p.age <= 60 and rng.random() < 0.1:
        status, months = WorkStatus.IN_TOWNSHIP, rng.randint(3, 10)
    elif registered and skill in (LabourSkill.ORDINARY, LabourSkill.WEAK) and 40 <= p.age <= 65 and rng.random() < 0.07:
        post = rng.choices(
            (
                WelfarePost.CLEANER,
                WelfarePost.ROAD,
                WelfarePost.FOREST_RANGER,
                WelfarePost.RIVER,
                WelfarePost.SECURITY,
                WelfarePost.CARER,
                WelfarePost.CIVILITY,
            ),
            weights=(35, 20, 15, 10, 8, 5, 7),
        )[0]
    p.facts.update(work_status=status, work_months=months, welfare_post=post)


def political(rng: random.Random, p: Person) -> str:
    if p.age >= 18 and rng.random() < (0.07 if p.male and p.age >= 40 else 0.025):
        return Political.CPC_MEMBER
    if 14 <= p.age <= 28 and rng.random() < 0.3:
        return Political.LEAGUE
    return Political.MASSES


def ethnicity(rng: random.Random) -> str:
    """Almost all 汉族; a few 瑶族, 土家族, 回族 and 苗族 as in Hengyang."""
    return rng.choices(("01", "13", "15", "03", "06"), weights=(985, 5, 4, 3, 3))[0]


def birth_date(rng: random.Random, age: int, ref: dt.date) -> dt.date:
    """A date of birth giving exactly `age` full years on `ref`."""
    start = dt.date(ref.year - age - 1, ref.month, ref.day)
    return start + dt.timedelta(days=rng.randint(1, (dt.date(ref.year - age, ref.month, ref.day) - start).days))


def id_number(rng: random.Random, born: dt.date, male: bool, used: set[str]) -> str:
    """A valid, unused 18-digit number: odd sequence for men, even for women (GB 11643)."""
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        number = idno.make(AREA, born, seq)
        if number not in used:
            used.add(number)
            return number


def finish(
    rng: random.Random,
    people: list[Person],
    *,
    ref: dt.date,
    registered: bool,
    attribute: str,
    registered_on: dt.date,
    used_ids: set[str],
) -> None:
    """Fill every remaining member field (names, ID, schooling, labour, insurance, flags)."""
    whole_dibao = rng.random() < 0.6
    for i, p in enumerate(people):
        p.born = birth_date(rng, p.age, ref)
        number = id_number(rng, p.born, p.male, used_ids)
        education, school = schooling(rng, p.age)
        p.facts.update(education=education, school_status=school)
        p.facts["labour_skill"] = labour_skill(rng, p)
        work(rng, p, registered=registered)
        adult = p.age >= 16 and not p.student
        newborn = p.born > registered_on
        p.facts.update(
            name=names.full_name(rng, p.family, male=p.male, birth_year=p.born.year),
            id_number=number,
            sex=Sex.MALE if p.male else Sex.FEMALE,
            birth_date=p.born,
            relation=p.relation,
            ethnicity=ethnicity(rng),
            political=political(rng, p),
            ins_medical=rng.random() < 0.985,
            ins_pension=adult and rng.random() < 0.88,
            dibao=attribute == Attribute.DIBAO and (whole_dibao or i == 0 or rng.random() < 0.5),
            tekun=attribute == Attribute.TEKUN,
            phone=names.mobile(rng)
            if (i == 0 and rng.random() < 0.95) or (18 <= p.age <= 60 and rng.random() < 0.5)
            else "",
            joined_on=p.born if newborn else registered_on,
            join_reason=MemberChangeReason.NEWBORN if newborn else MemberChangeReason.INITIAL,
        )
        p.facts["ins_serious_illness"] = p.facts["ins_medical"] and (registered or rng.random() < 0.9)


def main_cause(rng: random.Random, people: list[Person], *, tekun: bool) -> str:
    """主要致贫原因: 因病 leads (~40%); 因学 only where someone studies in middle school or beyond,
    缺劳力 mostly where nobody is of working age."""
    students = any(p.age >= 12 and p.student for p in people)
    workers = sum(1 for p in people if 18 <= p.age <= 60)
    weights = {
        Cause.ILLNESS: 32,
        Cause.DISABILITY: 13,
        Cause.SCHOOLING: 30 if students else 0,
        Cause.SKILLS: 12,
        Cause.LABOUR: 30 if workers == 0 else 4,
        Cause.FUNDS: 10,
        Cause.DISASTER: 2,
        Cause.LAND: 2,
        Cause.TRANSPORT: 1,
        Cause.MOTIVATION: 2,
        Cause.WATER: 0.5,
        Cause.OTHER: 0.5,
    }
    if tekun:
        weights = {Cause.LABOUR: 50, Cause.ILLNESS: 30, Cause.DISABILITY: 20}
    codes = list(weights)
    return rng.choices(codes, weights=[weights[c] for c in codes])[0]


def other_causes(rng: random.Random, main: str) -> str:
    pool = [
        c
        for c in (Cause.ILLNESS, Cause.DISABILITY, Cause.SKILLS, Cause.LABOUR, Cause.FUNDS, Cause.DISASTER)
        if c != main
    ]
    k = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
    return ",".join(sorted(rng.sample(pool, k)))
