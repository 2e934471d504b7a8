"""Wagtail hooks of the self check-in's admin side (admin.py): its
URLs, a menu entry for trainers, and the buttons a session's admin page can
show. Imported at the end of training/wagtail_hooks.py.

The buttons come through the ``register_training_session_actions`` hook: a
function ``(request, session)`` returning wagtail.admin.widgets.Button
objects (or an empty list), like registration's
``register_registration_actions``. A session page lists them with::

    [button for hook in hooks.get_hooks("register_training_session_actions")
     for button in hook(request, session)]
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin as views

SESSION_ACTIONS_HOOK = "register_training_session_actions"

app_name = "training_checkin"

urlpatterns = [
    path("", views.RequestsView.as_view(), name="requests"),
    path("requests/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("requests/<int:pk>/reject/", views.reject, name="reject"),
    path("sessions/<int:pk>/poster/", views.PosterView.as_view(), name="poster"),
]


@hooks.register("register_admin_urls")
def register_checkin_urls():
    return [path("training/checkin/", include((urlpatterns, app_name), namespace=app_name))]


@hooks.register(SESSION_ACTIONS_HOOK)
def checkin_session_actions(request, session):
    return views.checkin_buttons(request, session)


class CheckinMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_run_checkin(request.user)


@hooks.register("register_admin_menu_item")
def register_checkin_menu_item():
    # Right after the 培训管理 group (menu order 170).
    return CheckinMenuItem(
        _("Self check-in"), reverse(f"{app_name}:requests"), name="training-checkin", icon_name="mobile-alt", order=171
    )
