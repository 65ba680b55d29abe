"""Issuing API tokens. The key is a credential: it never enters the change log (the log row
is written against the user, with the key masked to its last four characters)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from fupin.core.changelog import Context, change_row
from fupin.core.choices import ChangeAction
from fupin.utils.masking import mask_account


@transaction.atomic
def token_issue(*, ctx: Context, user: Any, reset: bool = False) -> tuple[Token, bool]:
    """The user's API token; a new one when there is none or `reset` revokes the old one.
    Returns (token, created)."""
    old = Token.objects.filter(user=user).first()
    if old is not None and not reset:
        return old, False
    if old is not None:
        old.delete()
    token = Token.objects.create(user=user)
    change_row(
        ctx,
        obj=user,
        action=ChangeAction.UPDATE,
        before={"api_token": mask_account(old.key) if old else ""},
        after={"api_token": mask_account(token.key)},
    ).save()
    return token, True
