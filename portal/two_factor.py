"""Two-factor login for staff (django-otp): a time-based code (TOTP) from an
authenticator app, with ten one-time recovery codes.

After the password, ``RequireTwoFactorMiddleware`` lets a member of staff
reach no admin page until the session is verified: with no confirmed app yet
they enrol (scan the QR code, type a code, keep the recovery codes), else
they type the app's code or a recovery code. ``STAFF_TWO_FACTOR`` turns it
on (always in production; off by default in development and tests).
"""

from base64 import b32encode
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
SESSION_NEW_CODES = "portal_new_recovery_codes"


def is_required():
    return getattr(settings, "STAFF_TWO_FACTOR", False)


def needs_second_factor(user):
    return is_required() and user.is_authenticated and not user.is_verified()


# Enrolment and verification (no HTTP here)


def pending_app(user):
    """The authenticator being set up: the user's unconfirmed TOTP device, made once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=APP_NAME)


def confirm_app(device, token):
    """Confirm the app with a code it shows; then ten new recovery codes (returned once)."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_recovery_codes(device.user)


def new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def verify(user, token):
    """The device (app, or recovery codes: each works once) that accepts ``token``, or None.
    Each device throttles its own failures (django-otp), so guessing slows down."""
    token = "".join((token or "").split()).lower()
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device
    return None


def secret_text(device):
    """The key in groups of four, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# Views


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("Enter the 6-digit code the app shows now.")},
    )


def _next_url(request):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrol an authenticator app (also to replace a lost phone, once verified)."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('portal_two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = pending_app(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_app(device, form.cleaned_data["code"].strip())
        if codes is not None:
            otp_login(request, device)
            request.session[SESSION_NEW_CODES] = codes
            return redirect(f"{reverse('portal_two_factor_codes')}?{urlencode({'next': _next_url(request)})}")
        form.add_error("code", _("This code is not right. Check the phone's time and type the code now shown."))
    return render(
        request,
        "portal/two_factor/setup.html",
        {"form": form, "config_url": device.config_url, "secret": secret_text(device), "next": _next_url(request)},
    )


@never_cache
@require_http_methods(["GET"])
def codes(request):
    """The new recovery codes, shown once."""
    new_codes = request.session.pop(SESSION_NEW_CODES, None)
    if not new_codes or needs_second_factor(request.user):
        return redirect(_next_url(request))
    return render(request, "portal/two_factor/codes.html", {"codes": new_codes, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request):
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    if not user_has_device(request.user):
        return redirect(f"{reverse('portal_two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not right, or was used already. Type the code the app shows now."))
    return render(request, "portal/two_factor/verify.html", {"form": form, "next": _next_url(request)})


urlpatterns = [
    path("two-factor/setup/", setup, name="portal_two_factor_setup"),
    path("two-factor/verify/", verify_view, name="portal_two_factor_verify"),
    path("two-factor/codes/", codes, name="portal_two_factor_codes"),
]


class RequireTwoFactorMiddleware:
    """No admin page for a session whose second factor is not verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and needs_second_factor(user) and self._guarded(request.path):
            name = "portal_two_factor_verify" if user_has_device(user) else "portal_two_factor_setup"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _guarded(path):
        admin = reverse("wagtailadmin_home")
        open_paths = (
            # the icon sprite and the script translations, fetched by the pages below
            reverse("wagtailadmin_sprite"),
            reverse("wagtailadmin_javascript_catalog"),
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_logout"),
            reverse("portal_two_factor_setup"),
            reverse("portal_two_factor_verify"),
            reverse("portal_two_factor_codes"),
        )
        return path.startswith(admin) and not path.startswith(open_paths)
