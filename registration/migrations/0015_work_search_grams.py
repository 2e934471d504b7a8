"""The GIN index of the works' characters and pairs of characters, for the
Chinese search of the works list (registration/backoffice/search.py). On
PostgreSQL only: SQLite searches without it."""

from django.db import migrations

from portal.migration_sql import on_postgresql

CREATE = [
    # Every character and every pair of consecutive characters of ``t``.
    r"""
    CREATE OR REPLACE FUNCTION registration_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT gram), '{}') FROM (
            SELECT substr(t, i, 1) AS gram FROM generate_series(1, length(t)) AS i
            UNION ALL
            SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
        ) AS grams
    $$
    """,
    # The searched columns, upper-cased like icontains, joined by a unit separator.
    r"""
    CREATE OR REPLACE FUNCTION registration_work_grams(
        reference text, address text, owner_name text, owner_contact text, contractor_name text,
        site_manager_name text
    ) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT registration_grams(upper(
            coalesce(reference, '') || E'\x1f' || coalesce(address, '') || E'\x1f' || coalesce(owner_name, '')
            || E'\x1f' || coalesce(owner_contact, '') || E'\x1f' || coalesce(contractor_name, '')
            || E'\x1f' || coalesce(site_manager_name, '')
        ))
    $$
    """,
    """
    CREATE INDEX IF NOT EXISTS registration_work_grams_gin ON registration_registration USING gin (
        registration_work_grams(reference, address, owner_name, owner_contact, contractor_name, site_manager_name)
    )
    """,
]
DROP = [
    "DROP INDEX IF EXISTS registration_work_grams_gin",
    "DROP FUNCTION IF EXISTS registration_work_grams(text, text, text, text, text, text)",
    "DROP FUNCTION IF EXISTS registration_grams(text)",
]


class Migration(migrations.Migration):
    dependencies = [("registration", "0014_incidents_and_demerits")]

    operations = [on_postgresql(CREATE, DROP)]
