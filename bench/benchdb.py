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
    """Yield the database vendor; `name` must be used by no test run.
    BENCH_DB_SUFFIX, when set, is appended, so that two benches can run at once."""
    name += os.environ.get("BENCH_DB_SUFFIX", "")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    vendor = connection.vendor
    connection.settings_dict["TEST"]["NAME"] = f"/tmp/{name}.sqlite3" if vendor == "sqlite" else f"test_{name}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
