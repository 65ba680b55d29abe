"""One identification procedure per household: further signals attach to the open alert."""

import django.db.models.deletion
from django.db import migrations, models


# The procedure's steps in order (choices.ProcedureStep as of this migration).
STEPS = ("verification", "consent", "comparison", "appraisal", "notice", "township", "county")


def _progress(alert) -> tuple[int, int]:
    """How far an alert's procedure has come: its next step, then the steps recorded."""
    reached = STEPS.index(alert.next_step) if alert.next_step in STEPS else -1
    return reached, alert.n_steps


def attach_duplicates(apps, schema_editor):
    """Where a household already has several open alerts, the most advanced one keeps the
    procedure (the furthest step, then the most steps recorded; the earliest on a tie) and
    the others join it — their steps stay in the ledger — so the constraint can be added.
    Keeping the earliest would turn a later alert that a village had already worked on
    into a mere signal and restart the household's procedure."""
    Alert = apps.get_model("monitoring", "Alert")
    open_alerts = Alert.objects.filter(status="open", household__isnull=False)
    doubled = open_alerts.values("household_id").annotate(n=models.Count("id")).filter(n__gt=1).values("household_id")
    rows = (
        open_alerts.filter(household_id__in=doubled)
        .annotate(n_steps=models.Count("steps"))
        .order_by("household_id", "created", "id")
        .only("id", "household_id", "deadline", "next_step", "created")
    )
    by_household: dict[int, list] = {}
    for a in rows:
        by_household.setdefault(a.household_id, []).append(a)
    for group in by_household.values():
        keep = max(group, key=_progress)  # max() returns the first of equals: the earliest
        others = [a.pk for a in group if a is not keep]
        Alert.objects.filter(pk__in=others).update(
            status="attached", attached_to=keep.pk, next_step="", deadline=keep.deadline
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_list_columns_and_alert_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="attached_to",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signals",
                to="monitoring.alert",
                verbose_name="并入预警",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "核查中"),
                    ("identified", "已纳入监测"),
                    ("dismissed", "不纳入监测"),
                    ("attached", "已并入同户预警"),
                ],
                default="open",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(attach_duplicates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("attached_to__isnull", False)), fields=["attached_to"], name="alert_attached_to"
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("household__isnull", False), ("status", "open")),
                fields=("household",),
                name="alert_one_open_per_household",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("attached_to__isnull", False), ("status", "attached")),
                    models.Q(models.Q(("status", "attached"), _negated=True), ("attached_to__isnull", True)),
                    _connector="OR",
                ),
                name="alert_attached_has_target",
            ),
        ),
    ]
