"""Private photos (site photos, hazard and rectification photos) shown to staff.

They live in private storage with no URL. A view that has checked the
user's street sends either the original (full size) or a small JPEG made
on the fly for the work's page: a few kB for a phone on site instead of a
10 MB original, and without the original's EXIF data (GPS position).
"""

from django.http import FileResponse, Http404, HttpResponse

from portal.images import reencode

THUMBNAIL_PX = 320
IMAGE_TYPES = {"image/jpeg", "image/png"}


def wants_thumbnail(request):
    return request.GET.get("size") == "thumb"


def thumbnail_bytes(fieldfile, max_px=THUMBNAIL_PX):
    """A JPEG at most ``max_px`` on its longer side, upright, with no metadata."""
    from PIL import Image, UnidentifiedImageError

    try:
        with fieldfile.open("rb") as handle:
            data, _position = reencode(handle, max_px, quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise Http404("not a readable image") from error
    return data


def photo_response(request, fieldfile, filename, content_type="image/jpeg"):
    """The photo inline, as a thumbnail when ``?size=thumb`` is asked."""
    if not fieldfile:
        raise Http404("no photo")
    if wants_thumbnail(request):
        response = HttpResponse(thumbnail_bytes(fieldfile), content_type="image/jpeg")
    else:
        response = FileResponse(fieldfile.open("rb"), filename=filename, content_type=content_type)
    # Personal data: browsers may keep it for the visit, shared caches never.
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
