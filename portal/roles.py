"""Shared by the apps that define role groups (registration, training)."""


def permissions_for(apps, spec):
    """The permissions named by ``"app_label.codename"`` (``codename`` may be
    ``*`` for all of the app's); ``apps`` is a migration's registry or
    django.apps.apps. A name that matches nothing is an error, not a no-op."""
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = spec.split(".")
    queryset = Permission.objects.filter(content_type__app_label=app_label)
    if codename != "*":
        queryset = queryset.filter(codename=codename)
    found = list(queryset)
    if not found:
        raise LookupError(f"permission {spec} does not exist")
    return found
