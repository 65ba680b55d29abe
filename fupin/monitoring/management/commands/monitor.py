"""`fupin monitor [--year Y] [--list PATH --kind KIND]`: the yearly screening from the terminal."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource, JobStatus
from fupin.core.errors import ApplicationError
from fupin.core.jobs import TerminalProgress, execute
from fupin.core.models import Job
from fupin.monitoring.choices import ListKind
from fupin.monitoring.services.lists import department_list_upload
from fupin.regions.models import Region

KINDS = {**{k.value: k.value for k in ListKind}, **{str(k.label): k.value for k in ListKind}}


class Command(BaseCommand):
    help = "防返贫监测筛查：部门名单（医疗费用结算、受灾、意外事故）比对和收入骤减比对，生成风险预警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="筛查年度（默认今年）")
        parser.add_argument("--list", dest="path", help="先登记一份部门名单（.xlsx / .csv，版式 6）再筛查")
        parser.add_argument(
            "--kind", help="名单类型：medical（医疗费用结算）、disaster（自然灾害）、accident（意外事故）"
        )
        parser.add_argument("--region", default="", help="名单所属区域代码（默认区划树的根）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts) -> None:
        if not opts["path"] and (opts["kind"] or opts["region"]):
            # Without --list they would be silently ignored: the screening itself covers every region.
            raise CommandError(_("--kind 和 --region 只用于 --list 登记的名单"), returncode=2)
        year = opts["year"] or timezone.localdate().year
        ctx = Context(actor=None, source=ChangeSource.COMMAND)
        if opts["path"]:
            self._register(ctx, Path(opts["path"]), opts["kind"], year, opts["region"])
        job = Job.objects.create(kind="monitor", params={"year": year})
        progress = TerminalProgress(job, stream=self.stderr._out, enabled=not opts["no_progress"])
        job = execute(job, progress)
        if job.status == JobStatus.FAILED:
            raise CommandError(_("筛查失败：{e}").format(e=(job.result or {}).get("error", "")))
        r = job.result or {}
        for item in r.get("lists", []):
            self.stdout.write(
                _("名单“{t}”：{rows} 行，匹配 {m} 人，新增预警 {a} 条").format(
                    t=item["title"], rows=item["rows"], m=item["matched_persons"], a=item["alerts"]
                )
            )
        if r.get("income"):
            self.stdout.write(
                _("收入比对：{h} 户，新增预警 {a} 条").format(h=r["income"]["households"], a=r["income"]["alerts"])
            )
        self.stdout.write(
            _("共新增预警 {n} 条；在办 {o} 条，其中超期 {d} 条").format(
                n=r.get("alerts", 0), o=r.get("open", 0), d=r.get("overdue", 0)
            )
        )
        if r.get("attached"):
            self.stdout.write(_("另有 {n} 条线索的农户已有在办预警，已并入该预警作为补充依据").format(n=r["attached"]))

    def _register(self, ctx: Context, path: Path, kind: str | None, year: int, region_code: str) -> None:
        if not path.exists():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        if kind not in KINDS:
            raise CommandError(_("请用 --kind 指明名单类型：{kinds}").format(kinds="、".join(KINDS)))
        if region_code:
            region = Region.objects.filter(code=region_code).first()
            if region is None:
                raise CommandError(_("区划代码 {code} 不存在").format(code=region_code))
        else:
            region = Region.objects.get_first_root_node()
        if region is None:
            raise CommandError(_("区域 {code} 不存在").format(code="-"))
        try:
            dl, warnings = department_list_upload(
                ctx=ctx, region=region, kind=KINDS[kind], year=year, upload=path, filename=path.name
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for w in warnings:
            self.stdout.write(w)
        self.stdout.write(_("已登记名单“{t}”：{n} 行").format(t=dl.title, n=dl.rows))
