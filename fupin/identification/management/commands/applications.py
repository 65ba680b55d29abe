"""`fupin applications --from-batch ID [--year Y] [--user NAME] [--dry-run]`: open candidate
admission cases for the unregistered households of a roster import, from the terminal."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError, ScopeError
from fupin.identification.selectors.imports import batch_uuid, import_preview
from fupin.identification.services.imports import application_create_from_import


class Command(BaseCommand):
    help = "为导入批次中尚未建档立卡、没有在办申请的农户创建识别申请（候选，待村确认）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from-batch", required=True, dest="batch", help="导入批次号（导入结果页所示的 UUID）")
        parser.add_argument("--year", type=int, help="申请年度（默认：有扶贫标准的最近年度）")
        parser.add_argument("--user", help="以该用户的身份和辖区办理（默认：系统，全部区域）")
        parser.add_argument("--dry-run", action="store_true", help="只统计将创建的申请数，不写入")

    def handle(self, *args, **opts) -> None:
        try:
            batch = batch_uuid(opts["batch"])
        except ValueError:
            raise CommandError(_("导入批次号不正确")) from None
        actor = None
        if opts["user"]:
            actor = get_user_model().objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("用户 {name} 不存在或已停用").format(name=opts["user"]))
        p = import_preview(user=actor, batch=batch)
        if not p.households:
            raise CommandError(_("导入批次 {batch} 没有涉及（您辖区内的）农户").format(batch=batch))
        self.stdout.write(
            _("批次涉及 {h} 户：已建档立卡 {r} 户，已注销 {c} 户，已有在办申请 {o} 户，可申请识别 {e} 户").format(
                h=p.households, r=p.registered, c=p.closed, o=p.open_case, e=p.eligible
            )
        )
        if opts["dry_run"]:
            return
        ctx = Context(actor=actor, source=ChangeSource.COMMAND)
        try:
            done = application_create_from_import(ctx=ctx, batch=batch, year=opts["year"])
        except ScopeError:
            raise CommandError(_("该用户无权为导入的农户创建识别申请")) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("已创建 {n} 份识别申请（{year} 年，候选，待村确认）").format(n=done.created, year=done.year)
        )
