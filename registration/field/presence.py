"""Proof of presence: the inspection form opened by scanning the receipt's QR code on site.

The verify address on the receipt holds the work's secret token; only
someone at the site (or holding the receipt) has it. When a logged-in
inspector opens it, the verify view hands the inspection form a signed
ticket naming the inspector and the work, valid for PRESENCE_MAX_AGE. The
inspection records "scanned" only with a valid ticket for the same
inspector and work, so typing the form's address is not enough.
"""

from django.core import signing

SALT = "registration.inspection-presence"
PRESENCE_MAX_AGE = 2 * 60 * 60  # an inspection on site takes at most a couple of hours


def issue(user, registration):
    return signing.dumps({"u": user.pk, "w": registration.pk}, salt=SALT, compress=True)


def is_valid(ticket, user, registration, max_age=PRESENCE_MAX_AGE):
    if not ticket:
        return False
    try:
        data = signing.loads(ticket, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return data == {"u": user.pk, "w": registration.pk}
