"""Status changes per street, day and new status, kept by PostgreSQL triggers
as the inspections' tally is (migration 0016; see models.StatusTally); SQLite
gets the table but no triggers."""

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_sql import on_postgresql

_DAY = "(created_at AT TIME ZONE 'Asia/Shanghai')::date"
_UPSERT = """
    ON CONFLICT (street_id, day, to_status) DO UPDATE
    SET changes = registration_statustally.changes + EXCLUDED.changes;
"""
# Add (sign 1) or take away (sign -1) the rows of a transition table, in a
# fixed order so that concurrent statements lock tally rows without deadlock.
_APPLY = f"""
    INSERT INTO registration_statustally (street_id, day, to_status, changes)
    SELECT r.street_id, (t.created_at AT TIME ZONE 'Asia/Shanghai')::date, t.to_status, {{sign}} * count(*)
    FROM {{table}} t JOIN registration_registration r ON r.id = t.registration_id
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    {_UPSERT}
"""
CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION registration_tally_status_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_APPLY.format(sign=-1, table="old_rows")} END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_APPLY.format(sign=1, table="new_rows")} END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_status_tally_insert AFTER INSERT ON registration_statuschange
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_status_changes()""",
    """CREATE TRIGGER registration_status_tally_update AFTER UPDATE ON registration_statuschange
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_status_changes()""",
    """CREATE TRIGGER registration_status_tally_delete AFTER DELETE ON registration_statuschange
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_status_changes()""",
    # A work moved to another street takes its status changes along.
    f"""
    CREATE OR REPLACE FUNCTION registration_status_tally_moved_work() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.street_id IS DISTINCT FROM OLD.street_id THEN
            INSERT INTO registration_statustally (street_id, day, to_status, changes)
            SELECT street, day, to_status, n FROM (
                SELECT OLD.street_id AS street, {_DAY} AS day, to_status, -count(*) AS n
                FROM registration_statuschange WHERE registration_id = NEW.id GROUP BY 2, 3
                UNION ALL
                SELECT NEW.street_id, {_DAY}, to_status, count(*)
                FROM registration_statuschange WHERE registration_id = NEW.id GROUP BY 2, 3
            ) AS moved ORDER BY 1, 2, 3
            {_UPSERT}
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_status_tally_moved_work AFTER UPDATE OF street_id ON registration_registration
       FOR EACH ROW EXECUTE FUNCTION registration_status_tally_moved_work()""",
    # The status changes already there (registration/kept.py fills it the same way after a restore).
    f"""
    INSERT INTO registration_statustally (street_id, day, to_status, changes)
    SELECT r.street_id, {_DAY}, s.to_status, count(*)
    FROM registration_statuschange s JOIN registration_registration r ON r.id = s.registration_id GROUP BY 1, 2, 3
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS registration_status_tally_moved_work ON registration_registration",
    "DROP FUNCTION IF EXISTS registration_status_tally_moved_work()",
    "DROP TRIGGER IF EXISTS registration_status_tally_insert ON registration_statuschange",
    "DROP TRIGGER IF EXISTS registration_status_tally_update ON registration_statuschange",
    "DROP TRIGGER IF EXISTS registration_status_tally_delete ON registration_statuschange",
    "DROP FUNCTION IF EXISTS registration_tally_status_changes()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_search_tokens"),
        ("registration", "0022_registration_owner_address_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted, awaiting review"),
                            ("returned", "Returned for correction"),
                            ("under_way", "Registered, under way"),
                            ("stopped", "Stopped for rectification"),
                            ("completed", "Completed and written off"),
                            ("withdrawn", "Withdrawn"),
                            ("found_unregistered", "Found unregistered: the owner must register it"),
                        ],
                        max_length=20,
                    ),
                ),
                ("changes", models.IntegerField(default=0)),
                (
                    "street",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="portal.street"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["day", "street"], name="status_tally_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("street", "day", "to_status"), name="status_tally_street_day_status"
                    )
                ],
            },
        ),
        on_postgresql(CREATE, DROP),
    ]
