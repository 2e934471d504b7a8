"""A throwaway database for a benchmark: a file for SQLite, a test_ database
for PostgreSQL (from DATABASE_URL), migrated, dropped afterwards."""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


@contextlib.contextmanager
def throwaway_database(name):
    """Yield the database vendor; `name` must be used by no test run."""
    with bench_database(name) as (vendor, _reused):
        yield vendor


@contextlib.contextmanager
def bench_database(name, keep=False):
    """Yield (vendor, reused); `name` must be used by no test run. With
    ``keep`` the database is left behind, and a later run with ``keep``
    reuses it (``reused`` is then True: its data are already there).
    BENCH_DB_SUFFIX, when set, is appended, so that two benches can run at once."""
    name += os.environ.get("BENCH_DB_SUFFIX", "")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    vendor = connection.vendor
    test_name = f"/tmp/{name}.sqlite3" if vendor == "sqlite" else f"test_{name}"
    connection.settings_dict["TEST"]["NAME"] = test_name
    # Pages are timed as a server renders them: without the test environment's
    # signal on every template rendered (the test client copies each context).
    from django.template import Template

    render = Template._render
    setup_test_environment()
    Template._render = render
    reused = keep and _exists(connection, test_name)
    if reused:
        old_name = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = test_name
    else:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield vendor, reused
    finally:
        if keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _exists(connection, test_name):
    if connection.vendor == "sqlite":
        return Path(test_name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name])
        return cursor.fetchone() is not None
