"""Migration 0004 leaves one open alert per household: the one whose procedure has come
furthest keeps it, and the others join it as signals (their steps stay in the ledger)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fupin.monitoring.choices import AlertStatus
from fupin.monitoring.models import Alert, AlertStep
from tests.monitoring.conftest import exited_household

BEFORE = ("monitoring", "0003_list_columns_and_alert_indexes")


@pytest.fixture(autouse=True)
def _seeded_policy():
    # A transactional test empties every table when it ends, the seeded policy with them.
    from django.apps import apps

    importlib.import_module("fupin.monitoring.migrations.0002_seed_policy").seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_the_alert_with_recorded_steps_keeps_the_procedure(regions):
    worked_on = exited_household("4304050142019701")
    untouched = exited_household("4304050142019702")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        OldAlert, OldStep = old.get_model("monitoring", "Alert"), old.get_model("monitoring", "AlertStep")

        def alert(h, day: int, next_step: str = "verification"):
            a = OldAlert.objects.create(
                region_id=h.region_id,
                household_id=h.pk,
                source="cadre",
                description="x",
                status="open",
                next_step=next_step,
                deadline=dt.date(2021, 3, day + 15),
            )
            OldAlert.objects.filter(pk=a.pk).update(created=dt.datetime(2021, 3, day, tzinfo=dt.UTC))
            return a.pk

        # The earlier alert was never worked on; the later one has two village steps.
        earlier, later = alert(worked_on, 1), alert(worked_on, 5, next_step="comparison")
        for step in ("verification", "consent"):
            OldStep.objects.create(alert_id=later, step=step, decision="pass", on=dt.date(2021, 3, 6))
        # Neither worked on: the earliest keeps the procedure.
        first, second = alert(untouched, 2), alert(untouched, 3)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    kept = Alert.objects.get(pk=later)
    joined = Alert.objects.get(pk=earlier)
    assert (kept.status, kept.next_step) == (AlertStatus.OPEN, "comparison")
    assert (joined.status, joined.attached_to_id, joined.next_step) == (AlertStatus.ATTACHED, later, "")
    assert joined.deadline == kept.deadline == dt.date(2021, 3, 20)
    assert AlertStep.objects.filter(alert_id=later).count() == 2
    assert Alert.objects.get(pk=first).status == AlertStatus.OPEN
    assert Alert.objects.get(pk=second).attached_to_id == first
