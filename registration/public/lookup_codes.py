"""One-time codes for the status lookup of a reference that is being guessed at.

After repeated wrong attempts on a reference number (from anyone), or from
one client on it, a correct reference + mobile no longer opens the status
directly: a six-digit code goes by SMS (through the outbox) to the mobile
typed, and the browser that asked must enter it. A stranger who guesses
cannot get the code, so they cannot lock the registrant out either; the
answer is the same whether or not the pair was right, so it tells nothing.
"""

import secrets
import time

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from portal.models import sms_text

from ..backoffice.notifications import send_soon
from ..models import OutboundMessage

SESSION_KEY = "status_lookup_code"
VALID_SECONDS = 600
MAX_TRIES = 5


def _digest(reference, code):
    return salted_hmac("registration.status-lookup-code", f"{reference}:{code}").hexdigest()


def code_body(reference, code):
    return sms_text(
        gettext(
            "Your code to check registration %(reference)s is %(code)s. It is valid for 10 minutes; do not share it."
        )
        % {"reference": reference, "code": code}
    )


def start(request, reference, registration=None, mobile="", send=True):
    """Remember in the session that this browser waits for a code for
    ``reference``; when the pair was right (``registration`` given) and
    sending is allowed, queue the code to ``mobile``."""
    pending = {"reference": reference, "digest": "", "registration": None, "expires": time.time() + VALID_SECONDS}
    if registration is not None and send:
        code = f"{secrets.randbelow(10**6):06d}"
        message = OutboundMessage.objects.create(
            registration=registration, channel="sms", recipient=mobile, body=code_body(reference, code)
        )
        send_soon([message])
        pending.update(digest=_digest(reference, code), registration=registration.pk)
    pending["tries"] = 0
    request.session[SESSION_KEY] = pending


def pending_reference(request):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        return None
    return pending["reference"]


def check(request, code):
    """The registration id if ``code`` is this browser's valid code, else None.
    A code opens once; five wrong tries end it."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        return None
    good = bool(pending["digest"]) and constant_time_compare(pending["digest"], _digest(pending["reference"], code))
    if good:
        del request.session[SESSION_KEY]
        return pending["registration"]
    pending["tries"] += 1
    if pending["tries"] >= MAX_TRIES:
        del request.session[SESSION_KEY]
    else:
        request.session[SESSION_KEY] = pending
    return None
