"""Real servers on loopback for the scale-out test and bench/server_bench.py:
a throwaway PostgreSQL database, gunicorn with the production settings, and
plain HTTP clients that walk the public journeys as a browser would.

Every address used here is 127.0.0.1. The X-Forwarded-For header a client
may send is only a header: with TRUSTED_PROXY_COUNT=1 the servers take it as
the client's address, so many simulated people are not one throttled client.
"""

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = str(Path(sys.executable))
DUMMY_SECRET = "loopback-bench-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF"

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_INPUT = re.compile(r'name="draft" value="([^"]+)"')
DONE_PATH = re.compile(r"^/register/done/([^/]+)/$")
REFERENCE_IN_PATH = re.compile(r"/(done|receipt|checkin)/[^/]+/")


# Services


def reachable(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_reachable(url):
    parts = urllib.parse.urlsplit(url or "")
    return parts.scheme.startswith("postgres") and reachable(parts.hostname or "127.0.0.1", parts.port or 5432)


def redis_reachable(url):
    parts = urllib.parse.urlsplit(url or "")
    return parts.scheme == "redis" and reachable(parts.hostname or "127.0.0.1", parts.port or 6379)


def flush_redis_db(url):
    """Empty one Redis database (its number is in the URL): old counters and pages must not count."""
    import redis

    redis.Redis.from_url(url).flushdb()


def database_url(base_url, name):
    """``base_url`` with another database name on the same server."""
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def recreate_database(url):
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with contextlib.closing(_admin_connection(url)) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with contextlib.closing(_admin_connection(url)) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sql(url, query, params=()):
    """Rows of one query, on a connection of its own (not the servers')."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def production_env(database_url, cache_url, tmp, **extra):
    """The environment of a production deployment on loopback, with dummy secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "CELERY_", "PAGE_CACHE", "SESSION_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=DUMMY_SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        BENCH_ENDPOINTS="1",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        STATIC_ROOT=str(Path(tmp) / "static"),
        MEDIA_ROOT=str(Path(tmp) / "media"),
        PRIVATE_MEDIA_ROOT=str(Path(tmp) / "private-media"),
        # The simulated people send X-Forwarded-For, as nginx would add it.
        TRUSTED_PROXY_COUNT="1",
        DEMO_PASSWORD="loopback-demo-password-1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, settings=None, timeout=600):
    """Run manage.py with ``env`` (and another settings module if given); return its stdout."""
    if settings:
        env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def django_json(env, code, settings=None):
    """Run ``code`` in `manage.py shell` and return the JSON it prints last."""
    out = manage(env, "shell", "--no-startup", "-c", code, settings=settings)
    return json.loads(out.strip().splitlines()[-1])


def prepare_site(env):
    """Migrate, collect the static files and load the demo content. load_demo
    refuses the production settings, so it runs with the dev settings on the
    same database."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo", settings="portal.settings.dev")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Daemon:
    """A server in its own process group on 127.0.0.1:port: started, waited
    for until ``ready()``, stopped (its workers with it)."""

    name = "server"
    stop_signal = signal.SIGTERM

    def _wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.exit_details()}")
            try:
                if self.ready():
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s")

    def kill(self):
        """SIGKILL the master and its workers at once: a crashed machine."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Server(Daemon):
    """gunicorn serving portal.wsgi."""

    name = "gunicorn"

    def __init__(self, env, port=None, workers=3, log=None):
        self.env, self.port, self.workers = env, port or free_port(), workers
        self.log = log
        self.process = None

    def start(self, timeout=60):
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        return self._wait_until_ready(timeout)

    def ready(self):
        return Client(self.port).get("/healthz").status == 200

    def exit_details(self):
        return f"log: {self.log}"


NGINX = "/usr/sbin/nginx"
NGINX_PURGE_MODULE = "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so"


def nginx_available():
    """nginx with the cache purge module (Debian: nginx, libnginx-mod-http-cache-purge)."""
    return Path(NGINX).exists() and Path(NGINX_PURGE_MODULE).exists()


class Nginx(Daemon):
    """nginx in the foreground, its ``http { }`` content given, every file under ``tmp``."""

    name = "nginx"
    stop_signal = signal.SIGQUIT  # graceful

    def __init__(self, http_config, tmp, port):
        self.tmp, self.port = Path(tmp), port
        self.tmp.mkdir(parents=True, exist_ok=True)
        temp_paths = "".join(f"    {kind}_temp_path {self.tmp / kind};\n" for kind in TEMP_PATHS)
        self.config = self.tmp / "nginx.conf"
        self.config.write_text(
            f"load_module {NGINX_PURGE_MODULE};\n"
            # Started by root, its workers would be nobody, shut out of a private temporary directory.
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"daemon off;\nworker_processes 1;\npid {self.tmp / 'nginx.pid'};\n"
            + f"error_log {self.tmp / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    access_log off;\n{temp_paths}{http_config}\n}}\n"
        )
        self.process = None

    def start(self, timeout=20):
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.tmp), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "stderr.log", "ab"),
            start_new_session=True,
        )
        return self._wait_until_ready(timeout)

    def ready(self):
        return reachable("127.0.0.1", self.port)

    def exit_details(self):
        return (self.tmp / "stderr.log").read_text()[-2000:]


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


# HTTP


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def location(self):
        return urllib.parse.urlsplit(self.headers.get("location", "")).path

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class JourneyError(Exception):
    """A step answered something a browser would not have continued from."""


class Client:
    """One person's browser: a connection to one server and a cookie jar.

    The jar keeps Secure cookies too (production marks the session and CSRF
    cookies Secure, and these servers speak plain HTTP on loopback).
    ``server`` may be changed between requests: the same person, another
    app server behind the load balancer.
    """

    def __init__(self, port, address=None, timeout=30):
        self.port, self.address, self.timeout = port, address, timeout
        self.cookies = {}
        self._connection = None
        self.timings = None  # a list to record (request, milliseconds) in

    def use(self, port):
        self.close()
        self.port = port
        return self

    def close(self):
        if self._connection:
            self._connection.close()
            self._connection = None

    def request(self, method, path, data=None, files=None):
        # One Host for every server, as behind a load balancer: the same cache keys and site.
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        body = None
        if files:
            body, headers["Content-Type"] = multipart(data or {}, files)
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self._connection is None:
            self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            self._connection.request(method, path, body, headers)
            raw = self._connection.getresponse()
            content = raw.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if raw.will_close:
            self.close()
        if self.timings is not None:
            route = REFERENCE_IN_PATH.sub(r"/\1/<reference>/", path.split("?")[0])
            self.timings.append((f"{method} {route}", (time.perf_counter() - start) * 1000))
        return Response(raw.status, {key.lower(): value for key, value in raw.getheaders()}, content)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, files=None):
        return self.request("POST", path, data, files)

    def csrf_form(self, path):
        """GET a page with a form; return (response, its CSRF token)."""
        response = self.get(path)
        match = CSRF_INPUT.search(response.text)
        if response.status != 200 or not match:
            raise JourneyError(f"GET {path}: {response.status}, no form")
        return response, match.group(1)


def multipart(data, files):
    """A multipart/form-data body: ``files`` maps a field to (file name, content type, bytes)."""
    boundary = f"----loopback{os.urandom(8).hex()}"
    parts = []
    for name, values in data.items():
        for value in values if isinstance(values, (list, tuple)) else [values]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def register(client, answers, submit_port=None, files=None):
    """The public registration journey: the form, the review page, submit,
    then the confirmation and the receipt. Returns the reference number once
    the server acknowledged it (the redirect to its confirmation page).
    ``submit_port``: review and submit on another server than the form;
    ``files``: attachments, as for ``multipart``."""
    _response, token = client.csrf_form("/register/")
    response = client.post("/register/", {**answers, "csrfmiddlewaretoken": token}, files)
    if response.status != 302 or response.location != "/register/review/":
        raise JourneyError(f"POST /register/: {response.status} {response.location}")
    if submit_port:
        client.use(submit_port)
    review, token = client.csrf_form("/register/review/")
    draft = DRAFT_INPUT.search(review.text)
    if not draft:
        raise JourneyError("the review page has no draft")
    response = client.post("/register/review/", {"draft": draft.group(1), "csrfmiddlewaretoken": token})
    done = DONE_PATH.match(response.location) if response.status == 302 else None
    if not done:
        raise JourneyError(f"POST /register/review/: {response.status} {response.location}")
    reference = urllib.parse.unquote(done.group(1))
    return reference


def after_submit(client, reference):
    """The pages a registrant sees after submitting; True when both answered 200."""
    quoted = urllib.parse.quote(reference)
    return (
        client.get(f"/register/done/{quoted}/").status == 200
        and client.get(f"/register/receipt/{quoted}/").status == 200
    )


def status_lookup(client, reference, mobile):
    """The public status lookup: 302 to the registration when found, 200 with
    an error when not, 429 when the client has failed too often."""
    _response, token = client.csrf_form("/register/status/")
    return client.post("/register/status/", {"reference": reference, "mobile": mobile, "csrfmiddlewaretoken": token})


def check_in(client, code, name, mobile):
    """A trainee's self check-in: the page the QR code opens, then name and number."""
    path = f"/training/checkin/{code}/"
    response = client.get(path)
    match = CSRF_INPUT.search(response.text)
    if response.status != 200 or not match:
        return response
    return client.post(path, {"name": name, "mobile": mobile, "csrfmiddlewaretoken": match.group(1)})
