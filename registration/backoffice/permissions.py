"""Street scoping of the back office: which works, inspections, hazards,
referrals and attachments a member of staff may see.

Django permissions (given by the roles in registration/roles.py) decide what
a user may do; the street rule decides to which works, through the one
mechanism in portal/staff.py. Superusers and the district administrators see
every street; everyone else sees only the streets of their StaffProfile, and
nothing if they have none. Every back-office view filters through these
functions, so a street user can never see, find, count, export or open
another street's rows.
"""

from portal.staff import in_group, in_staff_streets, scope_to_streets, staff_community_ids, staff_street_ids

from ..roles import DISTRICT_ADMIN, GRID_WORKER, SAFETY_INSPECTOR, STREET_OFFICER

EVERY_STREET = (DISTRICT_ADMIN,)


def user_streets(user):
    """The ids of the streets the user works for, or None for all streets."""
    return staff_street_ids(user, EVERY_STREET)


def scope_registrations(queryset, user):
    return scope_to_streets(queryset, user, "street_id", EVERY_STREET)


def scope_inspections(queryset, user):
    """Inspections, hazards, referrals, attachments, completion requests and ratings: through their work."""
    return scope_to_streets(queryset, user, "registration__street_id", EVERY_STREET)


scope_hazards = scope_inspections
scope_referrals = scope_inspections
scope_attachments = scope_inspections
scope_completion_requests = scope_inspections
scope_ratings = scope_inspections


def is_grid_worker_only(user):
    """A grid worker with no role that sees a whole street."""
    return (
        not user.is_superuser
        and in_group(user, GRID_WORKER)
        and not in_group(user, DISTRICT_ADMIN, STREET_OFFICER, SAFETY_INSPECTOR)
    )


def scope_reports(queryset, user):
    """Reports: a grid worker sees the ones they made; staff of a street, that street's."""
    if is_grid_worker_only(user):
        return queryset.filter(reported_by=user)
    return scope_to_streets(queryset, user, "street_id", EVERY_STREET)


def scope_community_works(queryset, user):
    """The works of a grid worker's communities (StaffProfile.communities)."""
    return queryset.filter(community_id__in=staff_community_ids(user))


def in_user_streets(user, street_id):
    return in_staff_streets(user, street_id, EVERY_STREET)


def can_view_registration(user, registration):
    return user.has_perm("registration.view_registration") and in_user_streets(user, registration.street_id)


def can_view_inspection(user, inspection):
    return user.has_perm("registration.view_inspection") and in_user_streets(user, inspection.registration.street_id)


def can_view_hazard(user, hazard):
    return user.has_perm("registration.view_hazard") and in_user_streets(user, hazard.registration.street_id)


def can_view_attachment(user, attachment):
    """Attachments go with their work: whoever may see the work may download them."""
    return can_view_registration(user, attachment.registration)


def visible_streets(user):
    """The streets the user works for, as a queryset (every street for the district)."""
    from portal.models import Street

    streets = user_streets(user)
    return Street.objects.all() if streets is None else Street.objects.filter(pk__in=streets)


scope_incidents = scope_registrations
