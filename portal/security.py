"""Staff account security, in one place: the password policy, and the idle
timeout and maximum age of a logged-in session (等保 level 2 asks for both).

The public never logs in (registrants prove themselves per lookup), so every
authenticated session is a member of staff's.
"""

import time
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ADMIN_PREFIX = "/admin/"
LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message its Chinese catalogue lacks."""

    def get_error_message(self):
        return _("This password is too short: it must have at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: small letters, capitals, digits, other characters.
    Together with the minimum length this refuses passwords such as Huli1234."""

    CLASSES = (str.islower, str.isupper, str.isdigit, lambda char: not char.isalnum())

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(any(test(char) for char in password) for test in self.CLASSES)
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("The password must mix at least %(count)d of: small letters, capital letters, digits and symbols.") % {
            "count": self.min_classes
        }


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class StaffSessionTimeoutMiddleware:
    """Log a member of staff out after ``STAFF_IDLE_TIMEOUT`` seconds without a
    request, and ``STAFF_SESSION_MAX_AGE`` seconds after logging in, whatever
    they do; the login page then says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request.session)
            if expired:
                logout(request)
                messages.warning(request, expired)
                return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _expired(session):
        now = int(time.time())
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            session[LOGIN_AT] = session[SEEN_AT] = now  # a session from before this rule
            return ""
        idle, age = settings.STAFF_IDLE_TIMEOUT, settings.STAFF_SESSION_MAX_AGE
        if now - seen_at > idle:
            minutes = idle // 60
            return ngettext(
                "You were logged out after %(minutes)d minute without activity. Please log in again.",
                "You were logged out after %(minutes)d minutes without activity. Please log in again.",
                minutes,
            ) % {"minutes": minutes}
        if now - login_at > age:
            hours = age // 3600
            return ngettext(
                "A login lasts at most %(hours)d hour. Please log in again.",
                "A login lasts at most %(hours)d hours. Please log in again.",
                hours,
            ) % {"hours": hours}
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return ""


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with one policy for the public pages
    (``CONTENT_SECURITY_POLICY``: scripts only from this site, never inline)
    and what the Wagtail admin needs on top (``ADMIN_CSP_UPDATE``); and a
    Permissions-Policy on every response."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX) and settings.ADMIN_CSP_UPDATE:
            parts.update = {**settings.ADMIN_CSP_UPDATE, **(parts.update or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
