"""The audience-role rows (one per TraineeRole) and the training permissions
of the trainer, street officer and district administrator groups (see
training/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_CODES = [
    "street_officer",
    "grid_worker",
    "safety_inspector",
    "property_staff",
    "construction_worker",
    "other",
]


def load(apps, schema_editor):
    from training.roles import sync_roles

    AudienceRole = apps.get_model("training", "AudienceRole")
    for order, code in enumerate(ROLE_CODES, start=1):
        AudienceRole.objects.get_or_create(code=code, defaults={"sort_order": order})
    # Model permissions are normally created after all migrations have run;
    # the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def unload(apps, schema_editor):
    from training.roles import TRAINER

    apps.get_model("auth", "Group").objects.filter(name=TRAINER).delete()
    apps.get_model("training", "AudienceRole").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        # The back office creates the district and street groups with their own
        # permissions first; this migration only adds the training ones.
        ("registration", "0004_roles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, unload)]
