"""One demo account per role, with a fixed password printed by `fupin demo`.

The demo is local-only (FUPIN_MODE=demo on 127.0.0.1); a real deployment creates its users
in the admin and never runs `fupin demo`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.choices import RoleCode
from fupin.accounts.models import User
from fupin.accounts.services.users import role_assign, user_create
from fupin.core.changelog import Context
from fupin.regions.models import Region

DEMO_PASSWORD = "fupin-demo-2017"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    region_code: str
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("district", "周卫东", RoleCode.DISTRICT_OFFICE, "430405"),
    DemoUser("township", "谭丽华", RoleCode.TOWNSHIP_REVIEWER, "430405014"),
    DemoUser("cadre", "罗志强", RoleCode.VILLAGE_CADRE, "430405014201"),
    DemoUser("cadre2", "唐晓燕", RoleCode.VILLAGE_CADRE, "430405201201"),
    DemoUser("sector", "彭建军", RoleCode.SECTOR, "430405"),
    DemoUser("leader", "曾国平", RoleCode.LEADER, "430405"),
    DemoUser("admin", "系统管理员", RoleCode.SYSADMIN, "430000", superuser=True),
)


@dataclass(frozen=True)
class AccountRow:
    username: str
    password: str
    role: str
    region: str
    full_name: str


@transaction.atomic
def demo_users_ensure(*, ctx: Context) -> dict[str, User]:
    """Create the demo accounts that do not exist yet (an existing username is left alone)."""
    users: dict[str, User] = {}
    regions = {r.code: r for r in Region.objects.filter(code__in={u.region_code for u in DEMO_USERS})}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                ctx=ctx,
                username=spec.username,
                password=DEMO_PASSWORD,
                full_name=spec.full_name,
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            role_assign(ctx=ctx, user=user, role_code=spec.role, region=regions[spec.region_code])
        users[spec.username] = user
    return users


def demo_accounts() -> list[AccountRow]:
    """The table printed after loading: username, password, role and region."""
    regions = {r.code: r.name for r in Region.objects.filter(code__in={u.region_code for u in DEMO_USERS})}
    return [
        AccountRow(
            username=u.username,
            password=DEMO_PASSWORD,
            role=str(RoleCode(u.role).label) + (_("（超级用户）") if u.superuser else ""),
            region=regions.get(u.region_code, u.region_code),
            full_name=u.full_name,
        )
        for u in DEMO_USERS
    ]
