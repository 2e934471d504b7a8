"""Two app servers, one PostgreSQL, one Redis, one S3 emulator: what a person
does on server A, server B sees at once; killing A loses nothing it
acknowledged. Real gunicorn processes with the production settings, on
loopback (portal/tests/loopback.py); each server has its own MEDIA_ROOT and
PRIVATE_MEDIA_ROOT, as two machines would.

Runs only where PostgreSQL (DATABASE_URL) and Redis (SCALEOUT_REDIS_URL,
default redis://127.0.0.1:6379/14, EMPTIED by the test: give it a database
nothing else uses) answer; skipped otherwise. About a minute and a half on
two cores, most of it migrating and loading the demo content:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huli_x \\
        .venv/bin/python -m pytest -n 0 -m scaleout portal/tests/test_scaleout.py
"""

import concurrent.futures
import io
import os
import secrets
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from . import loopback

pytestmark = pytest.mark.scaleout

BASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/14")
OWNER_MOBILE = "13800000001"  # registration_data's owner
AWS = {
    "AWS_ACCESS_KEY_ID": "scaleout-test",
    "AWS_SECRET_ACCESS_KEY": "scaleout-test-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_STORAGE_BUCKET_NAME": "huli-public",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "huli-private",
}
FEATURES = """
import json
from django.conf import settings
storages = settings.STORAGES
print(json.dumps({
    "page_cache": getattr(settings, "PAGE_CACHE_SECONDS", None),
    "default_storage": storages["default"]["BACKEND"],
    "private_storage": storages["private"]["BACKEND"],
}))
"""
EDITOR_PASSWORD = "scaleout-Editor-pw-1"
EDITOR_CODE = "scaleoutcode1"
FIXTURES = f"""
import json
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.models import Site
from home.models import PolicyDocumentPage, VideoPage
from registration.public.forms import serialise_answers
from registration.tests.factories import registration_data
answers = serialise_answers(registration_data())
answers["commitment"] = "on"
EDITOR_PASSWORD, EDITOR_CODE = {EDITOR_PASSWORD!r}, {EDITOR_CODE!r}
page = PolicyDocumentPage.objects.live().order_by("pk").first()
video = VideoPage.objects.live().order_by("pk").first()
# An editor with a recovery code as second factor (production asks for one).
editor = get_user_model().objects.create_superuser("scaleout_editor", password=EDITOR_PASSWORD)
StaticDevice.objects.create(user=editor, name="recovery", confirmed=True).token_set.create(token=EDITOR_CODE)
# The public host name, as README asks (the front proxy's purge is sent for it).
site = Site.objects.get(is_default_site=True)
site.hostname = "127.0.0.1"
site.save()  # as the admin does: save() also empties Wagtail's cached site root paths
print(json.dumps({{
    "answers": answers,
    "page": {{"id": page.pk, "url": page.url, "title": page.title}},
    "video": {{"id": video.pk, "url": video.url}},
}}))
"""


def _worker_suffix():
    """pytest-xdist workers each get their own database and Redis database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return (worker, int(worker.removeprefix("gw") or 0)) if worker else ("", 0)


def _redis_url():
    worker, number = _worker_suffix()
    parts = urllib.parse.urlsplit(REDIS_URL)
    db = int(parts.path.lstrip("/") or 0) - number
    return urllib.parse.urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(scope="module")
def cluster():
    redis_url = _redis_url()
    if not loopback.postgres_reachable(BASE_URL):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not loopback.redis_reachable(redis_url):
        pytest.skip(f"needs Redis at {redis_url} (SCALEOUT_REDIS_URL)")
    worker, _number = _worker_suffix()
    base_name = urllib.parse.urlsplit(BASE_URL).path.lstrip("/") or "huli"
    database_url = loopback.database_url(BASE_URL, f"{base_name}_scaleout{worker}")
    tmp = Path(tempfile.mkdtemp(prefix="huli-scaleout-"))
    loopback.recreate_database(database_url)
    loopback.flush_redis_db(redis_url)
    moto = servers = None
    try:
        purge_port = loopback.free_port()  # the front proxy's purge server (test_nginx_…)
        env = loopback.production_env(
            database_url,
            redis_url,
            tmp / "a",
            DB_CONN_MAX_AGE=60,
            FRONTEND_CACHE_URL=f"http://127.0.0.1:{purge_port}",
        )
        features = loopback.django_json({**env, **AWS}, FEATURES)
        s3 = "s3" in features["private_storage"].lower() and "s3" in features["default_storage"].lower()
        if s3:
            moto = _start_moto()
            env.update(AWS, AWS_S3_ENDPOINT_URL=moto.endpoint)
        loopback.prepare_site(env)
        fixtures = loopback.django_json(env, FIXTURES)
        env_b = {**env, "MEDIA_ROOT": str(tmp / "b" / "media"), "PRIVATE_MEDIA_ROOT": str(tmp / "b" / "private-media")}
        servers = [
            loopback.Server(env, workers=2, log=tmp / "a.log"),
            loopback.Server(env_b, workers=2, log=tmp / "b.log"),
        ]
        for server in servers:
            server.start()
        yield {
            "a": servers[0],
            "b": servers[1],
            "env": env,
            "database_url": database_url,
            "features": features,
            "s3": moto,
            "tmp": tmp,
            "purge_port": purge_port,
            **fixtures,
        }
    finally:
        for server in servers or []:
            server.stop()
        if moto:
            moto.stop()
        loopback.drop_database(database_url)
        loopback.flush_redis_db(redis_url)
        shutil.rmtree(tmp, ignore_errors=True)


def _start_moto():
    """moto's S3 in server mode on a loopback port, with the two buckets."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = loopback.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    server.endpoint = f"http://127.0.0.1:{port}"
    server.client = boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=AWS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS["AWS_SECRET_ACCESS_KEY"],
        region_name=AWS["AWS_S3_REGION_NAME"],
    )
    for bucket in (AWS["AWS_STORAGE_BUCKET_NAME"], AWS["AWS_PRIVATE_STORAGE_BUCKET_NAME"]):
        server.client.create_bucket(Bucket=bucket)
    return server


def _answers(cluster):
    return {**cluster["answers"], "address": f"湖里区扩容路{secrets.randbelow(10**6)}号"}


def _address():
    """A client address of its own (X-Forwarded-For), so no test meets another's throttle counts."""
    return f"198.18.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def test_a_registration_made_on_a_is_found_on_b(cluster):
    reference = loopback.register(loopback.Client(cluster["a"].port, _address()), _answers(cluster))

    person = loopback.Client(cluster["b"].port, _address())
    response = loopback.status_lookup(person, reference, OWNER_MOBILE)
    assert response.status == 302
    assert response.location == f"/register/status/{reference}/"
    assert reference in person.get(response.location).text


def test_a_journey_begun_on_a_is_submitted_on_b(cluster):
    """The form on A, the review and submit on B: the session is shared."""
    client = loopback.Client(cluster["a"].port, _address())
    reference = loopback.register(client, _answers(cluster), submit_port=cluster["b"].port)
    assert loopback.after_submit(client, reference)
    rows = loopback.sql(
        cluster["database_url"], "SELECT count(*) FROM registration_registration WHERE reference = %s", (reference,)
    )
    assert rows == [(1,)]


def test_a_photo_staged_on_a_is_kept_in_the_private_bucket(cluster):
    if not cluster["s3"]:
        pytest.skip(
            "AWS_STORAGE_BUCKET_NAME does not switch the storages to S3 in this code "
            f"(default: {cluster['features']['default_storage']}, private: {cluster['features']['private_storage']})"
        )
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(png, "PNG")
    client = loopback.Client(cluster["a"].port, _address())
    reference = loopback.register(
        client,
        _answers(cluster),
        submit_port=cluster["b"].port,
        files={"photos": ("site.png", "image/png", png.getvalue())},
    )
    assert loopback.after_submit(client, reference)
    s3 = cluster["s3"].client
    private = s3.list_objects_v2(Bucket=AWS["AWS_PRIVATE_STORAGE_BUCKET_NAME"]).get("Contents", [])
    public = s3.list_objects_v2(Bucket=AWS["AWS_STORAGE_BUCKET_NAME"]).get("Contents", [])
    assert private, "the photo is not in the private bucket"
    assert not [item["Key"] for item in public if "site" in item["Key"]], "a registration photo is in the public bucket"
    anonymous = urllib.request.Request(
        f"{cluster['s3'].endpoint}/{AWS['AWS_PRIVATE_STORAGE_BUCKET_NAME']}/{private[0]['Key']}"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous, timeout=10)
    assert refused.value.code == 403, "an object of the private bucket can be read without credentials"
    on_disk = [path for path in cluster["tmp"].rglob("*") if path.is_file() and "private-media" in str(path)]
    assert on_disk == []


def _publish(cluster, title):
    """Publish a new revision, as an editor's request on A does: in a process with A's settings."""
    code = f"""
import json
from wagtail.models import Page
page = Page.objects.get(pk={cluster["page"]["id"]}).specific
page.title = {title!r}
page.save_revision().publish()
print(json.dumps(True))
"""
    assert loopback.django_json(cluster["env"], code) is True


def test_a_page_published_on_a_is_shown_by_b_at_once(cluster):
    url = cluster["page"]["url"]
    a, b = loopback.Client(cluster["a"].port), loopback.Client(cluster["b"].port)
    for client in (a, b, a, b):  # both have served (and, with a page cache, cached) it
        assert client.get(url).status == 200
    title = f"扩容测试{secrets.token_hex(3)}"
    _publish(cluster, title)
    assert title in b.get(url).text
    assert title in a.get(url).text


def _editor_on(port):
    """The editor logged in to the Wagtail admin of one server, second factor included."""
    editor = loopback.Client(port, _address())
    _response, token = editor.csrf_form("/admin/login/")
    response = editor.post(
        "/admin/login/", {"username": "scaleout_editor", "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status == 302, response.status
    _response, token = editor.csrf_form("/admin/two-factor/verify/")
    response = editor.post("/admin/two-factor/verify/", {"code": EDITOR_CODE, "csrfmiddlewaretoken": token})
    assert response.status == 302 and editor.get("/admin/").status == 200
    return editor


def test_a_page_unpublished_in_the_admin_of_a_is_gone_on_b_at_once(cluster):
    url = cluster["video"]["url"]
    b = loopback.Client(cluster["b"].port)
    assert b.get(url).status == 200
    assert b.get(url).status == 200  # served again (and, with a page cache, from the cache)
    editor = _editor_on(cluster["a"].port)
    path = f"/admin/pages/{cluster['video']['id']}/unpublish/"
    _response, token = editor.csrf_form(path)
    assert editor.post(path, {"csrfmiddlewaretoken": token}).status == 302
    assert b.get(url).status == 404


def test_the_page_cache_is_shared_and_purged_on_publish(cluster):
    if cluster["features"]["page_cache"] is None:
        pytest.skip("no page cache in this code (PAGE_CACHE_SECONDS is not a setting)")
    if not cluster["features"]["page_cache"]:
        pytest.skip("the page cache is off (PAGE_CACHE_SECONDS=0)")
    url = cluster["page"]["url"]
    a, b = loopback.Client(cluster["a"].port), loopback.Client(cluster["b"].port)
    assert a.get(url).status == 200  # A renders and caches it
    behind = f"未经发布{secrets.token_hex(3)}"
    loopback.sql(
        cluster["database_url"],
        "UPDATE wagtailcore_page SET title = %s WHERE id = %s RETURNING id",
        (behind, cluster["page"]["id"]),
    )
    assert behind not in b.get(url).text, "B rendered the page itself instead of serving A's cached copy"
    title = f"扩容发布{secrets.token_hex(3)}"
    _publish(cluster, title)
    assert title in b.get(url).text


def nginx_http_config(cluster, port):
    """README's nginx configuration, its addresses those of this cluster: the
    test runs what the README says (a change there that breaks it fails here)."""
    readme = (loopback.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Front proxy cache", 1)[1]
    config = section.split("```nginx", 1)[1].split("```", 1)[0]
    for documented, here in {
        "/var/cache/nginx/huli": str(cluster["tmp"] / "nginx" / "cache"),
        "10.0.0.11:8000": f"127.0.0.1:{cluster['a'].port}",
        "10.0.0.12:8000": f"127.0.0.1:{cluster['b'].port}",
        "listen 443 ssl;": f"listen 127.0.0.1:{port};",
        "listen 10.0.0.10:8080;": f"listen 127.0.0.1:{cluster['purge_port']};",
        "allow 10.0.0.11;": "allow 127.0.0.1;",
        "allow 10.0.0.12;": "",
    }.items():
        assert documented in config, f"README's nginx configuration no longer has {documented!r}"
        config = config.replace(documented, here)
    return config


@pytest.fixture(scope="module")
def front_proxy(cluster):
    if not loopback.nginx_available():
        pytest.skip("needs nginx and its cache purge module (.ci/run installs them)")
    if not cluster["features"]["page_cache"]:
        pytest.skip("the front proxy keeps only what the page cache marks (X-Accel-Expires)")
    port = loopback.free_port()
    nginx = loopback.Nginx(nginx_http_config(cluster, port), cluster["tmp"] / "nginx", port).start()
    try:
        yield nginx
    finally:
        nginx.stop()


def test_nginx_as_documented_keeps_public_pages_and_is_purged_on_publish(cluster, front_proxy):
    url = cluster["page"]["url"]
    visitor = loopback.Client(front_proxy.port, _address())
    statuses = [visitor.get(url).headers.get("x-cache-status") for _ in range(3)]
    assert statuses[-1] == "HIT", statuses  # kept after the first (or second) visit
    title = f"前端缓存{secrets.token_hex(3)}"
    _publish(cluster, title)  # the site sends PURGE to FRONTEND_CACHE_URL after the commit
    response = visitor.get(url)
    assert response.headers.get("x-cache-status") == "MISS" and title in response.text
    assert visitor.get(url).headers.get("x-cache-status") == "HIT"


def test_nginx_as_documented_never_keeps_forms_or_a_visitor_with_a_session(cluster, front_proxy):
    form = loopback.Client(front_proxy.port, _address())
    for _ in range(2):
        response = form.get("/register/")
        assert response.status == 200 and response.headers.get("x-cache-status") != "HIT"
        assert "x-accel-expires" not in response.headers
    for _ in range(2):  # the site drops an unknown session's cookie: send it each time
        signed_in = loopback.Client(front_proxy.port, _address())
        signed_in.cookies["sessionid"] = "a-session"
        assert signed_in.get(cluster["page"]["url"]).headers.get("x-cache-status") == "BYPASS"


def test_a_rate_limit_reached_on_a_refuses_on_b(cluster):
    """The status lookup allows 30 failures an hour per client (registration/public/lookup_views.py)."""
    guesser = _address()
    a = loopback.Client(cluster["a"].port, guesser)
    assert (
        loopback.status_lookup(loopback.Client(cluster["b"].port, guesser), "HL-2000-000001", "13900000000").status
        == 200
    )
    statuses = [loopback.status_lookup(a, f"HL-2000-{n:06d}", "13900000000").status for n in range(2, 31)]
    assert set(statuses) == {200}  # 30 failures, each answered "no match"
    assert (
        loopback.status_lookup(loopback.Client(cluster["b"].port, guesser), "HL-2000-000099", "13900000000").status
        == 429
    )
    assert (
        loopback.status_lookup(loopback.Client(cluster["b"].port, _address()), "HL-2000-000099", "13900000000").status
        == 200
    )


def test_killing_a_under_load_loses_no_acknowledged_registration(cluster):
    """Registrants on A while A is killed (SIGKILL) mid-run: every registration
    A acknowledged is in the database and found on B. Bounded: 8 clients, 30 s."""
    acknowledged, errors = [], []
    lock, deadline, killed = threading.Lock(), time.monotonic() + 30, threading.Event()

    def registrant(_worker):
        while time.monotonic() < deadline and not killed.is_set():
            client = loopback.Client(cluster["a"].port, _address(), timeout=10)
            try:
                reference = loopback.register(client, _answers(cluster))
            except (loopback.JourneyError, OSError) as error:
                with lock:
                    errors.append(error)
                time.sleep(0.1)
                continue
            with lock:
                acknowledged.append(reference)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(registrant, n) for n in range(8)]
        while len(acknowledged) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster["a"].kill()
        killed.set()
        for future in futures:
            future.result()
    assert len(acknowledged) >= 4, f"too few registrations before the kill ({len(acknowledged)}): {errors[:3]}"
    found = {
        reference
        for (reference,) in loopback.sql(
            cluster["database_url"],
            "SELECT reference FROM registration_registration WHERE reference = ANY(%s)",
            (acknowledged,),
        )
    }
    assert set(acknowledged) - found == set()
    assert len(set(acknowledged)) == len(acknowledged)
    last = acknowledged[-1]
    assert loopback.status_lookup(loopback.Client(cluster["b"].port, _address()), last, OWNER_MOBILE).status == 302
