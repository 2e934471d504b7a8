"""The registration journey: form, review, submit, confirmation, receipt, and
the correction of a registration returned for correction (退回补正).

The rules live in forms.py and services.py; the drafts between form and
review in drafts.py. These views only wire them to URLs.
"""

import functools

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from portal.models import PortalSettings
from portal.uploads import STORAGE_MESSAGE, StorageUnavailable

from .. import services
from ..models import Registration
from .drafts import Draft, finished_reference, last_finished_reference
from .forms import MAX_FILE_BYTES, MAX_FILES, RegistrationForm, answers_from_registration
from .status_guide import status_context

# A whole request may carry MAX_FILES full-size files plus the answers.
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
REVIEW_WORKING_DAYS = 3


class Journey:
    """A new registration, or the correction of a returned one: which draft,
    which addresses, which attachments already count towards the limit."""

    def __init__(self, request, reference=None):
        self.request = request
        self.registration = _accessible_or_404(request, reference) if reference else None
        self.draft = Draft(request, reference or "new")
        if self.registration:
            self.form_url = reverse("registration:correct", args=[reference])
            self.review_url = reverse("registration:correct_review", args=[reference])
            self.existing = list(self.registration.attachments.all())
        else:
            self.form_url = reverse("registration:form")
            self.review_url = reverse("registration:review")
            self.existing = []

    @property
    def is_correction(self):
        return self.registration is not None

    def blocked(self):
        """A page explaining why this registration cannot be corrected now, or None."""
        if self.registration and self.registration.status not in services.CORRECTABLE:
            return _message(
                self.request,
                _("This registration cannot be corrected"),
                _("Only a registration returned for correction can be corrected. Its status is now “%(status)s”.")
                % {"status": self.registration.get_status_display()},
                status=409,
                link=reverse("registration:done", args=[self.registration.reference]),
                link_text=_("See the registration"),
            )
        return None

    def form(self, data=None, files=None, **kwargs):
        known_id_number = self.registration.contractor_id_number if self.registration else ""
        return RegistrationForm(
            data,
            files,
            staged=self.draft.files,
            existing=self.existing,
            known_id_number=known_id_number,
            portal_settings=PortalSettings.load(self.request),  # the page's footer reads the same
            **kwargs,
        )

    def initial(self):
        if self.draft.exists:
            return self.draft.answers
        return answers_from_registration(self.registration) if self.registration else {}

    def return_reason(self):
        if self.registration:
            return self.registration.status_changes.filter(to_status__in=services.CORRECTABLE).last()
        return None

    def submit(self, form):
        """Save the draft through the services, then forget it. Returns the registration.

        A new registration's draft may be submitted by two requests at once
        (double tap, two tabs): the first saves it, the other finds what it
        became (services.create_registration looks for it first), even if the
        first has already removed the staged files."""
        try:
            uploads = self.draft.uploads()
        except FileNotFoundError:
            if done := services.registration_for_draft(self.draft.id):
                self.draft.finish(done.reference)
                return done
            raise
        try:
            if self.registration:
                registration = services.resubmit(self.registration, form.cleaned_data, uploads)
            else:
                registration = services.create_registration(form.cleaned_data, uploads, draft_id=self.draft.id)
        finally:
            for _kind, upload in uploads:
                upload.close()
        self.draft.finish(registration.reference)
        return registration


def _just_submitted(request, journey):
    """What the review page shows once its draft is submitted: "已提交", with
    the way to the confirmation and the receipt, never an empty form."""
    reference = journey.registration.reference if journey.registration else last_finished_reference(request)
    registration = services.accessible_registration(request, reference) if reference else None
    if registration is None or (journey.registration and registration.status in services.CORRECTABLE):
        return None
    return render(request, "registration/already_submitted.html", {"registration": registration})


def _accessible_or_404(request, reference, registrations=None):
    registration = services.accessible_registration(request, reference, registrations)
    if registration is None:
        raise Http404
    return registration


def _message(request, title, text, status, link, link_text):
    return render(
        request,
        "registration/message.html",
        {"title": title, "text": text, "link": link, "link_text": link_text},
        status=status,
    )


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django treats it the same way when it reads the body


def _render_form(request, journey, form):
    return render(
        request,
        "registration/form.html",
        {
            "form": form,
            "journey": journey,
            "return_reason": journey.return_reason(),
            "max_files": MAX_FILES,
        },
    )


# Every page of the journey shows personal data from this session: never
# kept in a shared or browser cache.


def refuse_oversized(max_bytes, explanation):
    """Refuse a POST larger than ``max_bytes`` from its Content-Length, before
    Django reads and stores its body. The CSRF check would read it first,
    hence csrf_exempt outside and csrf_protect on the view itself."""

    def decorator(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        @csrf_exempt
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and _content_length(request) > max_bytes:
                return _message(
                    request,
                    _("The files are too large"),
                    explanation,
                    status=413,
                    link=request.path,
                    link_text=_("Back to the form"),
                )
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator


@never_cache
@refuse_oversized(
    MAX_REQUEST_BYTES,
    format_lazy(
        _("At most {count} files of 10 MB each can be sent. Go back and choose fewer or smaller files."),
        count=MAX_FILES,
    ),
)
@require_http_methods(["GET", "POST"])
def form_view(request, reference=None):
    journey = Journey(request, reference)
    if blocked := journey.blocked():
        return blocked
    if request.method == "POST":
        form = journey.form(request.POST, request.FILES)
        try:
            if form.is_valid():
                journey.draft.save(form)
                return redirect(journey.review_url)
            kept = journey.draft.keep_files(form)
        except StorageUnavailable:
            # The answers stay on the page; no file was kept.
            form.add_error(None, STORAGE_MESSAGE)
            response = _render_form(request, journey, form)
            response.status_code = 503
            return response
        if kept:
            # The same answers and errors, with the chosen files now listed as attached.
            data = request.POST.copy()
            data.setlist("remove_files", [])
            form = journey.form(data)
            form.is_valid()
            form.kept_uploads = kept
    else:
        form = journey.form(initial=journey.initial())
    return _render_form(request, journey, form)


@never_cache
@require_http_methods(["GET", "POST"])
def review_view(request, reference=None):
    """Check your answers; a POST submits them. The answers are checked again
    first: a start date may have passed since the form was filled in."""
    if request.method == "POST" and (done := finished_reference(request, request.POST.get("draft"))):
        return redirect("registration:done", done)  # back button, then submit again
    journey = Journey(request, reference)
    if blocked := journey.blocked():
        return blocked
    if not journey.draft.exists:
        if request.method != "POST" and (submitted := _just_submitted(request, journey)):
            return submitted  # the Back button after submitting
        return redirect(journey.form_url)
    form = journey.form(journey.draft.answers)
    if not form.is_valid():
        return _render_form(request, journey, form)
    if request.method == "POST":
        if request.POST.get("draft") != journey.draft.id:
            return redirect(journey.review_url)  # a page older than the answers now in the draft
        try:
            registration = journey.submit(form)
        except StorageUnavailable:
            return _message(
                request,
                _("The registration could not be saved"),
                STORAGE_MESSAGE,
                status=503,
                link=journey.review_url,
                link_text=_("Back to the answers"),
            )
        services.remember_access(request, registration)
        return redirect("registration:done", registration.reference)
    return render(
        request,
        "registration/review.html",
        {
            "journey": journey,
            "sections": form.review_sections(),
            "files": journey.draft.files,
            "similar": services.open_registrations_like(
                form.cleaned_data.get("address"), form.cleaned_data.get("owner_mobile"), exclude=journey.registration
            ),
        },
    )


@never_cache
@require_safe
def done(request, reference):
    registration = _accessible_or_404(request, reference, Registration.objects.select_related("street"))
    return render(
        request,
        "registration/done.html",
        {
            "registration": registration,
            "working_days": REVIEW_WORKING_DAYS,
        },
    )


@never_cache
@require_safe
def receipt(request, reference):
    registration = _accessible_or_404(
        request,
        reference,
        Registration.objects.select_related("category", "street", "community").prefetch_related("high_risk_operations"),
    )
    verify_path = reverse("registration:verify", args=[registration.verify_token])
    return render(
        request,
        "registration/receipt.html",
        {
            "registration": registration,
            "verify_url": request.build_absolute_uri(verify_path),
            **status_context(registration.status),
        },
    )


urlpatterns = [
    path("register/", form_view, name="form"),
    path("register/review/", review_view, name="review"),
    path("register/done/<str:reference>/", done, name="done"),
    path("register/receipt/<str:reference>/", receipt, name="receipt"),
    path("register/correct/<str:reference>/", form_view, name="correct"),
    path("register/correct/<str:reference>/review/", review_view, name="correct_review"),
]
