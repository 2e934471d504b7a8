"""Who may see and change which sessions, trainees and attendance records.

Django permissions (roles.py) say *what* a role may do; these functions say
*to which rows*. Every training view filters through them, so a row the user
may not see is never listed, counted, exported or opened (it answers 404):

- superusers and district administrators: everything;
- trainers: only the sessions they are a trainer of, and the whole roster
  (district-level sessions draw trainees from every street), which they may
  also change (the edit form, a re-imported sheet);
- street officers: their streets' trainees, the sessions their street
  organises or that their trainees attended, read-only;
- anyone else (e.g. content editors): nothing.
"""

from django.db.models import Exists, OuterRef, Q

from portal.staff import in_group, staff_street_ids

from .roles import DISTRICT_ADMIN, STREET_OFFICER, TRAINER


def is_district(user):
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return in_group(user, DISTRICT_ADMIN)


def is_trainer(user):
    return in_group(user, TRAINER)


def is_street_officer(user):
    return in_group(user, STREET_OFFICER)


def street_ids(user):
    """The streets a street officer works for (None: every street)."""
    return staff_street_ids(user, unrestricted_groups=(DISTRICT_ADMIN,))


# Trainees


def visible_street_ids(user):
    """The streets whose trainees the user sees: None for every street."""
    if is_district(user) or is_trainer(user):
        return None
    if is_street_officer(user):
        return street_ids(user)
    return frozenset()


def visible_trainees(queryset, user):
    streets = visible_street_ids(user)
    return queryset if streets is None else queryset.filter(street_id__in=streets)


def editable_trainees(queryset, user):
    """Trainees the user may change: those they see, if their role may
    change trainees at all. The roster's edit view makes the same two checks
    (its permission policy, then visible_trainees); the import asks this, so
    a sheet can never overwrite someone the edit form would not open."""
    if not user.has_perm("training.change_trainee"):
        return queryset.none()
    return visible_trainees(queryset, user)


# Sessions


def visible_sessions(queryset, user):
    if is_district(user):
        return queryset
    conditions = []
    if is_trainer(user):
        conditions.append(Q(trainers=user))
    if is_street_officer(user):
        from .models import Attendance

        streets = street_ids(user)
        if streets is None:
            return queryset
        own_trainees = Attendance.objects.filter(session=OuterRef("pk"), trainee__street_id__in=streets)
        conditions += [Q(street_id__in=streets), Q(Exists(own_trainees))]
    if not conditions:
        return queryset.none()
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    # The trainers join may repeat a session; filter by id to keep one row each.
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def editable_sessions(queryset, user):
    """Sessions the user may edit and take attendance for."""
    if is_district(user):
        return queryset
    if is_trainer(user):
        return queryset.filter(pk__in=queryset.model.objects.filter(trainers=user).values("pk"))
    return queryset.none()


def can_mark_attendance(user, session):
    return (
        user.has_perm("training.change_attendance")
        and user.has_perm("training.add_attendance")
        and (is_district(user) or (is_trainer(user) and session.trainers.filter(pk=user.pk).exists()))
    )


# Attendance records


def visible_attendance(queryset, user):
    """Records of visible sessions, and only of trainees the user may see."""
    from .models import Trainee, TrainingSession

    if is_district(user):
        return queryset
    if is_street_officer(user) and not is_trainer(user):
        # A record of one of their trainees makes its session visible (it has
        # their trainee), so the trainee's street alone decides: no subquery
        # over every session's attendance.
        streets = visible_street_ids(user)
        return queryset if streets is None else queryset.filter(trainee__street_id__in=streets)
    sessions = visible_sessions(TrainingSession.objects.all(), user)
    trainees = visible_trainees(Trainee.objects.all(), user)
    return queryset.filter(session__in=sessions.values("pk"), trainee__in=trainees.values("pk"))
