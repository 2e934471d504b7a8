"""Hazard.found_at: its inspection's time, copied from the inspections already there."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_inspection_times(apps, schema_editor):
    Hazard = apps.get_model("registration", "Hazard")
    Inspection = apps.get_model("registration", "Inspection")
    Hazard.objects.update(
        found_at=Subquery(Inspection.objects.filter(pk=OuterRef("inspection_id")).values("inspected_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0019_work_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="found_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_inspection_times, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="hazard",
            name="found_at",
            field=models.DateTimeField(db_index=True, editable=False),
        ),
    ]
