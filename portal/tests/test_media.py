"""Uploaded media served with HTTP Range support (portal/media.py): browsers
need byte ranges to seek in a video."""

import pytest
from django.utils.http import http_date

DATA = bytes(range(256)) * 4  # 1024 distinct-ish bytes, so a wrong offset shows
SIZE = len(DATA)
URL = "/media/media/clip.mp4"

# Closing a response sends request_finished, which touches the connection,
# and the 404 page is rendered with the site's settings.
pytestmark = pytest.mark.django_db


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = settings.MEDIA_ROOT / "media" / "clip.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(DATA)
    (tmp_path / "secret.txt").write_text("outside MEDIA_ROOT")
    return path


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return content


def test_full_get_advertises_ranges(client, media_file):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(SIZE)
    assert body(response) == DATA


def test_partial_content(client, media_file):
    response = client.get(URL, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{SIZE}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA[100:200]


def test_range_end_past_the_file_is_clipped(client, media_file):
    response = client.get(URL, HTTP_RANGE=f"bytes={SIZE - 10}-{SIZE + 500}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}"
    assert body(response) == DATA[-10:]


def test_suffix_range(client, media_file):
    response = client.get(URL, HTTP_RANGE="bytes=-24")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {SIZE - 24}-{SIZE - 1}/{SIZE}"
    assert response["Content-Length"] == "24"
    assert body(response) == DATA[-24:]


def test_suffix_longer_than_the_file_sends_it_all(client, media_file):
    response = client.get(URL, HTTP_RANGE=f"bytes=-{SIZE * 2}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-{SIZE - 1}/{SIZE}"
    assert body(response) == DATA


def test_open_ended_range(client, media_file):
    response = client.get(URL, HTTP_RANGE="bytes=1000-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-{SIZE - 1}/{SIZE}"
    assert response["Content-Length"] == str(SIZE - 1000)
    assert body(response) == DATA[1000:]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 10}", "bytes=-0"])
def test_unsatisfiable_range(client, media_file, header):
    response = client.get(URL, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


def test_suffix_range_of_an_empty_file_is_unsatisfiable(client, media_file):
    media_file.write_bytes(b"")
    response = client.get(URL, HTTP_RANGE="bytes=-10")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"


@pytest.mark.parametrize("header", ["bytes=200-100", "bytes=0-1,5-9", "items=0-9", "bytes=-", "bytes=abc"])
def test_invalid_or_multiple_ranges_are_ignored(client, media_file, header):
    """RFC 9110: a server may ignore a Range it cannot or will not serve, and
    must ignore an invalid one; the whole file then comes back with 200."""
    response = client.get(URL, HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == DATA


def test_range_unit_is_case_insensitive(client, media_file):
    response = client.get(URL, HTTP_RANGE="Bytes=0-9")
    assert response.status_code == 206
    assert body(response) == DATA[:10]


def test_if_range_with_current_date_gives_the_range(client, media_file):
    last_modified = http_date(media_file.stat().st_mtime)
    response = client.get(URL, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=last_modified)
    assert response.status_code == 206
    assert body(response) == DATA[:10]


@pytest.mark.parametrize("validator", ["Mon, 01 Jan 2001 00:00:00 GMT", '"some-etag"'])
def test_if_range_with_stale_validator_gives_the_whole_file(client, media_file, validator):
    response = client.get(URL, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=validator)
    assert response.status_code == 200
    assert body(response) == DATA


def test_not_modified(client, media_file):
    first = client.get(URL)
    body(first)
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/media/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media//etc/passwd",
        "/media/media/",
        "/media/media/missing.mp4",
    ],
)
def test_traversal_directories_and_missing_files_are_404(client, media_file, path):
    assert client.get(path).status_code == 404


def test_head_is_allowed(client, media_file):
    response = client.head(URL)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert body(response) == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_unsafe_methods_are_refused(client, media_file, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert media_file.read_bytes() == DATA


class _Stored:
    """A FieldFile stand-in whose size comes from ``read_size``."""

    def __init__(self, name, read_size):
        self.name, self.read_size, self.reads = name, read_size, 0
        self.storage = object()

    def __bool__(self):
        return bool(self.name)

    @property
    def size(self):
        self.reads += 1
        return self.read_size()


def test_stored_size_is_read_once_then_cached():
    from portal.media import stored_size

    stored = _Stored("media/a.mp4", lambda: 1234)
    assert stored_size(stored) == 1234
    assert stored_size(stored) == 1234
    assert stored.reads == 1


def _raise(error):
    def read():
        raise error

    return read


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError("gone"),
        pytest.param("client", id="s3-404"),
        pytest.param("endpoint", id="s3-unreachable"),
    ],
)
def test_stored_size_is_none_when_the_storage_cannot_tell(error):
    from botocore.exceptions import ClientError, EndpointConnectionError

    from portal.media import stored_size

    if error == "client":
        error = ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadObject")
    elif error == "endpoint":
        error = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    stored = _Stored("media/missing.mp4", _raise(error))
    assert stored_size(stored) is None
    assert stored_size(stored) is None
    assert stored.reads == 2  # a failure is not cached: the file may come back


def test_stored_size_of_no_file_is_none():
    from portal.media import stored_size

    assert stored_size(_Stored("", lambda: 1)) is None
