"""Admin views of the back-office actions: thin wrappers around
registration/backoffice.py.

Every view first finds the work among the ones the user's streets may see
(another street's work is a 404, so its existence does not leak), then
checks the role (403). Anonymous users never get here: Wagtail's admin URLs
redirect them to the login page.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden as portal_forbidden
from portal.admin_views import refusal
from portal.models import Street
from portal.staff import in_group

from .. import aftercare, roles, services
from ..field import presence
from ..field.checklists import checklists_for
from ..models import EnforcementReferral, Hazard, OpenedVia, Registration, Status
from . import actions as backoffice
from . import forms
from .permissions import scope_registrations, user_streets

# Officers and district administrators run the review and enforcement;
# inspectors record what they find on site and may write a finished work off.
OFFICERS = frozenset({roles.DISTRICT_ADMIN, roles.STREET_OFFICER})
ON_SITE = OFFICERS | {roles.SAFETY_INSPECTOR}


def has_role(user, groups):
    return user.is_superuser or in_group(user, *groups)


def forbidden(request):
    return portal_forbidden(
        request,
        gettext("Your role does not allow this action. Ask a street case officer or the district administrator."),
    )


def not_applicable(request, registration, message):
    """409: the action exists but not for the work as it is now (its button is hidden too)."""
    return refusal(
        request,
        gettext("Not possible now"),
        message,
        409,
        back_url=work_url(registration),
        back_label=gettext("Back to the work"),
    )


def work_url(registration):
    """The work's detail page in the works list (backoffice/works_views.py)."""
    return reverse("works:inspect", args=[registration.pk])


class BackofficeFormView(WagtailAdminTemplateMixin, FormView):
    """A form about one work; ``perform`` calls the domain function.

    A refusal by the rules (``TransitionError``) shows on the form as a
    non-field error; since the domain function runs in one transaction,
    nothing of the refused action is saved.
    """

    template_name = "registration/admin/action_form.html"
    allowed_roles = OFFICERS
    # The statuses in which the action applies (None: any); the buttons follow the same sets.
    allowed_statuses = None
    header_icon = "clipboard-list"
    submit_button_label = _("Save")
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.registration = self.get_registration()
        if not has_role(request.user, self.allowed_roles):
            return forbidden(request)
        if refused := self.why_not_now():
            return not_applicable(request, self.registration, refused)
        return super().dispatch(request, *args, **kwargs)

    def why_not_now(self):
        """Why the action does not apply to the work as it is now, or ''."""
        if self.allowed_statuses is None or self.registration.status in self.allowed_statuses:
            return ""
        return gettext("This work is “%(status)s”: “%(action)s” does not apply to it now.") % {
            "status": self.registration.get_status_display(),
            "action": self.page_title,
        }

    def get_registration(self):
        visible = scope_registrations(Registration.objects.select_related("street", "community"), self.request.user)
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.registration.reference

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            action_url=self.request.get_full_path(),
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            work_url=work_url(self.registration),
        )
        return context

    def form_valid(self, form):
        try:
            self.perform(form)
        except services.TransitionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"reference": self.registration.reference})
        return redirect(work_url(self.registration))

    def perform(self, form):
        raise NotImplementedError


class AcceptView(BackofficeFormView):
    form_class = forms.ConfirmForm
    allowed_statuses = backoffice.REVIEWABLE
    page_title = _("Accept registration")
    submit_button_label = _("Accept")
    success_message = _("%(reference)s accepted: the work is registered and under way.")

    def perform(self, form):
        backoffice.accept(self.registration, self.request.user)


class ReturnView(BackofficeFormView):
    form_class = forms.ReasonForm
    allowed_statuses = backoffice.REVIEWABLE
    page_title = _("Return for correction")
    submit_button_label = _("Return for correction")
    success_message = _("%(reference)s returned to the registrant for correction.")

    def perform(self, form):
        backoffice.return_for_correction(self.registration, self.request.user, form.cleaned_data["reason"])


class StopView(ReturnView):
    allowed_statuses = {Status.UNDER_WAY}
    page_title = _("Stop work")
    submit_button_label = _("Stop work")
    success_message = _("%(reference)s stopped for rectification.")

    def perform(self, form):
        backoffice.stop_work(self.registration, self.request.user, form.cleaned_data["reason"])


class ReleaseView(ReturnView):
    allowed_statuses = {Status.STOPPED}
    page_title = _("Release stopped work")
    submit_button_label = _("Release")
    success_message = _("%(reference)s may resume work.")

    def perform(self, form):
        backoffice.release(self.registration, self.request.user, form.cleaned_data["reason"])


class ReferView(BackofficeFormView):
    form_class = forms.ReferralForm
    allowed_statuses = backoffice.ACTIVE
    page_title = _("Refer to enforcement")
    submit_button_label = _("Refer")
    success_message = _("%(reference)s referred to enforcement.")

    def perform(self, form):
        backoffice.refer_to_enforcement(self.registration, self.request.user, **form.cleaned_data)


class CaseOutcomeView(BackofficeFormView):
    form_class = forms.CaseOutcomeForm
    page_title = _("Enforcement case outcome")
    success_message = _("Enforcement case of %(reference)s updated.")

    def dispatch(self, request, *args, **kwargs):
        self.referral = get_object_or_404(EnforcementReferral, pk=kwargs["referral_id"], registration_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def why_not_now(self):
        return gettext("This enforcement case is closed.") if self.referral.closed_at else ""

    def get_initial(self):
        return {"case_number": self.referral.case_number, "outcome": self.referral.outcome}

    def perform(self, form):
        backoffice.record_case_outcome(self.referral, self.request.user, **form.cleaned_data)


class WriteOffView(BackofficeFormView):
    form_class = forms.WriteOffForm
    allowed_roles = ON_SITE
    allowed_statuses = backoffice.ACTIVE
    page_title = _("Write off completed work")
    submit_button_label = _("Write off")
    success_message = _("%(reference)s written off as completed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_hazards=backoffice.open_hazards(self.registration),
            completion_request=aftercare.pending_request(self.registration),
            **kwargs,
        )

    def perform(self, form):
        backoffice.write_off(self.registration, self.request.user, form.cleaned_data["override_reason"])


class DeclineCompletionView(BackofficeFormView):
    """The registrant asked for completion write-off, but the work is not
    finished (or the photo does not show it): say why; they may ask again."""

    form_class = forms.ReasonForm
    allowed_roles = ON_SITE
    allowed_statuses = backoffice.ACTIVE
    page_title = _("Do not confirm completion")
    submit_button_label = _("Do not confirm")
    success_message = _("%(reference)s: the request for completion write-off was not confirmed.")

    def dispatch(self, request, *args, **kwargs):
        self.completion_request = None
        return super().dispatch(request, *args, **kwargs)

    def why_not_now(self):
        self.completion_request = aftercare.pending_request(self.registration)
        if self.completion_request is None:
            return gettext("No request for completion write-off is waiting for this work.")
        return super().why_not_now()

    def get_context_data(self, **kwargs):
        return super().get_context_data(completion_request=self.completion_request, **kwargs)

    def perform(self, form):
        aftercare.decline_request(self.completion_request, self.request.user, form.cleaned_data["reason"])


class RectifyView(BackofficeFormView):
    form_class = forms.RectifyForm
    allowed_roles = ON_SITE
    allowed_statuses = backoffice.ACTIVE
    page_title = _("Record rectification")
    success_message = _("Rectification recorded for %(reference)s.")

    def dispatch(self, request, *args, **kwargs):
        self.hazard = get_object_or_404(Hazard, pk=kwargs["hazard_id"], registration_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def why_not_now(self):
        if self.hazard.closed_by_write_off:
            return gettext("This hazard was closed when the work was written off.")
        if not self.hazard.is_open:
            return gettext("This hazard has already been rectified.")
        return super().why_not_now()

    def get_context_data(self, **kwargs):
        return super().get_context_data(hazard=self.hazard, form_is_multipart=True, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        backoffice.rectify_hazard(self.hazard, self.request.user, data["rectified_on"], data["photo"])


class InspectionView(BackofficeFormView):
    """The inspection form with the work's checklists and its hazards,
    filled in on a phone on site. How it was opened (scanning the receipt's
    QR code, the round or the back office) is recorded with the inspection."""

    form_class = forms.InspectionForm
    allowed_roles = ON_SITE
    allowed_statuses = backoffice.ACTIVE
    template_name = "registration/admin/inspection_form.html"
    page_title = _("Record inspection")
    success_message = _("Inspection of %(reference)s recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.checklists = None
        return super().dispatch(request, *args, **kwargs)

    def get_checklists(self):
        if self.checklists is None:
            self.checklists = checklists_for(self.registration)
        return self.checklists

    def get_initial(self):
        return {"presence": self.request.GET.get("presence", ""), "opened_from": self.request.GET.get("from", "")}

    def get_formset(self):
        if self.request.method == "POST":
            return forms.HazardFormSet(self.request.POST, self.request.FILES, prefix="hazards")
        return forms.HazardFormSet(prefix="hazards")

    def get_checklist_form(self):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return forms.ChecklistForm(*data, checklists=self.get_checklists(), prefix="checklist")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        kwargs.setdefault("checklist_form", self.get_checklist_form())
        last = self.registration.inspections.order_by("-pk").values_list("pk", flat=True).first()
        return super().get_context_data(
            form_is_multipart=True,
            draft_key=f"inspection-{self.request.user.pk}-{self.registration.pk}",
            draft_base=last or 0,
            **kwargs,
        )

    def opened_via(self, form):
        if presence.is_valid(form.cleaned_data["presence"], self.request.user, self.registration):
            return OpenedVia.SCAN
        if form.cleaned_data["opened_from"] == "round":
            return OpenedVia.ROUND
        return OpenedVia.DESK

    def post(self, request, *args, **kwargs):
        form, formset, checklist_form = self.get_form(), self.get_formset(), self.get_checklist_form()
        if not all([form.is_valid(), formset.is_valid(), checklist_form.is_valid()]):
            return self.invalid(form, formset, checklist_form)
        hazards = [item.cleaned_data for item in formset if item.has_changed()]
        data = form.cleaned_data
        via = self.opened_via(form)
        try:
            backoffice.record_inspection(
                self.registration,
                request.user,
                data["inspected_at"],
                data["result"],
                data["notes"],
                hazards,
                answers=checklist_form.answers,
                opened_via=via,
                device_time=data["device_time"],
                position=form.position,
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
            return self.invalid(form, formset, checklist_form)
        messages.success(request, self.success_message % {"reference": self.registration.reference})
        if via == OpenedVia.DESK:
            return redirect(work_url(self.registration))
        return redirect("registration_backoffice:round")

    def invalid(self, form, formset, checklist_form):
        return self.render_to_response(self.get_context_data(form=form, formset=formset, checklist_form=checklist_form))


class PaperRegistrationView(WagtailAdminTemplateMixin, FormView):
    """A walk-in's paper registration, entered by an officer with the public form's rules."""

    form_class = forms.PaperRegistrationForm
    template_name = "registration/admin/paper_form.html"
    page_title = _("Enter a paper registration")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, OFFICERS):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        ids = user_streets(self.request.user)  # None: every street
        streets = Street.objects.all() if ids is None else Street.objects.filter(pk__in=ids)
        return {**super().get_form_kwargs(), "streets": streets}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.get_full_path(),
            form_is_multipart=True,
            submit_button_label=gettext("Register"),
            submit_button_active_label=gettext("Register"),
            **kwargs,
        )

    def form_valid(self, form):
        registration = services.create_registration(form.cleaned_data, form.uploads, entered_by=self.request.user)
        messages.success(self.request, gettext("Registered as %(reference)s.") % {"reference": registration.reference})
        return redirect(work_url(registration))
