"""`fupin demo`: load the demo district and its accounts, then print who can log in."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import TerminalProgress
from fupin.core.models import Job
from fupin.demo.generator import FIRST_YEAR, generate_district, regions_ensure
from fupin.demo.reset import database_recreate
from fupin.demo.users import demo_accounts, demo_users_ensure
from fupin.registry.models import Household, Member


class Command(BaseCommand):
    help = "加载演示区县（珠晖区）的农户、成员和每个角色的演示账号（仅用于本机演示）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=2000, help="农户数（默认 2000，约 7000 人）")
        parser.add_argument("--seed", type=int, default=2017, help="随机种子：同一种子生成相同的数据")
        parser.add_argument("--year", type=int, default=2017, help="演示年度（默认 2017）")
        parser.add_argument(
            "--reset", action="store_true", help="先清空数据库再生成（只允许在演示库中，即 FUPIN_MODE=demo）"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="库中已有农户时不再生成，只确保演示账号存在并打印账号表"
        )

    def handle(self, *args, households: int, seed: int, year: int, reset: bool, if_empty: bool, **options) -> None:
        if households < 0:
            raise CommandError("--households 不能为负数")
        if year < FIRST_YEAR:
            raise CommandError(f"--year 不能早于 {FIRST_YEAR}（建档立卡始于 {FIRST_YEAR} 年）")
        if reset:
            if settings.FUPIN_MODE != "demo":
                raise CommandError(
                    f"--reset 会清空整个数据库，只能在演示库中使用（FUPIN_MODE=demo，当前为 {settings.FUPIN_MODE}）"
                )
            self.stdout.write("清空演示库并重新建表……")
            database_recreate()
        if Household._meta.db_table not in connection.introspection.table_names():
            raise CommandError("数据库还没有建表：请先运行 fupin migrate（make demo 会自动运行）")
        ctx = Context(actor=None, source=ChangeSource.COMMAND, reason="演示数据")
        existing = Household.objects.count()
        if existing and not reset and not if_empty:
            raise CommandError(
                f"数据库中已有 {existing} 户农户；演示数据只加载到空库。"
                "要重新生成，请在演示库中使用 --reset（FUPIN_MODE=demo）。"
            )
        regions_ensure(ctx)
        users = demo_users_ensure(ctx=ctx)
        if existing and if_empty:
            self.stdout.write(f"库中已有 {existing} 户农户，跳过生成。")
        else:
            progress = TerminalProgress(Job(kind="demo"), stream=self.stderr._out)
            try:
                result = generate_district(households=households, seed=seed, year=year, progress=progress, users=users)
            finally:
                progress.close()
            self.stdout.write(
                f"已生成 {result['households']} 户、{result['members']} 人、{result['years']} 条年度信息、"
                f"{result['events']} 条状态记录，用时 {result['seconds']} 秒（种子 {seed}，年度 {year}）。"
            )
            for phase, counts in result["phases"].items():
                shown = "，".join(f"{k} {v}" for k, v in counts.items()) or "完成"
                self.stdout.write(f"  {phase}: {shown}")
        self._print_accounts()
        self.stdout.write(
            # After the phases (which add a few people, e.g. applicants), hence "now".
            f"库中现有 {Household.objects.count()} 户、在册 {Member.objects.active().count()} 人。"
            "启动服务：make serve 或 fupin serve，然后打开 http://127.0.0.1:8000/"
        )

    def _print_accounts(self) -> None:
        rows = demo_accounts()
        header = ("用户名", "密码", "角色", "区域", "姓名")
        table = [header, *[(r.username, r.password, r.role, r.region, r.full_name) for r in rows]]
        widths = [max(_width(str(row[i])) for row in table) for i in range(len(header))]
        self.stdout.write("")
        self.stdout.write("演示账号（仅限本机演示）：")
        for n, row in enumerate(table):
            self.stdout.write("  " + "  ".join(_pad(str(cell), widths[i]) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
