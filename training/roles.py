"""The training roles and what each may do to the training models.

The trainer group (培训讲师) belongs to this app. The district administrator
and street officer groups belong to the back office (registration/roles.py);
their names are repeated here as plain strings so that training never imports
registration (a test checks the names agree). Migration 0002_roles and the
demo loader call ``sync_roles``.

Permissions say *what* a role may do; permissions.py says *to which*
sessions and trainees: a trainer only to their own sessions, a street officer
only to their own streets.
"""

from portal.roles import permissions_for

TRAINER = "培训讲师"
DISTRICT_ADMIN = "区级管理员"
STREET_OFFICER = "街道纳管员"

ACCESS_ADMIN = "wagtailadmin.access_admin"
VIEW_ALL = [
    "training.view_trainee",
    "training.view_topic",
    "training.view_trainingsession",
    "training.view_attendance",
    "training.view_checkinrequest",
]

# Permissions this app manages in each group. For the groups of other apps,
# only these are added or removed: their other permissions are left alone.
ROLE_PERMISSIONS = {
    TRAINER: [
        ACCESS_ADMIN,
        *VIEW_ALL,
        "training.add_trainee",
        "training.change_trainee",
        "training.add_trainingsession",
        "training.change_trainingsession",
        "training.add_attendance",
        "training.change_attendance",
        "training.change_checkinrequest",
    ],
    DISTRICT_ADMIN: [
        ACCESS_ADMIN,
        *VIEW_ALL,
        *(
            f"training.{action}_{model}"
            for action in ("add", "change", "delete")
            for model in ("trainee", "topic", "trainingsession", "attendance", "checkinrequest")
        ),
        "training.change_trainingsettings",
    ],
    STREET_OFFICER: [ACCESS_ADMIN, *VIEW_ALL],
}

# Trainers attach materials (Wagtail documents) to their sessions.
COLLECTION_PERMISSIONS = {
    TRAINER: ["add_document", "choose_document"],
    DISTRICT_ADMIN: ["add_document", "choose_document"],
}

# Only these roles' users are limited to the streets of their StaffProfile.
STREET_SCOPED_ROLES = (STREET_OFFICER,)


def sync_roles(apps):
    """Create the groups if missing and give each exactly its training
    permissions. ``apps`` is a migration's registry or django.apps.apps.
    Running it again changes nothing."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    training_perms = set(Permission.objects.filter(content_type__app_label="training").values_list("pk", flat=True))
    root = Collection.objects.filter(depth=1).first()
    for name, specs in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {perm.pk for spec in specs for perm in permissions_for(apps, spec)}
        have = set(group.permissions.values_list("pk", flat=True))
        # Ours are the training permissions, plus admin access for our own group.
        managed = training_perms | (wanted if name == TRAINER else set())
        if missing := wanted - have:
            group.permissions.add(*missing)
        if extra := (have & managed) - wanted:
            group.permissions.remove(*extra)
        for codename in COLLECTION_PERMISSIONS.get(name, []):
            if root is None:
                break
            permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
