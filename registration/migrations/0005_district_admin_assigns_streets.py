"""The district administrator now assigns staff to streets (roles.py)."""

from django.db import migrations


def sync(apps, schema_editor):
    from registration.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("registration", "0004_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
