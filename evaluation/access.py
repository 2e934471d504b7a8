"""Who may see the figures: the district and the street offices. Which
streets each sees is the back office's one street rule (scope_* functions)."""

from portal.staff import in_group
from registration.roles import DISTRICT_ADMIN, STREET_OFFICER


def can_view_figures(user):
    return user.is_active and (user.is_superuser or in_group(user, DISTRICT_ADMIN, STREET_OFFICER))
