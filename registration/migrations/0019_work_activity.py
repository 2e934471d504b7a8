"""A row per work with its time under way and the days it was inspected
(see models.WorkActivity), kept by PostgreSQL triggers; SQLite gets the
table but neither the inspected_days column nor the triggers."""

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_sql import on_postgresql

TABLE = "registration_workactivity"
# A day in Xiamen, as the one-day range [day, day + 1).
DAY = "daterange((inspected_at AT TIME ZONE 'Asia/Shanghai')::date, (inspected_at AT TIME ZONE 'Asia/Shanghai')::date, '[]')"
ACCEPTED = "min(created_at) FILTER (WHERE to_status = 'under_way')"
ENDED = "min(created_at) FILTER (WHERE to_status IN ('completed', 'withdrawn'))"


def _lock(ids):
    """Lock the rows of the works ``ids`` (a query) in one order, so that
    concurrent statements wait for each other instead of deadlocking, and the
    next statement's snapshot sees what they committed."""
    return f"PERFORM 1 FROM {TABLE} WHERE registration_id IN ({ids}) ORDER BY registration_id FOR UPDATE;"


def _recount_statuses(ids):
    return f"""
        {_lock(ids)}
        UPDATE {TABLE} w SET accepted_at = s.accepted, ended_at = s.ended
        FROM (
            SELECT a.registration_id, {ACCEPTED} AS accepted, {ENDED} AS ended
            FROM (SELECT DISTINCT registration_id FROM ({ids}) AS changed) AS a
            LEFT JOIN registration_statuschange c ON c.registration_id = a.registration_id
            GROUP BY a.registration_id
        ) AS s
        WHERE w.registration_id = s.registration_id;
    """


def _recount_days(ids):
    return f"""
        {_lock(ids)}
        UPDATE {TABLE} w SET inspected_days = coalesce(
            (SELECT range_agg({DAY}) FROM registration_inspection i WHERE i.registration_id = w.registration_id), '{{}}'
        )
        WHERE w.registration_id IN ({ids});
    """


CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN inspected_days datemultirange NOT NULL DEFAULT '{{}}'",
    # Works: a row each, following street and planned start.
    f"""
    CREATE OR REPLACE FUNCTION registration_activity_works() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO {TABLE} (registration_id, street_id, planned_start)
            SELECT id, street_id, planned_start FROM new_rows ORDER BY id ON CONFLICT (registration_id) DO NOTHING;
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE registration_id IN (SELECT id FROM old_rows);
        ELSE
            UPDATE {TABLE} SET street_id = NEW.street_id, planned_start = NEW.planned_start
            WHERE registration_id = NEW.id;
            RETURN NULL;
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_activity_insert AFTER INSERT ON registration_registration
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_works()""",
    """CREATE TRIGGER registration_activity_delete AFTER DELETE ON registration_registration
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_works()""",
    """CREATE TRIGGER registration_activity_update AFTER UPDATE OF street_id, planned_start ON registration_registration
       FOR EACH ROW WHEN (OLD.street_id IS DISTINCT FROM NEW.street_id OR OLD.planned_start IS DISTINCT FROM NEW.planned_start)
       EXECUTE FUNCTION registration_activity_works()""",
    # Status changes: a new one can only make the first acceptance or end earlier.
    f"""
    CREATE OR REPLACE FUNCTION registration_activity_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_lock("SELECT registration_id FROM new_rows")}
            UPDATE {TABLE} w SET accepted_at = least(w.accepted_at, n.accepted), ended_at = least(w.ended_at, n.ended)
            FROM (SELECT registration_id, {ACCEPTED} AS accepted, {ENDED} AS ended FROM new_rows GROUP BY 1) AS n
            WHERE w.registration_id = n.registration_id AND (n.accepted IS NOT NULL OR n.ended IS NOT NULL);
        ELSIF TG_OP = 'UPDATE' THEN
            {_recount_statuses("SELECT registration_id FROM old_rows UNION SELECT registration_id FROM new_rows")}
        ELSE
            {_recount_statuses("SELECT registration_id FROM old_rows")}
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_activity_status_insert AFTER INSERT ON registration_statuschange
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_statuses()""",
    """CREATE TRIGGER registration_activity_status_update AFTER UPDATE ON registration_statuschange
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_statuses()""",
    """CREATE TRIGGER registration_activity_status_delete AFTER DELETE ON registration_statuschange
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_statuses()""",
    # Inspections: a new one adds its day; an edit or a deletion recounts the work's days.
    f"""
    CREATE OR REPLACE FUNCTION registration_activity_inspections() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_lock("SELECT registration_id FROM new_rows")}
            UPDATE {TABLE} w SET inspected_days = w.inspected_days + n.days
            FROM (SELECT registration_id, range_agg({DAY}) AS days FROM new_rows GROUP BY 1) AS n
            WHERE w.registration_id = n.registration_id;
        ELSIF TG_OP = 'UPDATE' THEN
            {_recount_days("SELECT registration_id FROM old_rows UNION SELECT registration_id FROM new_rows")}
        ELSE
            {_recount_days("SELECT registration_id FROM old_rows")}
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER registration_activity_inspection_insert AFTER INSERT ON registration_inspection
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_inspections()""",
    """CREATE TRIGGER registration_activity_inspection_update AFTER UPDATE ON registration_inspection
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_inspections()""",
    """CREATE TRIGGER registration_activity_inspection_delete AFTER DELETE ON registration_inspection
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_activity_inspections()""",
    # The works already there.
    f"""
    INSERT INTO {TABLE} (registration_id, street_id, planned_start, accepted_at, ended_at, inspected_days)
    SELECT r.id, r.street_id, r.planned_start, s.accepted, s.ended, coalesce(i.days, '{{}}')
    FROM registration_registration r
    LEFT JOIN (
        SELECT registration_id, {ACCEPTED} AS accepted, {ENDED} AS ended FROM registration_statuschange GROUP BY 1
    ) AS s ON s.registration_id = r.id
    LEFT JOIN (SELECT registration_id, range_agg({DAY}) AS days FROM registration_inspection GROUP BY 1) AS i
        ON i.registration_id = r.id
    """,
]
DROP = [
    *(
        f"DROP TRIGGER IF EXISTS registration_activity_{name} ON registration_{table}"
        for table, names in (
            ("registration", ("insert", "delete", "update")),
            ("statuschange", ("status_insert", "status_update", "status_delete")),
            ("inspection", ("inspection_insert", "inspection_update", "inspection_delete")),
        )
        for name in names
    ),
    "DROP FUNCTION IF EXISTS registration_activity_works()",
    "DROP FUNCTION IF EXISTS registration_activity_statuses()",
    "DROP FUNCTION IF EXISTS registration_activity_inspections()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS inspected_days",
]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_search_tokens"),
        ("registration", "0018_inspection_found_at_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkActivity",
            fields=[
                (
                    "registration",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="registration.registration",
                    ),
                ),
                ("planned_start", models.DateField()),
                ("accepted_at", models.DateTimeField(null=True)),
                ("ended_at", models.DateTimeField(null=True)),
                (
                    "street",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="portal.street",
                    ),
                ),
            ],
        ),
        on_postgresql(CREATE, DROP),
    ]
