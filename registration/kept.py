"""Rebuilding the tables PostgreSQL's triggers keep from other rows
(InspectionTally, migration 0016; WorkActivity, 0019; StatusTally, 0023). They are
not backed up: after a restore (portal/backups.py) they are filled anew from
the works, status changes and inspections, as their migrations first did."""

from django.db import connection

_DAY = "(inspected_at AT TIME ZONE 'Asia/Shanghai')::date"
REBUILD = {
    "registration_inspectiontally": f"""
        INSERT INTO registration_inspectiontally (street_id, day, inspections)
        SELECT r.street_id, {_DAY}, count(*)
        FROM registration_inspection i JOIN registration_registration r ON r.id = i.registration_id GROUP BY 1, 2
    """,
    "registration_statustally": """
        INSERT INTO registration_statustally (street_id, day, to_status, changes)
        SELECT r.street_id, (s.created_at AT TIME ZONE 'Asia/Shanghai')::date, s.to_status, count(*)
        FROM registration_statuschange s JOIN registration_registration r ON r.id = s.registration_id GROUP BY 1, 2, 3
    """,
    "registration_workactivity": f"""
        INSERT INTO registration_workactivity
            (registration_id, street_id, planned_start, accepted_at, ended_at, inspected_days)
        SELECT r.id, r.street_id, r.planned_start, s.accepted, s.ended, coalesce(i.days, '{{}}')
        FROM registration_registration r
        LEFT JOIN (
            SELECT registration_id,
                   min(created_at) FILTER (WHERE to_status = 'under_way') AS accepted,
                   min(created_at) FILTER (WHERE to_status IN ('completed', 'withdrawn')) AS ended
            FROM registration_statuschange GROUP BY 1
        ) AS s ON s.registration_id = r.id
        LEFT JOIN (
            SELECT registration_id, range_agg(daterange({_DAY}, {_DAY}, '[]')) AS days
            FROM registration_inspection GROUP BY 1
        ) AS i ON i.registration_id = r.id
    """,
}


def rebuild(table):
    """Empty ``table`` and fill it from the records, on PostgreSQL (elsewhere it stays empty)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a table name of ours)
        cursor.execute(REBUILD[table])
