"""Wagtail hooks of the back-office actions: their admin URLs and the log
action types that label them in a work's history."""

from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from ..field.views import RoundView
from ..models import CompletionRequestStatus, Status
from . import action_views as views
from . import parties_views
from .actions import ACTIVE, LOG_ACTIONS, REVIEWABLE, open_hazards
from .history import JOURNEY_ACTIONS, register_work_actions

app_name = "registration_backoffice"

urlpatterns = [
    path("round/", RoundView.as_view(), name="round"),
    path("new-paper/", views.PaperRegistrationView.as_view(), name="paper"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/inspect/new/", views.InspectionView.as_view(), name="inspect"),
    path("<int:pk>/hazards/<int:hazard_id>/rectify/", views.RectifyView.as_view(), name="rectify"),
    path("<int:pk>/refer/", views.ReferView.as_view(), name="refer"),
    path("<int:pk>/referrals/<int:referral_id>/outcome/", views.CaseOutcomeView.as_view(), name="case_outcome"),
    path("<int:pk>/stop/", views.StopView.as_view(), name="stop"),
    path("<int:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path("<int:pk>/write-off/", views.WriteOffView.as_view(), name="write_off"),
    path("<int:pk>/completion/decline/", views.DeclineCompletionView.as_view(), name="decline_completion"),
]


@hooks.register("register_admin_urls")
def register_backoffice_urls():
    return [path("works/", include((urlpatterns, app_name), namespace=app_name))]


@hooks.register("register_log_actions")
def register_backoffice_log_actions(actions):
    register_work_actions(actions, {**LOG_ACTIONS, **JOURNEY_ACTIONS})


def _button(label, name, *args, primary=False):
    url = reverse(f"{app_name}:{name}", args=args)
    return Button(label, url, classname="button" if primary else "button button-secondary")


@hooks.register("register_registration_actions")
def registration_action_buttons(request, registration):
    """The actions this user may take on this work now, for its detail page.
    The views check the same rules again; a button is only a shortcut."""
    user, pk, status = request.user, registration.pk, registration.status
    officer, on_site = views.has_role(user, views.OFFICERS), views.has_role(user, views.ON_SITE)
    buttons = []
    if officer and status in REVIEWABLE:
        buttons += [_button(_("Accept"), "accept", pk, primary=True), _button(_("Return for correction"), "return", pk)]
    if on_site and status in ACTIVE:
        buttons.append(_button(_("Record inspection"), "inspect", pk, primary=True))
        buttons += [
            _button(
                gettext("Record rectification: %(hazard)s") % {"hazard": hazard.get_category_display()},
                "rectify",
                pk,
                hazard.pk,
            )
            for hazard in open_hazards(registration)
        ]
    if officer and status == Status.UNDER_WAY:
        buttons.append(_button(_("Stop work"), "stop", pk))
    if officer and status == Status.STOPPED:
        buttons.append(_button(_("Release stopped work"), "release", pk))
    if officer and status in ACTIVE:
        buttons.append(_button(_("Refer to enforcement"), "refer", pk))
    if officer:
        buttons += [
            _button(
                gettext("Record case outcome: %(department)s") % {"department": referral.department},
                "case_outcome",
                pk,
                referral.pk,
            )
            for referral in registration.referrals.filter(closed_at__isnull=True)
        ]
    if on_site and status in ACTIVE:
        if registration.completion_requests.filter(status=CompletionRequestStatus.PENDING).exists():
            buttons += [
                _button(_("Confirm completion and write off"), "write_off", pk, primary=True),
                _button(_("Do not confirm completion"), "decline_completion", pk),
            ]
        else:
            buttons.append(_button(_("Write off completed work"), "write_off", pk))
    return buttons


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return views.has_role(request.user, views.OFFICERS)


class OnSiteMenuItem(MenuItem):
    def is_shown(self, request):
        return views.has_role(request.user, views.ON_SITE)


@hooks.register("register_admin_menu_item")
def register_round_menu_item():
    return OnSiteMenuItem(
        _("Today's inspection round"), reverse(f"{app_name}:round"), name="round", icon_name="site", order=90
    )


@hooks.register("register_admin_menu_item")
def register_paper_entry_menu_item():
    return OfficerMenuItem(
        _("Enter a paper registration"),
        reverse(f"{app_name}:paper"),
        name="paper-registration",
        icon_name="doc-full",
        order=160,
    )


# --- the parties' records ----------------------------------------------------

party_urlpatterns = [
    path("<slug:kind>/", parties_views.PartyListView.as_view(), name="index"),
    path("<slug:kind>/<int:pk>/", parties_views.PartyDetailView.as_view(), name="detail"),
]


@hooks.register("register_admin_urls")
def register_party_urls():
    return [path("parties/", include((party_urlpatterns, "registration_parties"), namespace="registration_parties"))]


class PartiesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("registration.view_registration")


@hooks.register("register_admin_menu_item")
def register_parties_menu_item():
    return PartiesMenuItem(
        _("Contractors and property companies"),
        reverse("registration_parties:index", args=["contractor"]),
        name="parties",
        icon_name="group",
        order=130,
    )
