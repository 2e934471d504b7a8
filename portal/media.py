"""Serve uploaded media with HTTP Range support.

Browsers need byte ranges to seek in a video; django.views.static.serve
always sends the whole file. Used when settings.SERVE_MEDIA is on (make run);
in production a web server in front normally serves MEDIA_ROOT itself. With
media in S3 (AWS_STORAGE_BUCKET_NAME) their URLs point at the bucket or
AWS_S3_CUSTOM_DOMAIN, which answer Range requests themselves, and this view
is not used.
"""

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)  # range units are case-insensitive

mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("video/webm", ".webm")


def _parse_range(header, size):
    """Return (start, end) inclusive for a single satisfiable range, None for
    a header to ignore (absent, malformed, several ranges), or False for an
    unsatisfiable one (RFC 9110 section 14)."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        # A suffix range: the last N bytes. Nothing to send from an empty file.
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        # An invalid range-spec, so the whole header is ignored (200), not 416.
        return None
    if start >= size:
        return False
    end = min(int(last), size - 1) if last else size - 1
    return start, end


class _RangeFile:
    """Iterate over part of a file in blocks."""

    block_size = 64 * 1024

    def __init__(self, fileobj, start, length):
        self.fileobj = fileobj
        self.fileobj.seek(start)
        self.remaining = length

    def __iter__(self):
        while self.remaining > 0:
            chunk = self.fileobj.read(min(self.block_size, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self):
        self.fileobj.close()


@require_safe
def serve_media(request, path):
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as error:
        raise Http404 from error
    if not full_path.is_file():
        raise Http404
    stat = full_path.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        return HttpResponseNotModified()
    content_type = mimetypes.guess_type(full_path.name)[0] or "application/octet-stream"
    size = stat.st_size
    last_modified = http_date(stat.st_mtime)
    byte_range = _parse_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    if_range = request.headers.get("If-Range")
    if byte_range is not None and if_range is not None and if_range.strip() != last_modified:
        # The client's copy is of another version (or it sent an ETag, which
        # we do not make): send the whole current file, not a piece to splice.
        byte_range = None

    if byte_range is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif byte_range is None:
        response = FileResponse(full_path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        length = end - start + 1
        fileobj = full_path.open("rb")
        response = FileResponse(_RangeFile(fileobj, start, length), content_type=content_type, status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = last_modified
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _storage_errors():
    """The errors a storage raises for a file it cannot size: the disk's, and S3's."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # boto3 is only needed with AWS_STORAGE_BUCKET_NAME
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


STORED_SIZE_SECONDS = 24 * 3600


def stored_size(fieldfile):
    """The size in bytes of a stored file, or None when it is missing or the
    storage cannot be reached. Cached by name (stored names are never reused
    for other content), so a page in S3 does not ask the bucket on every render."""
    if not fieldfile:
        return None
    key = f"stored-size:{fieldfile.storage.__class__.__name__}:{fieldfile.name}"
    size = cache.get(key)
    if size is None:
        try:
            size = fieldfile.size
        except _storage_errors():
            return None
        cache.set(key, size, STORED_SIZE_SECONDS)
    return size
