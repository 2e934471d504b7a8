"""The audit trail: logins, failed logins and logouts (from Django's signals),
every export and every attachment download (the views call ``record``).
One model (AuditEvent), read by the district administrator in the admin
(审计日志), filterable and exportable."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction, AuditEvent
from .throttle import client_address

# What a filter string may hold before it is cut (the query string of an export).
MAX_TEXT = 300


def record(request, action, what="", rows=None, username=None):
    user = getattr(request, "user", None) if request is not None else None
    authenticated = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        action=action,
        user=user if authenticated else None,
        username=(username if username is not None else (user.get_username() if authenticated else ""))[:150],
        address=client_address(request)[:64] if request is not None else "",
        path=(request.get_full_path() if request is not None else "")[:MAX_TEXT],
        what=str(what)[:MAX_TEXT],
        rows=rows,
    )


def record_export(request, what, rows):
    """An export: what was exported, with which filters (the query string), how many rows."""
    filters = request.GET.copy()
    for name in ("export", "format", "p"):
        filters.pop(name, None)
    described = f"{what}（{filters.urlencode()}）" if filters else str(what)
    return record(request, AuditAction.EXPORT, described, rows=rows)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(request, AuditAction.LOGIN, username=user.get_username())


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        AuditEvent.objects.create(
            action=AuditAction.LOGOUT,
            user=user,
            username=user.get_username(),
            address=client_address(request)[:64],
            path=request.get_full_path()[:MAX_TEXT],
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(request, AuditAction.LOGIN_FAILED, username=str(credentials.get("username", "")))
