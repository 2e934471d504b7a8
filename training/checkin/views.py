"""The public self check-in pages: enter the code (or scan the QR code that
opens /training/checkin/<code>/), enter a mobile number, read the outcome;
an unknown number may ask to be added. The rules are in services.py; these
views only wire them to templates and count attempts against guessing.

Privacy: a page shows only the session (title, time, venue) and, after a
check-in, the masked name and the status of the person who typed their
name and number. Nobody else's data is shown; a number that is not on the
roster and one typed with another name get the same answer.
"""

from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.throttle import Throttle, throttled

from ..models import ATTENDED
from . import services as checkin
from .forms import CodeForm, JoinRequestForm, MobileForm
from .services import Outcome

# Against guessing codes and numbers. Everyone at a venue may share one
# Wi-Fi address, and each trainee costs two counted requests (the page, then
# the number), so the per-client limit lets a hall of 250 check in within ten
# minutes with room for mistakes; with 31**6 codes and the name asked with the
# number, that is still far too few tries to guess either. The per-code limit
# caps the numbers many clients together can try on one session. Every
# attempt counts, allowed or not (as in the status lookup,
# registration/public/lookup_views.py). Only the code's pages count: the
# blank code form costs nothing.
PER_CLIENT = Throttle("training-checkin-client", limit=600, window_seconds=600)
PER_CODE = Throttle("training-checkin-code", limit=400, window_seconds=600)


def private_page(view):
    """Reached from a poster, never from a search engine; the code in the
    address must not leak to other sites through the Referer header. Not
    "no-referrer": the browser would then send "Origin: null" with the
    forms, and Django's CSRF check would refuse them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _redirects_to_canonical(request, code):
    canonical = checkin.normalise_code(code)
    return bool(canonical) and canonical != code and request.method != "POST"


def throttle_checkin(counts=None, key=None):
    return throttled(PER_CLIENT, "training/checkin/throttled.html", per_key=PER_CODE, key=key, counts=counts)


def _not_found(request, code):
    form = CodeForm(initial={"code": code[:30]})
    return render(request, "training/checkin/not_found.html", {"form": form}, status=404)


def _page(request, template, session, status=200, **context):
    return render(request, template, {"session": session, **context}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def checkin_start(request):
    """Type the code from the poster. The code is only looked up (and
    counted) on the page it leads to."""
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            return HttpResponseRedirect(reverse("training_public:checkin_session", args=[form.cleaned_data["code"]]))
        return render(request, "training/checkin/start.html", {"form": form})
    return render(request, "training/checkin/start.html", {"form": CodeForm()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
@throttle_checkin(
    # The redirect to the canonical code costs nothing; the code counts only when a number is tried.
    counts=lambda request, code: not _redirects_to_canonical(request, code),
    key=lambda request, code: checkin.normalise_code(code) if request.method == "POST" else None,
)
def checkin_session(request, code):
    """The page the QR code opens: the session, and the mobile number field
    while check-in is open."""
    canonical = checkin.normalise_code(code)
    if _redirects_to_canonical(request, code):
        return HttpResponseRedirect(reverse("training_public:checkin_session", args=[canonical]))
    now = timezone.now()
    form = MobileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = checkin.check_in(canonical, form.cleaned_data["mobile"], form.cleaned_data["name"], now)
        if result.outcome == Outcome.WRONG_CODE:
            return _not_found(request, code)
        return _result(request, result, now, typed_name=form.cleaned_data["name"])
    session = checkin.find_session(canonical)
    if session is None:
        return _not_found(request, code)
    refusal = checkin.window_refusal(session, now)
    return _page(
        request,
        "training/checkin/session.html",
        session,
        status=400 if form.errors else 200,
        form=form,
        refusal=refusal and checkin.refusal_message(session, refusal),
        opens_at=checkin.opens_at(session),
        late_after=checkin.late_after(session),
    )


def _result(request, result, now, join_form=None, status=200, typed_name=""):
    session, record = result.session, result.record
    if result.outcome in (Outcome.NOT_OPEN, Outcome.CLOSED, Outcome.CANCELLED):
        refusal = checkin.refusal_message(session, result.outcome)
    else:
        refusal = ""
    if result.outcome == Outcome.UNKNOWN and join_form is None:
        join_form = JoinRequestForm(initial={"mobile": result.mobile, "name": typed_name}, auto_id="id_join_%s")
    return _page(
        request,
        "training/checkin/result.html",
        session,
        status=status,
        outcome=result.outcome.value,
        refusal=refusal,
        record=record,
        attended=record is not None and record.status in ATTENDED,
        name=checkin.masked_name(record.trainee.name) if record else "",
        join_form=join_form,
        join_url=reverse("training_public:checkin_request", args=[session.checkin_code]),
    )


@never_cache
@require_POST
@private_page
@throttle_checkin(key=lambda request, code: checkin.normalise_code(code))
def checkin_request(request, code):
    """An unknown number asks to be added; a trainer confirms it later."""
    code = checkin.normalise_code(code)
    session = checkin.find_session(code)
    if session is None:
        return _not_found(request, code)
    now = timezone.now()
    form = JoinRequestForm(request.POST, auto_id="id_join_%s")
    if form.is_valid():
        try:
            join, created = checkin.request_to_join(session, **form.request_data(), now=now)
        except checkin.RequestRefused as refusal:
            for field, message in refusal.errors.items():
                form.add_error(None if field == "__all__" or field not in form.fields else field, message)
        else:
            return _page(
                request,
                "training/checkin/requested.html",
                session,
                created=created,
                name=checkin.masked_name(join.name),
            )
    unknown = checkin.CheckinResult(Outcome.UNKNOWN, session)
    return _result(request, unknown, now, join_form=form, status=400)
