"""`fupin recheck [--year Y] [--region CODE]`: the re-check campaign from the terminal."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource, JobStatus
from fupin.core.errors import ApplicationError
from fupin.core.jobs import TerminalProgress, execute
from fupin.core.models import Job
from fupin.identification.choices import FindingKind
from fupin.identification.services.recheck import recheck_create
from fupin.regions.models import Region


class Command(BaseCommand):
    help = "回头看：对全部建档立卡户重新评估识别条件、重新比对已上传的部门名单并检查重复人员"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="评估年度（默认：有扶贫标准的最近年度）")
        parser.add_argument("--region", help="范围的区划代码（默认：包含全部建档立卡户的最小区域）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts) -> None:
        ctx = Context(actor=None, source=ChangeSource.COMMAND)
        region = None
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(_("区划代码 {code} 不存在").format(code=opts["region"]))
        try:
            recheck = recheck_create(ctx=ctx, year=opts["year"], region=region)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        job = Job.objects.create(kind="recheck", params={"recheck_id": recheck.pk, "year": recheck.year})
        recheck.job = job
        recheck.save(update_fields=["job"])
        job = execute(job, TerminalProgress(job, stream=self.stderr._out, enabled=not opts["no_progress"]))
        if job.status != JobStatus.DONE:
            raise CommandError(_("回头看失败：{error}").format(error=(job.result or {}).get("error", "")))
        recheck.refresh_from_db()
        t = recheck.summary.get("totals", {})
        self.stdout.write(
            _("回头看 #{pk}（{year} 年，{region}）完成").format(
                pk=recheck.pk, year=recheck.year, region=recheck.region.name
            )
        )
        self.stdout.write(
            _(
                "评估 {assessed} 户（无适用政策 {no_policy} 户）；识别条件不符 {rule} 条；"
                "名单 {lists} 份，新线索 {lf} 条，应纳候选 {cand} 户；重复人员 {dups}"
            ).format(
                assessed=t.get("assessed", 0),
                no_policy=t.get("no_policy", 0),
                rule=t.get("rule_findings", 0),
                lists=t.get("lists", 0),
                lf=t.get("list_findings", 0),
                cand=t.get("candidates", 0),
                # Labelled counts, not the stored dict with its English keys.
                dups=_("、").join(
                    f"{FindingKind(k).label} {n}" for k, n in t.get("duplicates", {}).items() if k in FindingKind.values
                )
                or "0",
            )
        )
        for row in recheck.summary.get("townships", []):
            self.stdout.write(
                _("  {name}：待核实线索 {open}（本次新增 {new}），应纳候选 {cand} 户").format(
                    name=row["name"], open=row["open_total"], new=row["new_total"], cand=row["candidates"]
                )
            )
        timings = _("、").join(f"{k} {v}" for k, v in (recheck.timings or {}).items())
        self.stdout.write(_("耗时（秒）：{t}").format(t=timings))
