"""Creating users and giving them roles."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.core.changelog import Context, log_create
from fupin.regions.models import Region


@transaction.atomic
def user_create(
    *,
    ctx: Context,
    username: str,
    password: str,
    full_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(username=username, first_name=full_name, is_staff=is_staff, is_superuser=is_superuser)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    log_create(ctx, user)
    return user


@transaction.atomic
def role_assign(
    *,
    ctx: Context,
    user: User,
    role_code: str,
    region: Region,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=Role.objects.get(code=role_code), region=region, valid_to=valid_to)
    if valid_from:
        assignment.valid_from = valid_from
    assignment.full_clean()
    assignment.save()
    log_create(ctx, assignment, related=user)
    user.__dict__.pop("_fupin_scope", None)
    return assignment
