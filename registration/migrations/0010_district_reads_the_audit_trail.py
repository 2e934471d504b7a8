"""The district administrator reads the audit trail (portal.AuditEvent)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.roles import create_model_permissions
    from registration.roles import sync_roles

    create_model_permissions(apps)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0009_completion_requests_and_ratings"),
        ("portal", "0007_audit_trail"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
