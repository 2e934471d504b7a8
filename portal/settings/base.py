"""Settings shared by every environment. Anything that differs between
machines is read from the environment (see README, "Configuration")."""

import datetime
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from .env import cache_from_url, env_bool, env_list, env_str, search_backend

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies of ours stand in front (nginx: 1). Only then is
# X-Forwarded-For trusted for the client address that throttling counts by.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
# Wagtail's admin previews pages in a same-origin iframe, so DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"

INSTALLED_APPS = [
    "portal",
    "home",
    "registration",
    "training",
    "evaluation",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.StaffSessionTimeoutMiddleware",
    "portal.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the header middleware above, so cached pages get fresh CSP and security headers.
    "portal.page_cache.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Failed staff logins (django-axes): after AXES_FAILURE_LIMIT failures on one
# account, or from one client address, logins stop for AXES_COOLOFF_MINUTES,
# even with the right password. Every failure, login and logout is recorded.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures and lockouts in the database, which every app server shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env_str("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "portal.throttle.client_address"
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp, portal/security.py). Every script,
# style, font and image comes from this site (no CDN); scripts are never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],  # style attributes only; scripts stay strict
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# What the Wagtail admin needs on top of it: its pages still carry inline scripts.
ADMIN_CSP_UPDATE = {"script-src": [UNSAFE_INLINE]}
# Phones may use the camera (photos) and position (inspections) for this site only.
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), interest-cohort=()"

# Retention of personal data (PIPL), in years after a work ended or a trainee
# left the roster; `manage.py anonymise_expired` runs the tasks daily.
REGISTRATION_RETENTION_YEARS = int(env_str("REGISTRATION_RETENTION_YEARS", "5"))
TRAINEE_RETENTION_YEARS = int(env_str("TRAINEE_RETENTION_YEARS", "3"))
RETENTION_TASKS = ["registration.retention.anonymise_due", "training.retention.anonymise_due"]

# Two-factor login for staff (portal/two_factor.py): on unless turned off;
# development and test settings turn it off, production always has it.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "湖里区小散工程纳管平台"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL", "")
CACHES = {"default": cache_from_url(CACHE_URL)}
# Sessions live where every app server sees them: in Redis when the cache is
# Redis (no table to write on every request), else in the database.
# Registration drafts are in the session: keep Redis persistent (appendonly)
# and never let it evict keys that have a TTL (maxmemory-policy noeviction or
# volatile-ttl with room to spare).
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Page cache (portal/page_cache.py): anonymous public pages are kept this many
# seconds in the default cache, and purged whenever an editor changes what
# they show. 0 turns it off.
PAGE_CACHE_SECONDS = int(env_str("PAGE_CACHE_SECONDS", "3600"))
# The site data every page shows (site, menu, settings) is kept in the same
# cache until a purge, even with the page cache off (portal/pages.py).
SITE_DATA_CACHE = True
# Models outside the page tree that public pages show: a change purges the
# page cache (pages, settings, images, documents and media always do).
PAGE_CACHE_PURGE_MODELS = [
    "portal.Street",
    # The registration form's lists (its blank fields are kept until a purge).
    "portal.Community",
    "registration.WorkCategory",
    "registration.HighRiskOperation",
    "training.TrainingSession",
    "training.Topic",
    "training.AudienceRole",
]
# A front proxy's cache (nginx with the cache purge module, see README): it is
# sent a PURGE for each page published, and may keep a shared page this long.
FRONTEND_CACHE_URL = env_str("FRONTEND_CACHE_URL", "")
FRONTEND_CACHE_SECONDS = int(env_str("FRONTEND_CACHE_SECONDS", "60"))
WAGTAILFRONTENDCACHE = (
    {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": FRONTEND_CACHE_URL}}
    if FRONTEND_CACHE_URL
    else {}
)

# Staff passwords (portal/security.py): 12 characters or more, three kinds of character.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.security.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.security.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# A staff login ends after this long without a request, and this long after logging in.
STAFF_IDLE_TIMEOUT = int(env_str("STAFF_IDLE_TIMEOUT_MINUTES", "30")) * 60
STAFF_SESSION_MAX_AGE = int(env_str("STAFF_SESSION_MAX_HOURS", "12")) * 3600

# Chinese first; English is kept as a second catalogue for staff and testing.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Registration attachments: never under MEDIA_ROOT, never at a public URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
# Media in S3-compatible object storage (django-storages), so that several
# app servers share them: on when AWS_STORAGE_BUCKET_NAME is set.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_ORIGINS = []  # other hosts the browser loads public media from (CSP)
if AWS_STORAGE_BUCKET_NAME:
    from .env import s3_storages

    STORAGES, MEDIA_ORIGINS = s3_storages(STORAGES, AWS_STORAGE_BUCKET_NAME)
    for directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][directive] += MEDIA_ORIGINS
    # Documents keep going through Wagtail's view (collection privacy), streamed from the bucket.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Serve uploaded media through Django (with HTTP Range support) unless a
# front-end web server is configured to do it.
SERVE_MEDIA = True

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Wagtail
WAGTAIL_SITE_NAME = _("Huli small works safety portal")
# Staff avatars would come from gravatar.com: another host, and no CDN may be used.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
# database (the default; indexed Chinese bigrams on PostgreSQL) or elasticsearch7/8/9,
# opensearch2/3 at WAGTAILSEARCH_URL with a Chinese analyzer (portal/settings/env.py).
WAGTAILSEARCH_BACKENDS = {
    "default": search_backend(
        env_str("WAGTAILSEARCH_BACKEND", "database"),
        env_list("WAGTAILSEARCH_URL"),
        env_str("WAGTAILSEARCH_INDEX_PREFIX", "huli_"),
        env_str("WAGTAILSEARCH_ANALYZER", "cjk"),
    )
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "txt", "zip", "jpg", "png"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILMEDIA = {
    "MEDIA_MODEL": "wagtailmedia.Media",
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "ogg"],
    "VIDEO_EXTENSIONS": ["mp4", "webm"],
}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Task queue (Celery, portal/celery.py): the outbox and the periodic jobs.
# Without a broker every task runs at once in-process, so make run needs
# nothing else; with one (redis://… or amqp://…) run a worker and one beat.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Each outbox message goes to the queue as soon as its change commits (besides the catch-up).
NOTIFICATIONS_SEND_ON_COMMIT = env_bool("NOTIFICATIONS_SEND_ON_COMMIT", True)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # no result backend: tasks write what they did to the database
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING below
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule"))
# Every task is idempotent and safe in several workers at once (see each task).
CELERY_BEAT_SCHEDULE = {
    # Catch-up of the outbox: retries, and anything whose on-commit task was lost.
    "send-messages": {"task": "registration.tasks.send_messages", "schedule": 60.0, "options": {"expires": 55}},
    # Not at night: the reminders are text messages to people.
    "hazard-reminders": {
        "task": "registration.tasks.send_hazard_reminders",
        "schedule": crontab(minute=5, hour="8-20"),
    },
    "purge-staged-uploads": {"task": "registration.tasks.purge_staged_uploads", "schedule": crontab(minute=30, hour=3)},
    "anonymise-expired": {"task": "portal.tasks.anonymise_expired", "schedule": crontab(minute=30, hour=2)},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@huli.example.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Wagtail logs every background task (search index, references) at INFO.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
ALLOW_DEMO_CONTENT = False
# /bench/hello/, the ceiling that bench/server_bench.py compares pages with; off in real use.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
# Each app's demo loader, run in order by `manage.py load_demo`.
DEMO_LOADERS = [
    "portal.demo.load",
    "home.demo.loader.load",
    "registration.demo.load",
    "training.demo.load",
    "training.demo_calendar.load",
]
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
