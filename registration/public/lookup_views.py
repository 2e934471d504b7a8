"""Public pages that read registrations but never change them: the scope
self-check, the verification page behind the receipt's QR code, and the
status lookup. The rules live in scope.py, services.py, status_guide.py and
portal/throttle.py; these views only wire them to templates."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.models import PortalSettings
from portal.throttle import Throttle, throttled

from .. import services
from ..models import Registration, Status
from . import scope
from .lookup_forms import ScopeCheckForm, StatusLookupForm, normalise_reference
from .status_guide import status_context

# Against guessing reference/mobile pairs: per client, and per reference
# number so that many clients together cannot try one number either.
LOOKUP_PER_CLIENT = Throttle("status-lookup-client", limit=10, window_seconds=3600)
LOOKUP_PER_REFERENCE = Throttle("status-lookup-reference", limit=10, window_seconds=3600)

NO_MATCH = _(
    "No registration matches this reference number and mobile number. "
    "Check both against the registration receipt and try again."
)


@require_safe
def scope_check(request):
    """A GET form: the answer page can be bookmarked or shared, and no CSRF token can expire."""
    fields = ScopeCheckForm.base_fields
    if "edit" in request.GET or not any(name in request.GET for name in fields):
        initial = {name: request.GET.get(name) for name in fields if name in request.GET}
        return render(request, "registration/scope_check.html", {"form": ScopeCheckForm(initial=initial)})
    form = ScopeCheckForm(request.GET)
    if not form.is_valid():
        return render(request, "registration/scope_check.html", {"form": form})
    settings = PortalSettings.load(request_or_site=request)
    data = form.cleaned_data
    answers = {name: request.GET.get(name, "") for name in fields}
    return render(
        request,
        "registration/scope_check_result.html",
        {
            "outcome": form.outcome(settings),
            "work_type": data["work_type"],
            "investment": "" if data["investment"] is None else scope.format_yuan(data["investment"]),
            "area": "" if data["area"] is None else scope.format_area(data["area"]),
            "investment_limit": scope.format_yuan(settings.threshold_investment_yuan),
            "area_limit": scope.format_area(settings.threshold_area_m2),
            "register_url": reverse("registration:form"),
            "change_url": f"{reverse('registration:scope_check')}?{urlencode({**answers, 'edit': '1'})}",
        },
    )


def _no_index(response):
    """These pages are reached from a QR code or a lookup, never from a search engine,
    and their address must not leak to other sites through the Referer header."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_safe
def verify(request, token):
    """What anyone scanning the receipt may see. Only the listed fields are
    loaded, so no phone number, ID or owner name can reach the template."""
    registration = (
        Registration.objects.select_related("category", "street", "community")
        .only(
            "reference",
            "status",
            "kind",
            "planned_start",
            "planned_end",
            "contractor_name",
            "category__name",
            "street__name",
            "community__name",
        )
        .filter(verify_token=token)
        .first()
    )
    if registration is None:
        return _no_index(render(request, "registration/verify_not_found.html", status=404))
    return _no_index(
        render(
            request,
            "registration/verify.html",
            {
                "registration": registration,
                **status_context(registration.status),
            },
        )
    )


def _posted_reference(request):
    return normalise_reference(request.POST.get("reference", ""))[:30]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@throttled(
    LOOKUP_PER_CLIENT,
    "registration/status_throttled.html",
    per_key=LOOKUP_PER_REFERENCE,
    key=_posted_reference,
    counts=lambda request: request.method == "POST",
)
def status_lookup(request):
    if request.method != "POST":
        form = StatusLookupForm(initial={"reference": request.GET.get("reference", "")[:30]})
        return render(request, "registration/status_lookup.html", {"form": form})

    form = StatusLookupForm(request.POST)
    if form.is_valid():
        # One query whichever of the two is wrong, so the answer and its timing tell nothing.
        registration = services.find_for_lookup(form.cleaned_data["reference"], form.cleaned_data["mobile"])
        if registration is not None:
            services.remember_access(request, registration)
            return redirect("registration:status_detail", reference=registration.reference)
        form.add_error(None, NO_MATCH)
    return render(request, "registration/status_lookup.html", {"form": form})


@never_cache
@require_safe
def status_detail(request, reference):
    """Only for a session that looked the registration up (or submitted it)."""
    registration = services.accessible_registration(request, reference)
    if registration is None:
        return redirect(f"{reverse('registration:status')}?{urlencode({'reference': reference})}")
    history = list(
        registration.status_changes.only(
            "from_status", "to_status", "actor_label", "reason", "created_at", "registration_id"
        )
    )
    # Why it was returned, stopped or withdrawn: shown again beside what to do next.
    latest = next((change for change in reversed(history) if change.to_status == registration.status), None)
    current_reason = latest.reason if latest and registration.status in services.REASON_REQUIRED else ""
    returned = registration.status == Status.RETURNED
    return _no_index(
        render(
            request,
            "registration/status_detail.html",
            {
                "registration": registration,
                "history": history,
                "current_reason": current_reason,
                "correct_url": reverse("registration:correct", args=[reference]) if returned else "",
                "receipt_url": reverse("registration:receipt", args=[reference]),
                **status_context(registration.status),
            },
        )
    )


urlpatterns = [
    path("register/check/", scope_check, name="scope_check"),
    path("register/status/", status_lookup, name="status"),
    path("register/status/<str:reference>/", status_detail, name="status_detail"),
    path("verify/<slug:token>/", verify, name="verify"),
]
