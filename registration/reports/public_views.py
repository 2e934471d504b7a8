"""The public side of reports: the form at /report/, its confirmation, and
the reporter's lookup of the outcome by reference and mobile. The rules are
in services.py; throttling in portal/throttle.py."""

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.throttle import Throttle, client_key, throttled, too_many_attempts
from portal.uploads import STORAGE_MESSAGE, StorageUnavailable

from ..models import Report
from ..public.forms import MAX_FILE_BYTES
from ..public.journey_views import refuse_oversized
from . import services
from .forms import ReportForm, ReportLookupForm

# Reports a client may send per hour: a busy street sees several, a script hundreds.
REPORTS_PER_CLIENT = Throttle("report-client", limit=10, window_seconds=3600)
LOOKUP_FAILURES_PER_CLIENT = Throttle("report-lookup-client", limit=20, window_seconds=3600)
LOOKUP_FAILURES_PER_REFERENCE = Throttle("report-lookup-reference", limit=10, window_seconds=3600)
THROTTLED_TEMPLATE = "registration/reports/throttled.html"
SESSION_KEY = "reports_sent"
MAX_REQUEST_BYTES = services.MAX_PHOTOS * MAX_FILE_BYTES + 1024 * 1024


def _is_post(request, *args, **kwargs):
    return request.method == "POST"


def remember(request, report):
    request.session[SESSION_KEY] = ([*request.session.get(SESSION_KEY, []), report.reference])[-10:]


def render_form(request, form, template, context=None, status=200):
    return render(request, template, {"form": form, **(context or {})}, status=status)


def save_report(request, form, reported_by=None):
    """Submit a valid form; None and an error on the form if storage is down."""
    try:
        return services.submit_report(form.cleaned_data, form.cleaned_data["photos"], reported_by=reported_by)
    except StorageUnavailable:
        form.add_error(None, STORAGE_MESSAGE)
        return None


@never_cache
@refuse_oversized(
    MAX_REQUEST_BYTES,
    format_lazy(_("Photos can be at most {size} each, 3 in all. Go back and choose smaller ones."), size="10 MB"),
)
@throttled(REPORTS_PER_CLIENT, THROTTLED_TEMPLATE, counts=_is_post)
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if report := save_report(request, form):
            remember(request, report)
            return redirect("reports_public:done", reference=report.reference)
        return render_form(request, form, "registration/reports/form.html", status=503)
    return render_form(request, form, "registration/reports/form.html")


@never_cache
@require_safe
def report_done(request, reference):
    if reference not in request.session.get(SESSION_KEY, []):
        return redirect("reports_public:lookup")
    report = Report.objects.only("reference", "reporter_mobile", "created_at").get(reference=reference)
    return render(request, "registration/reports/done.html", {"report": report})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_lookup(request):
    """The outcome of a report, for whoever gives its reference and the mobile
    left with it. Only failures count towards the limits."""
    client = client_key(request)
    if request.method != "POST":
        form = ReportLookupForm(initial={"reference": request.GET.get("reference", "")[:30]})
        return render(request, "registration/reports/lookup.html", {"form": form})
    if not LOOKUP_FAILURES_PER_CLIENT.allows(client):
        return too_many_attempts(request, THROTTLED_TEMPLATE, LOOKUP_FAILURES_PER_CLIENT)
    form = ReportLookupForm(request.POST)
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        report = None
        if LOOKUP_FAILURES_PER_REFERENCE.allows(reference):
            report = services.find_for_lookup(reference, form.cleaned_data["mobile"])
        if report is not None:
            return render(request, "registration/reports/status.html", {"report": report})
        LOOKUP_FAILURES_PER_CLIENT.hit(client)
        LOOKUP_FAILURES_PER_REFERENCE.hit(reference)
        form.add_error(
            None,
            _(
                "No report matches this reference number and mobile number. Check both; only a report "
                "sent with a mobile number can be looked up."
            ),
        )
    return render(request, "registration/reports/lookup.html", {"form": form}, status=200)


app_name = "reports_public"
urlpatterns = [
    path("", report_form, name="form"),
    path("done/<str:reference>/", report_done, name="done"),
    path("status/", report_lookup, name="lookup"),
]


def lookup_url():
    return reverse("reports_public:lookup")
