"""Demo logins and settings. Passwords come from DEMO_PASSWORD, or are
generated once and kept in .demo-password so a second run changes nothing."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from .models import PortalSettings

PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"

# username -> (full name, is_superuser). Later apps add their own roles.
DEMO_USERS = {
    "admin": ("系统管理员", True),
}


def demo_password():
    value = os.environ.get("DEMO_PASSWORD")
    if value:
        return value, "DEMO_PASSWORD"
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip(), str(PASSWORD_FILE)
    value = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(value + "\n")
    PASSWORD_FILE.chmod(0o600)
    return value, f"generated, saved in {PASSWORD_FILE}"


def ensure_user(username, full_name, *, is_superuser=False, groups=()):
    """Create the login if missing; set the password only when it differs."""
    password, _source = demo_password()
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": full_name,
            "is_staff": True,
            "is_superuser": is_superuser,
            "email": f"{username}@huli.example.cn",
        },
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    for group in groups:
        user.groups.add(group)
    return user


def ensure_settings():
    portal_settings = PortalSettings.load()
    if not portal_settings.hotline:
        portal_settings.hotline = "0592-0000000"
        portal_settings.office_address = "厦门市湖里区（演示地址）"
        portal_settings.office_hours = "工作日 8:30-12:00，14:30-17:30"
        portal_settings.icp_number = "闽ICP备00000000号（演示）"
        portal_settings.save()
    return portal_settings


def load():
    ensure_settings()
    for username, (full_name, is_superuser) in DEMO_USERS.items():
        ensure_user(username, full_name, is_superuser=is_superuser)
    return []


def summary():
    """Where to go and how to log in, printed after loading."""
    password, source = demo_password()
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    lines = [
        f"Portal:  {base}/",
        f"Admin:   {base}/admin/",
        "Demo logins (" + source + "):",
    ]
    lines += [f"  {username:<18} {password}   {name}" for username, (name, _su) in DEMO_USERS.items()]
    return lines
