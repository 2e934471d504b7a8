"""Production: every secret from the environment, HTTPS assumed."""

from .base import *  # noqa: F401,F403
from .env import env_bool, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set.")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# In production a web server in front (nginx) normally serves /media/.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

# Trusted only behind our own proxy, which sets it (TRUSTED_PROXY_COUNT).
if TRUSTED_PROXY_COUNT:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STAFF_TWO_FACTOR = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading commits the whole domain to HTTPS in browsers: the operator decides.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = ["security.W019"] + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])
# Without CACHE_URL each gunicorn worker has its own memory cache, which a
# publish on another worker cannot purge: the page cache and the site data
# kept until a purge then stay off (setting PAGE_CACHE_SECONDS keeps them, for one worker).
if CACHES["default"]["BACKEND"].endswith("LocMemCache") and not env_str("PAGE_CACHE_SECONDS"):  # noqa: F405
    PAGE_CACHE_SECONDS = 0
    SITE_DATA_CACHE = False
