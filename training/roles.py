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

from portal import roles as portal_roles

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
    """The training permissions of each group and the trainers' document
    permissions (portal/roles.py); called by migration 0002 and the demo loader."""
    portal_roles.sync_roles(apps, ROLE_PERMISSIONS, collection_permissions=COLLECTION_PERMISSIONS)
