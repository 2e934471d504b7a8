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
from portal.throttle import Throttle, client_key, too_many_attempts

from .. import aftercare, services
from ..backoffice.action_views import ON_SITE, has_role
from ..backoffice.actions import ACTIVE
from ..backoffice.permissions import in_user_streets
from ..field import presence
from ..models import CompletionRequestStatus, Registration, ServiceRating, Status
from . import lookup_codes, scope
from .lookup_forms import LookupCodeForm, ScopeCheckForm, StatusLookupForm
from .status_guide import status_context

# Against guessing reference/mobile pairs. Only failures count, so whoever
# gets it right is never slowed down. A client failing on many references is
# refused for a while (429); a reference failed on too often (by anyone, or
# by one client) asks for a code sent by SMS instead (lookup_codes.py), so
# that a stranger's guessing never locks the registrant out.
FAILURES_PER_CLIENT = Throttle("status-lookup-client", limit=30, window_seconds=3600)
FAILURES_PER_CLIENT_REFERENCE = Throttle("status-lookup-client-reference", limit=5, window_seconds=3600)
FAILURES_PER_REFERENCE = Throttle("status-lookup-reference", limit=10, window_seconds=3600)
CODES_PER_REFERENCE = Throttle("status-lookup-codes", limit=3, window_seconds=3600)
THROTTLED_TEMPLATE = "registration/status_throttled.html"

CODE_REFUSED = _("This code is not right, or it has expired. Check the SMS and try again.")
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


def scanned_by_inspector(request, registration):
    """The inspection form's address, with a proof-of-presence ticket, when an
    inspector of the work's street scans the receipt of a work under way."""
    user = request.user
    if not (
        has_role(user, ON_SITE) and registration.status in ACTIVE and in_user_streets(user, registration.street_id)
    ):
        return None
    url = reverse("registration_backoffice:inspect", args=[registration.pk])
    return f"{url}?{urlencode({'presence': presence.issue(user, registration)})}"


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
            "street_id",
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
    if inspection_url := scanned_by_inspector(request, registration):
        return _no_index(redirect(inspection_url))
    return _no_index(
        render(
            request,
            "registration/verify.html",
            {
                "registration": registration,
                "staff_login_url": f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.path})}",
                **status_context(registration.status),
            },
        )
    )


def _failed(client, reference):
    FAILURES_PER_CLIENT.hit(client)
    FAILURES_PER_CLIENT_REFERENCE.hit(f"{client}\0{reference}")
    FAILURES_PER_REFERENCE.hit(reference)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_lookup(request):
    if request.method != "POST":
        form = StatusLookupForm(initial={"reference": request.GET.get("reference", "")[:30]})
        return render(request, "registration/status_lookup.html", {"form": form})

    client = client_key(request)
    if not FAILURES_PER_CLIENT.allows(client):
        return too_many_attempts(request, THROTTLED_TEMPLATE, FAILURES_PER_CLIENT)
    form = StatusLookupForm(request.POST)
    if form.is_valid():
        reference, mobile = form.cleaned_data["reference"], form.cleaned_data["mobile"]
        # One query whichever of the two is wrong, so the answer and its timing tell nothing.
        registration = services.find_for_lookup(reference, mobile)
        guarded = not (
            FAILURES_PER_REFERENCE.allows(reference) and FAILURES_PER_CLIENT_REFERENCE.allows(f"{client}\0{reference}")
        )
        if guarded:
            if registration is None:
                _failed(client, reference)
            send = registration is not None and CODES_PER_REFERENCE.hit(reference)
            lookup_codes.start(request, reference, registration, mobile, send=send)
            return redirect("registration:status_code")
        if registration is not None:
            FAILURES_PER_CLIENT_REFERENCE.reset(f"{client}\0{reference}")
            services.remember_access(request, registration)
            return redirect("registration:status_detail", reference=registration.reference)
        _failed(client, reference)
        form.add_error(None, NO_MATCH)
    return render(request, "registration/status_lookup.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_code(request):
    """The code sent by SMS to a reference that was being guessed at."""
    reference = lookup_codes.pending_reference(request)
    if reference is None:
        return redirect("registration:status")
    client = client_key(request)
    form = LookupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not FAILURES_PER_CLIENT.allows(client):
            return too_many_attempts(request, THROTTLED_TEMPLATE, FAILURES_PER_CLIENT)
        if form.is_valid():
            registration_id = lookup_codes.check(request, form.cleaned_data["code"])
            if registration_id is not None:
                registration = Registration.objects.get(pk=registration_id)
                services.remember_access(request, registration)
                return redirect("registration:status_detail", reference=registration.reference)
            FAILURES_PER_CLIENT.hit(client)
            if lookup_codes.pending_reference(request) is None:
                return redirect("registration:status")
            form.add_error("code", CODE_REFUSED)
    return render(request, "registration/status_code.html", {"form": form, "reference": reference})


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
    returned = registration.status in services.CORRECTABLE
    # A work under way may be reported finished; a written-off one rated (one query either way).
    under_way, written_off = registration.status == Status.UNDER_WAY, registration.status == Status.COMPLETED
    completion = aftercare.latest_request(registration) if under_way else None
    pending = completion if completion and completion.status == CompletionRequestStatus.PENDING else None
    rating = ServiceRating.objects.filter(registration=registration).first() if written_off else None
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
                "completion": completion,
                "completion_url": reverse("registration:completion_request", args=[reference])
                if under_way and aftercare.may_request_completion(registration, pending)
                else "",
                "rating": rating,
                "rating_url": reverse("registration:rating", args=[reference])
                if written_off and rating is None
                else "",
                **status_context(registration.status),
            },
        )
    )


urlpatterns = [
    path("register/check/", scope_check, name="scope_check"),
    path("register/status/", status_lookup, name="status"),
    path("register/status/code/", status_code, name="status_code"),
    path("register/status/<str:reference>/", status_detail, name="status_detail"),
    path("verify/<slug:token>/", verify, name="verify"),
]
