"""The rules a roster entry must meet, whichever way it arrives: a row of an
imported sheet, a walk-in added on the attendance sheet, or the trainee form
in the admin. One function, so the three can never disagree.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from portal.validators import normalise_mobile, validate_mobile

from .models import Trainee, TraineeRole

MAX_LENGTHS = {"name": 50, "organisation": 100}


def mobile_on_roster(mobile, exclude_pk=None):
    """The default ``mobile_taken`` check: one query."""
    return Trainee.objects.filter(mobile=mobile).exclude(pk=exclude_pk).exists()


def check_trainee(data, *, mobile_taken=mobile_on_roster):
    """Check a trainee's details and return ``(values, errors)``.

    ``data`` may hold name, role (a TraineeRole value), street and community
    (model instances or None), organisation and mobile (any spelling). Only
    the keys present are checked, so a form can pass what survived its own
    field checks. ``values`` holds the cleaned values (the mobile
    normalised); ``errors`` maps a field name to one Chinese message.
    ``mobile_taken(mobile)`` says whether another trainee has the number.
    """
    values, errors = {}, {}
    for field, limit in MAX_LENGTHS.items():
        if field in data:
            values[field] = (data[field] or "").strip()
            if len(values[field]) > limit:
                errors[field] = gettext("At most %(limit)d characters.") % {"limit": limit}
    if "name" in data and not values["name"]:
        errors["name"] = gettext("The name is required.")
    if "role" in data:
        values["role"] = data["role"] or ""
        if not values["role"]:
            errors["role"] = gettext("The role is required.")
        elif values["role"] not in TraineeRole.values:
            errors["role"] = gettext("This is not one of the roles.")
    if "street" in data:
        values["street"] = data["street"]
        if data["street"] is None:
            errors["street"] = gettext("The street is required.")
    if "community" in data:
        values["community"] = community = data["community"]
        street = data.get("street")
        if community is not None and street is not None and community.street_id != street.pk:
            errors["community"] = gettext("The community %(community)s is not in %(street)s.") % {
                "community": community.name,
                "street": street.name,
            }
    if "mobile" in data:
        values["mobile"] = mobile = normalise_mobile(data["mobile"])
        if not mobile:
            errors["mobile"] = gettext("The mobile number is required.")
        else:
            try:
                validate_mobile(mobile)
            except ValidationError as error:
                errors["mobile"] = " ".join(error.messages)
            else:
                if mobile_taken and mobile_taken(mobile):
                    errors["mobile"] = str(Trainee._meta.get_field("mobile").error_messages["unique"])
    return values, errors
