from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 otherwise. For load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bench_hello(request):
    """The ceiling for bench/server_bench.py: the whole middleware stack of the
    project, but no database, no template. Mounted only with BENCH_ENDPOINTS=1."""
    return HttpResponse(b"hello", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A Chinese explanation instead of Django's English 403 page."""
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "403_csrf.html", status=403)


# While the database is down, a retry soon is the right advice (and what a proxy expects).
RETRY_AFTER_SECONDS = 60


def server_error(request):
    """handler500: a database that cannot be reached is an outage, not a bug:
    503 with Retry-After and a page that needs no database; anything else is
    the plain 500 page."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
