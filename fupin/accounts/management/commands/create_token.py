from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.api.tokens import token_issue
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource


class Command(BaseCommand):
    # A plain str: argparse's description formatter calls re.sub on it and rejects a lazy proxy.
    help = "生成（或显示）用户的 API 令牌；--reset 作废旧令牌并生成新令牌"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help=gettext_lazy("作废旧令牌，生成新令牌"))

    def handle(self, *args, username: str, reset: bool, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户 {name} 不存在").format(name=username))
        if not user.is_active:
            raise CommandError(_("用户 {name} 已停用，不能生成令牌").format(name=username))
        token, created = token_issue(ctx=Context(actor=None, source=ChangeSource.COMMAND), user=user, reset=reset)
        if created:
            self.stderr.write(_("已为 {name} 生成新令牌：").format(name=username))
        self.stdout.write(token.key)
