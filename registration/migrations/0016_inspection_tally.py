"""Inspections per street and day, kept by PostgreSQL triggers (see
models.InspectionTally); SQLite gets the table but no triggers."""

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_sql import on_postgresql

# Add (sign 1) or take away (sign -1) the rows of a transition table, in a
# fixed order so that concurrent statements lock tally rows without deadlock.
_APPLY = """
    INSERT INTO registration_inspectiontally (street_id, day, inspections)
    SELECT r.street_id, (t.inspected_at AT TIME ZONE 'Asia/Shanghai')::date, {sign} * count(*)
    FROM {table} t JOIN registration_registration r ON r.id = t.registration_id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (street_id, day) DO UPDATE
    SET inspections = registration_inspectiontally.inspections + EXCLUDED.inspections;
"""
CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION registration_tally_inspections() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_APPLY.format(sign=-1, table="old_rows")} END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_APPLY.format(sign=1, table="new_rows")} END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_tally_insert AFTER INSERT ON registration_inspection
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_inspections()""",
    """CREATE TRIGGER registration_tally_update AFTER UPDATE ON registration_inspection
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_inspections()""",
    """CREATE TRIGGER registration_tally_delete AFTER DELETE ON registration_inspection
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_inspections()""",
    # A work moved to another street takes its inspections along.
    """
    CREATE OR REPLACE FUNCTION registration_tally_moved_work() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.street_id IS DISTINCT FROM OLD.street_id THEN
            INSERT INTO registration_inspectiontally (street_id, day, inspections)
            SELECT street, day, n FROM (
                SELECT OLD.street_id AS street, (inspected_at AT TIME ZONE 'Asia/Shanghai')::date AS day, -count(*) AS n
                FROM registration_inspection WHERE registration_id = NEW.id GROUP BY 2
                UNION ALL
                SELECT NEW.street_id, (inspected_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
                FROM registration_inspection WHERE registration_id = NEW.id GROUP BY 2
            ) AS moved ORDER BY 1, 2
            ON CONFLICT (street_id, day) DO UPDATE
            SET inspections = registration_inspectiontally.inspections + EXCLUDED.inspections;
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_tally_moved_work AFTER UPDATE OF street_id ON registration_registration
       FOR EACH ROW EXECUTE FUNCTION registration_tally_moved_work()""",
    # The inspections already there.
    """
    INSERT INTO registration_inspectiontally (street_id, day, inspections)
    SELECT r.street_id, (i.inspected_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
    FROM registration_inspection i JOIN registration_registration r ON r.id = i.registration_id GROUP BY 1, 2
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS registration_tally_moved_work ON registration_registration",
    "DROP FUNCTION IF EXISTS registration_tally_moved_work()",
    "DROP TRIGGER IF EXISTS registration_tally_insert ON registration_inspection",
    "DROP TRIGGER IF EXISTS registration_tally_update ON registration_inspection",
    "DROP TRIGGER IF EXISTS registration_tally_delete ON registration_inspection",
    "DROP FUNCTION IF EXISTS registration_tally_inspections()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_staff_communities"),
        ("registration", "0015_work_search_grams"),
    ]

    operations = [
        migrations.CreateModel(
            name="InspectionTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("inspections", models.IntegerField(default=0)),
                (
                    "street",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="portal.street"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["day", "street"], name="inspection_tally_day")],
                "constraints": [models.UniqueConstraint(fields=("street", "day"), name="inspection_tally_street_day")],
            },
        ),
        on_postgresql(CREATE, DROP),
    ]
