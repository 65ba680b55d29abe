from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import TerminalProgress
from fupin.core.models import Job
from fupin.regions.models import Region
from fupin.reports.choices import AuditRule
from fupin.reports.models import AuditFinding
from fupin.reports.selectors.years import year_data
from fupin.reports.services.audit import audit_run
from fupin.reports.views.common import default_year


class Command(BaseCommand):
    help = "数据质量检查：按 domain.md 的一致性规则检查农户与成员数据，保存各村得分"

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="区划代码（默认为最高一级区划）")
        parser.add_argument("--year", type=int, default=None, help="数据年度（默认为最近有收入数据的年度）")
        parser.add_argument("--list", type=int, default=5, help="每条规则列出的问题数（0 为不列出）")

    def handle(self, *args, region: str, year: int | None, list: int, **options):
        if region:
            place = Region.objects.filter(code=region.strip()).first()
            if place is None:
                raise CommandError(_("区划代码 {code} 不存在").format(code=region))
        else:
            tops = Region.objects.filter(depth=1)
            if tops.count() != 1:
                raise CommandError(_("请用 --region 指定检查范围（区划代码）"))
            place = tops.get()
        year = year or default_year()
        # Rules on the year's income and measures flag every household of a year without them.
        note = year_data(year=year, region=place).note()
        if note:
            self.stderr.write(note)
        progress = TerminalProgress(Job(kind="reports.audit"), enabled=self.stderr.isatty())
        run = audit_run(
            ctx=Context(actor=None, source=ChangeSource.COMMAND), region=place, year=year, progress=progress
        )
        headline = _("{region} {year} 年：{households} 户，其中 {flagged} 户有问题，得分 {score}%（用时 {seconds} 秒）")
        self.stdout.write(
            headline.format(
                region=place.full_name,
                year=year,
                households=run.households,
                flagged=run.flagged,
                score=run.score,
                seconds=run.seconds,
            )
        )
        findings = AuditFinding.objects.filter(run=run).select_related("household", "member")
        for code, label in AuditRule.choices:
            skipped = run.skip_reasons.get(code)
            n = run.counts.get(code, 0)
            value = _("未检查（{reason}）").format(reason=skipped) if skipped else n
            self.stdout.write("  " + _("{label}：{text}").format(label=label, text=value))
            if list and n:
                for f in findings.filter(rule=code).order_by("household__code", "id")[:list]:
                    who = f" {f.member.name}" if f.member else ""
                    line = _("{label}：{text}").format(label=f"{f.household.code}{who}", text=f.detail)
                    self.stdout.write("      " + line)
