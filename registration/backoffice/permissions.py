"""Street scoping: which works, inspections, hazards, referrals and
attachments a member of staff may see.

Django permissions (given by the roles in roles.py) decide what a user may
do; this module decides to which streets it applies. Superusers and the
district administrators see every street; everyone else sees only the
streets of their StaffProfile, and nothing if they have none. Every
back-office view filters through these functions, so a street user can
never see, find, count, export or open another street's rows.
"""

from ..roles import DISTRICT_ADMIN

_CACHE_ATTR = "_registration_street_ids"


def user_streets(user):
    """The ids of the streets the user works for, or None for all streets."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)
    if user.is_superuser or user.groups.filter(name=DISTRICT_ADMIN).exists():
        streets = None
    else:
        from portal.models import StaffProfile

        streets = frozenset(
            StaffProfile.streets.through.objects.filter(staffprofile__user=user).values_list("street_id", flat=True)
        )
    setattr(user, _CACHE_ATTR, streets)
    return streets


def _scope(queryset, user, street_field):
    streets = user_streets(user)
    if streets is None:
        return queryset
    return queryset.filter(**{f"{street_field}__in": streets})


def scope_registrations(queryset, user):
    return _scope(queryset, user, "street_id")


def scope_inspections(queryset, user):
    return _scope(queryset, user, "registration__street_id")


scope_hazards = scope_inspections
scope_referrals = scope_inspections
scope_attachments = scope_inspections


def in_user_streets(user, street_id):
    streets = user_streets(user)
    return streets is None or street_id in streets


def can_view_registration(user, registration):
    return user.has_perm("registration.view_registration") and in_user_streets(user, registration.street_id)


def can_view_inspection(user, inspection):
    return user.has_perm("registration.view_inspection") and in_user_streets(user, inspection.registration.street_id)


def can_view_hazard(user, hazard):
    return user.has_perm("registration.view_hazard") and in_user_streets(user, hazard.registration.street_id)


def can_view_attachment(user, attachment):
    """Attachments go with their work: whoever may see the work may download them."""
    return can_view_registration(user, attachment.registration)
