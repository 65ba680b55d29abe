"""Two signals for the same household at the same moment on PostgreSQL: the second waits for
the first and joins its alert, instead of breaking the one-open-alert constraint (a 500 for a
cadre's report, an aborted screening for a list). SQLite has one writer at a time, so the
race cannot happen there.

Each test holds the first report's transaction open, starts the second in another thread
(its own connection), waits until that one is blocked on a lock — before the fix it blocks
on the unique index, after it on the household row — and then commits the first."""

from __future__ import annotations

import importlib
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from fupin.monitoring.choices import AlertSource, AlertStatus
from fupin.monitoring.models import Alert
from fupin.monitoring.screening.frames import alerts_insert
from fupin.monitoring.services.alerts import alert_match, alert_report, alert_self_report
from tests.conftest import DACHANG, SYSTEM, region
from tests.monitoring.conftest import exited_household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers"),
]


@pytest.fixture(autouse=True)
def _seeded_policy():
    # A transactional test empties every table when it ends, the seeded policy with them.
    from django.apps import apps

    importlib.import_module("fupin.monitoring.migrations.0002_seed_policy").seed(apps, None)


def _blocked_elsewhere() -> bool:
    with connection.cursor() as cur:
        # pg_stat_activity is read once per transaction unless its snapshot is dropped.
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cur.fetchone()[0] > 0


def race(first, second) -> dict[str, Any]:
    """Run `first` in an open transaction, `second` in another thread until it waits on a lock,
    then commit `first`; returns what `second` returned ("value") or raised ("error")."""
    out: dict[str, Any] = {}

    def other() -> None:
        try:
            out["value"] = second()
        except Exception as e:  # handed back to the test
            out["error"] = e
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    with transaction.atomic():
        first()
        thread.start()
        while thread.is_alive() and not _blocked_elsewhere():
            time.sleep(0.01)
        assert thread.is_alive(), f"the second signal did not wait for the first: {out}"
    thread.join()
    return out


def _report(h):
    return lambda: alert_report(ctx=SYSTEM, household=h, source="cadre", description="走访发现")


def test_two_reports_at_once_give_one_procedure(june_2021):
    h = exited_household("4304050142019901")
    out = race(_report(h), _report(h))
    assert "error" not in out, out.get("error")
    assert out["value"].status == AlertStatus.ATTACHED
    opened = Alert.objects.get(household=h, status=AlertStatus.OPEN)
    assert out["value"].attached_to_id == opened.pk


def test_a_match_during_a_report_joins_the_reports_alert(june_2021):
    h = exited_household("4304050142019902")
    public = alert_self_report(
        ctx=SYSTEM, village=region(DACHANG), name="张三", phone="13800000000", description="住院"
    )
    out = race(_report(h), lambda: alert_match(ctx=SYSTEM, alert=public, household=h))
    assert "error" not in out, out.get("error")
    opened = Alert.objects.get(household=h, status=AlertStatus.OPEN)
    public.refresh_from_db()
    assert public.status == AlertStatus.ATTACHED and public.attached_to_id == opened.pk


def test_a_screening_during_a_report_attaches_instead_of_aborting(june_2021):
    h = exited_household("4304050142019903")
    row = {
        "region_id": h.region_id,
        "household_id": h.pk,
        "source": AlertSource.INCOME_DROP,
        "evidence": {},
        "days": 15,
        "dedup_key": f"income:2021:{h.pk}",
    }

    def screening():
        with transaction.atomic():
            return alerts_insert(SYSTEM, [row], today=timezone.localdate())

    out = race(_report(h), screening)
    assert "error" not in out, out.get("error")
    assert (out["value"].opened, out["value"].attached) == (0, 1)
    signal = Alert.objects.get(dedup_key=row["dedup_key"])
    assert signal.status == AlertStatus.ATTACHED
    assert signal.attached_to == Alert.objects.get(household=h, status=AlertStatus.OPEN)
