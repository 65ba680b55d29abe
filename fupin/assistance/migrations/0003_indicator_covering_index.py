from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_seed")]

    operations = [
        # Covers the indicators' reads of a year's measures (fupin.reports).
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["year", "item", "household", "beneficiary", "amount"], name="assistance__year_856778_idx"
            ),
        ),
    ]
