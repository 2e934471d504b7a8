"""The incident register, the demerit points setting, and the permissions for incidents."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from portal.roles import create_model_permissions
    from registration.roles import sync_roles

    create_model_permissions(apps)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_staff_communities"),
        ("registration", "0013_standard_checklists"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DemeritSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "fall_protection",
                    models.PositiveSmallIntegerField(
                        default=3,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="Fall protection",
                    ),
                ),
                (
                    "temporary_power",
                    models.PositiveSmallIntegerField(
                        default=3,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="Temporary electricity",
                    ),
                ),
                (
                    "hot_work",
                    models.PositiveSmallIntegerField(
                        default=3, validators=[django.core.validators.MaxValueValidator(100)], verbose_name="Hot work"
                    ),
                ),
                (
                    "struck_by",
                    models.PositiveSmallIntegerField(
                        default=2,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="Struck by objects",
                    ),
                ),
                (
                    "collapse",
                    models.PositiveSmallIntegerField(
                        default=5, validators=[django.core.validators.MaxValueValidator(100)], verbose_name="Collapse"
                    ),
                ),
                (
                    "poisoning",
                    models.PositiveSmallIntegerField(
                        default=5,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="Poisoning or asphyxiation",
                    ),
                ),
                (
                    "fire",
                    models.PositiveSmallIntegerField(
                        default=3, validators=[django.core.validators.MaxValueValidator(100)], verbose_name="Fire"
                    ),
                ),
                (
                    "other",
                    models.PositiveSmallIntegerField(
                        default=1, validators=[django.core.validators.MaxValueValidator(100)], verbose_name="Other"
                    ),
                ),
                (
                    "late",
                    models.PositiveSmallIntegerField(
                        default=2,
                        help_text="Added to the hazard's points when its deadline was missed.",
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="a hazard rectified late or still overdue",
                    ),
                ),
                (
                    "stop_work",
                    models.PositiveSmallIntegerField(
                        default=5,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="a stop-work order",
                    ),
                ),
                (
                    "incident",
                    models.PositiveSmallIntegerField(
                        default=10,
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="an incident",
                    ),
                ),
            ],
            options={
                "verbose_name": "demerit points",
            },
        ),
        migrations.CreateModel(
            name="Incident",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurred_on", models.DateField(db_index=True, verbose_name="date of the incident")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("small_work", "Small work (小散工程)"),
                            ("sporadic", "Sporadic operation (零星作业)"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "incident_type",
                    models.CharField(
                        choices=[
                            ("fall", "Fall from height"),
                            ("mechanical", "Mechanical injury"),
                            ("electric_shock", "Electric shock"),
                            ("fire", "Fire"),
                            ("struck_by", "Struck by an object"),
                            ("collapse", "Collapse"),
                            ("poisoning", "Poisoning or asphyxiation"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="type of incident",
                    ),
                ),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("no_injury", "No injury (near miss)"),
                            ("minor", "Minor injuries"),
                            ("general", "General accident (一般事故)"),
                            ("larger", "Larger accident (较大事故) or worse"),
                        ],
                        max_length=20,
                        verbose_name="severity",
                    ),
                ),
                (
                    "deaths",
                    models.PositiveSmallIntegerField(
                        default=0, validators=[django.core.validators.MaxValueValidator(999)], verbose_name="deaths"
                    ),
                ),
                (
                    "injuries",
                    models.PositiveSmallIntegerField(
                        default=0, validators=[django.core.validators.MaxValueValidator(999)], verbose_name="injured"
                    ),
                ),
                ("summary", models.TextField(max_length=2000, verbose_name="what happened")),
                ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="portal.community", verbose_name="community"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        blank=True,
                        help_text="The registered work it happened on, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="incidents",
                        to="registration.registration",
                        verbose_name="registration",
                    ),
                ),
                (
                    "street",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="portal.street", verbose_name="street"
                    ),
                ),
            ],
            options={
                "verbose_name": "incident",
                "verbose_name_plural": "incidents",
                "ordering": ["-occurred_on", "-pk"],
                "indexes": [models.Index(fields=["street", "occurred_on"], name="registratio_street__4fbcf2_idx")],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
