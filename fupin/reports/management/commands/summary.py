import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from fupin.regions.models import Region
from fupin.registry.choices import WelfarePost
from fupin.reports.labels import INDICATOR_LABELS
from fupin.reports.selectors.indicators import indicators
from fupin.reports.selectors.years import year_data
from fupin.utils.money import fmt


class Command(BaseCommand):
    help = "统计指标：建档立卡、脱贫、兜底、在校生、务工、帮扶措施、干部与结对覆盖（按年度、区域）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="统计年度，如 2017")
        parser.add_argument("--region", default="", help="区划代码（默认全部）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, year: int, region: str, json: bool, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不合理（应为四位年份，如 2017）")
        place = None
        if region:
            place = Region.objects.filter(code=region.strip()).first()
            if place is None:
                raise CommandError(f"区划代码 {region} 不存在")
        result = indicators(year=year, region=place)
        # The registry's counts come out for any year; say so when the year itself has no records.
        # On stderr, so that --json stays parseable.
        note = year_data(year=year, region=place).note(partial=False)
        if note:
            self.stderr.write(note)
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"{year} 年 {place.full_name if place else '全部区域'}")
        for key, value in result.items():
            label = str(INDICATOR_LABELS[key])
            for line in _lines(key, value):
                self.stdout.write(f"  {label}{line}")


def _dumps(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _lines(key: str, value) -> list[str]:
    if key in (
        "registered",
        "exited",
        "exited_this_year",
        "stably_exited",
        "not_exited",
        "returned",
        "floor_protection",
    ):
        return [f"：{value['households']} 户 {value['persons']} 人"]
    if key == "public_welfare_posts":
        labels = dict(WelfarePost.choices)
        return [f"·{labels.get(code, code)}：{n} 人" for code, n in value.items()] or ["：0 人"]
    if key == "microcredit":
        return [f"：{value['households']} 户 {fmt(value['amount'])} 元"]
    if key == "measures":
        return [
            f"·{name}：{v['households']} 户 {v['persons']} 人 {fmt(v['amount'])} 元" for name, v in value.items()
        ] or ["：无"]
    if key == "pairing_coverage":
        return [f"：{value['paired']}/{value['households']} 户（{value['share'] * 100:.1f}%）"]
    if key in ("students", "migrant_workers", "family_doctor_contracts"):
        return [f"：{value} 人"]
    if key == "housing_renovated":
        return [f"：{value} 户"]
    unit = {"cadres": "名", "work_teams": "支", "linked_units": "个"}.get(key, "")
    return [f"：{value} {unit}".rstrip()]
