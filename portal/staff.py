"""Which streets a member of staff works for (their StaffProfile).

Every app that scopes rows by street asks the same question; this is the
one answer. ``unrestricted_groups`` names the roles that see every street
(superusers always do).
"""

from .models import StaffProfile


def staff_street_ids(user, unrestricted_groups=()):
    """The ids of the user's streets, or None for every street. Cached on the
    user object for the request, per set of unrestricted groups."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_staff_street_ids", {})
    key = frozenset(unrestricted_groups)
    if key not in cache:
        if user.is_superuser or (key and user.groups.filter(name__in=key).exists()):
            cache[key] = None
        else:
            cache[key] = frozenset(
                StaffProfile.streets.through.objects.filter(staffprofile__user=user).values_list("street_id", flat=True)
            )
    return cache[key]
