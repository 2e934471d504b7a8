"""Role groups, for every app that defines some (registration, training).

Each app states its roles as data (group name -> permission specs, plus
Wagtail page and collection permissions) and calls ``sync_roles`` from its
migrations and the demo loader. One rule for all: an app manages, in each
of its groups, the permissions of the apps its specs for that group name;
permissions of other apps (given by another app to the same group) are
left alone.
"""

import re

from django.contrib.auth.management import create_permissions

MODEL_PERMISSION = re.compile(r"^(?:view|add|change|delete)_(?P<model>\w+)$")


def create_model_permissions(apps):
    """Create the model permissions now: Django creates them only after all
    migrations have run, and a migration giving them to groups needs them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _model_not_there_yet(apps, app_label, codename):
    """A model permission of a model that a later migration creates: an older
    migration syncing today's roles skips it (the later one gives it)."""
    match = MODEL_PERMISSION.match(codename)
    if not match:
        return False
    try:
        apps.get_model(app_label, match["model"])
    except LookupError:
        return True
    return False


def permissions_for(apps, spec):
    """The permissions named by ``"app_label.codename"`` (``codename`` may be
    ``*`` for all of the app's); ``apps`` is a migration's registry or
    django.apps.apps. A name that matches nothing is an error, not a no-op,
    unless it belongs to a model this migration state does not have yet."""
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = spec.split(".")
    if _model_not_there_yet(apps, app_label, codename):
        return []
    queryset = Permission.objects.filter(content_type__app_label=app_label)
    if codename != "*":
        queryset = queryset.filter(codename=codename)
    found = list(queryset)
    if not found:
        raise LookupError(f"permission {spec} does not exist")
    return found


def sync_roles(apps, role_permissions, page_permissions=None, collection_permissions=None):
    """Create the groups and give each exactly its permissions in the apps its specs name.

    ``page_permissions`` (group -> wagtailcore codenames) are given on the
    root page, so they cover the whole site; ``collection_permissions``
    (group -> wagtaildocs codenames) on the root collection. ``apps`` is a
    migration's app registry or django.apps.apps. Running it again changes
    nothing, so the demo loader may call it too.
    """
    Group = apps.get_model("auth", "Group")
    for name, specs in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {perm.pk for spec in specs for perm in permissions_for(apps, spec)}
        managed_apps = {spec.split(".")[0] for spec in specs}
        have = set(group.permissions.filter(content_type__app_label__in=managed_apps).values_list("pk", flat=True))
        if missing := wanted - have:
            group.permissions.add(*missing)
        if extra := have - wanted:
            group.permissions.remove(*extra)
    _grant_on_root(apps, page_permissions or {}, "wagtailcore.Page", "GroupPagePermission", "page", "wagtailcore")
    _grant_on_root(
        apps,
        collection_permissions or {},
        "wagtailcore.Collection",
        "GroupCollectionPermission",
        "collection",
        "wagtaildocs",
    )


def _grant_on_root(apps, grants, root_model, grant_model, root_field, codename_app):
    """Give each group the named permissions on the root page or collection (if it exists yet)."""
    if not grants:
        return
    root = apps.get_model(root_model).objects.filter(depth=1).first()
    if root is None:
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Grant = apps.get_model("wagtailcore", grant_model)
    for name, codenames in grants.items():
        group = Group.objects.get(name=name)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=codename_app, codename=codename)
            Grant.objects.get_or_create(group=group, permission=permission, **{root_field: root})
