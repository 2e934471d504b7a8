from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

from . import views
from .media import serve_media

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("report/", include("registration.reports.public_views")),
    path("", include("registration.urls")),
    path("training/", include("training.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.+)$", serve_media, name="media")]

if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/hello/", views.bench_hello, name="bench_hello")]

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "portal.views.server_error"
