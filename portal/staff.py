"""Who a member of staff is: their role groups and the streets they work for.

Every app that scopes rows by street, or asks "is this user in group X",
asks here: one cached answer per request. ``unrestricted_groups`` names the
roles that see every street (superusers always do).
"""

from .models import StaffProfile


def _active(user):
    return getattr(user, "is_authenticated", False) and user.is_active


def group_names(user):
    """The names of the user's groups, read once per request (cached on the user)."""
    if not _active(user):
        return frozenset()
    if "_staff_group_names" not in user.__dict__:
        user.__dict__["_staff_group_names"] = frozenset(user.groups.values_list("name", flat=True))
    return user.__dict__["_staff_group_names"]


def in_group(user, *names):
    """True if the active user belongs to any of the named groups."""
    return not group_names(user).isdisjoint(names)


def staff_street_ids(user, unrestricted_groups=()):
    """The ids of the user's streets, or None for every street. Cached on the
    user object for the request, per set of unrestricted groups."""
    if not _active(user):
        return frozenset()
    cache = user.__dict__.setdefault("_staff_street_ids", {})
    key = frozenset(unrestricted_groups)
    if key not in cache:
        if user.is_superuser or in_group(user, *key):
            cache[key] = None
        else:
            cache[key] = frozenset(
                StaffProfile.streets.through.objects.filter(staffprofile__user=user).values_list("street_id", flat=True)
            )
    return cache[key]


def scope_to_streets(queryset, user, street_field="street_id", unrestricted_groups=()):
    """The rows of ``queryset`` whose ``street_field`` is one of the user's streets."""
    streets = staff_street_ids(user, unrestricted_groups)
    if streets is None:
        return queryset
    return queryset.filter(**{f"{street_field}__in": streets})


def in_staff_streets(user, street_id, unrestricted_groups=()):
    """The object check that goes with scope_to_streets."""
    streets = staff_street_ids(user, unrestricted_groups)
    return streets is None or street_id in streets


def staff_community_ids(user):
    """The ids of the communities in the user's StaffProfile (grid workers), cached for the request."""
    if not _active(user):
        return frozenset()
    if "_staff_community_ids" not in user.__dict__:
        user.__dict__["_staff_community_ids"] = frozenset(
            StaffProfile.communities.through.objects.filter(staffprofile__user=user).values_list(
                "community_id", flat=True
            )
        )
    return user.__dict__["_staff_community_ids"]
