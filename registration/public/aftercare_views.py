"""After the work, from the status page: ask for completion write-off with a
photo, then rate the service once. Only a session that looked the
registration up (or submitted it) gets here; the rules are in aftercare.py.
The status page shows what came of it (request waiting, rating given)."""

import contextlib

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.uploads import STORAGE_MESSAGE, StorageUnavailable

from .. import aftercare, services
from .aftercare_forms import CompletionRequestForm, RatingForm
from .forms import MAX_FILE_BYTES
from .journey_views import refuse_oversized


def _registration_or_lookup(request, reference):
    registration = services.accessible_registration(request, reference)
    if registration is None:
        return None, redirect(f"{reverse('registration:status')}?reference={reference}")
    return registration, None


def _back_to_status(reference):
    return redirect("registration:status_detail", reference=reference)


@never_cache
@refuse_oversized(
    MAX_FILE_BYTES + 1024 * 1024,
    format_lazy(_("A photo can be at most {size}. Go back and choose a smaller one."), size="10 MB"),
)
@require_http_methods(["GET", "POST"])
def completion_request(request, reference):
    registration, elsewhere = _registration_or_lookup(request, reference)
    if elsewhere:
        return elsewhere
    if not aftercare.may_request_completion(registration, aftercare.pending_request(registration)):
        return _back_to_status(reference)  # the status page says why not
    form = CompletionRequestForm(
        request.POST if request.method == "POST" else None, request.FILES or None, registration=registration
    )
    if request.method == "POST" and form.is_valid():
        try:
            aftercare.request_completion(
                registration, form.cleaned_data["finished_on"], form.cleaned_data["photo"], form.cleaned_data["note"]
            )
        except aftercare.AftercareRefused:
            pass  # another tap or tab got there first: the status page shows what stands
        except StorageUnavailable:
            form.add_error(None, STORAGE_MESSAGE)
            return render(
                request,
                "registration/completion_request.html",
                {"registration": registration, "form": form},
                status=503,
            )
        return _back_to_status(reference)
    return render(request, "registration/completion_request.html", {"registration": registration, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def rating(request, reference):
    registration, elsewhere = _registration_or_lookup(request, reference)
    if elsewhere:
        return elsewhere
    if not aftercare.may_rate(registration):
        return _back_to_status(reference)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with contextlib.suppress(aftercare.AftercareRefused):
            aftercare.rate_service(registration, form.cleaned_data["level"], form.cleaned_data["reason"])
        return _back_to_status(reference)
    return render(request, "registration/rating.html", {"registration": registration, "form": form})


urlpatterns = [
    path("register/status/<str:reference>/completion/", completion_request, name="completion_request"),
    path("register/status/<str:reference>/rating/", rating, name="rating"),
]
