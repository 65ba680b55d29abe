"""Field helpers of the identification models."""

from typing import Any

from django.db import models


def bulk_fk(to: Any, verbose: Any, **kw: Any) -> models.ForeignKey:
    """A foreign key of rows loaded in bulk (COPY) by the hundred thousand: no index unless
    asked, and no database constraint. PostgreSQL checks a constraint row by row at commit
    (measured: a minute of a re-check); the referenced rows are never deleted (households
    and members are closed or ended, regions and lists are PROTECTed), so integrity holds by
    construction and the ORM's on_delete still guards deletion."""
    kw.setdefault("db_index", False)
    kw.setdefault("on_delete", models.PROTECT)
    kw.setdefault("related_name", "+")
    return models.ForeignKey(to, verbose_name=verbose, db_constraint=False, **kw)
