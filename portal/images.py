"""Photos taken on phones, made fit to keep and to show.

A phone photo is several MB with EXIF data that may hold where it was taken.
``prepare_photo`` reads that position (the record keeps it), turns the image
upright and re-encodes it at most MAX_PHOTO_PX on its longer side as a JPEG
with no metadata at all, so no copy that leaves the record carries it.
The browser already downscales (static/js/photo-downscale.js); this is the
same rule for a browser without JavaScript, or one that sent the original.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile

MAX_PHOTO_PX = 1600
GPS_IFD = 0x8825


@dataclass
class PreparedPhoto:
    content: ContentFile
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _degrees(values, ref):
    degrees, minutes, seconds = (float(value) for value in values)
    value = degrees + minutes / 60 + seconds / 3600
    if ref in ("S", "W"):
        value = -value
    return Decimal(f"{value:.6f}")


def exif_position(image):
    """(latitude, longitude) from the EXIF GPS tags, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        latitude = _degrees(gps[2], gps.get(1, "N"))
        longitude = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
        return None, None
    return latitude, longitude


def reencode(handle, max_px, quality=85):
    """JPEG bytes of the image in ``handle``: upright, at most ``max_px`` on
    its longer side, without any metadata; and the EXIF position it had."""
    from PIL import Image, ImageOps

    image = Image.open(handle)
    position = exif_position(image)
    image.draft("RGB", (max_px * 2, max_px * 2))  # JPEG: decode at a reduced scale
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_px, max_px))
    output = io.BytesIO()
    image.convert("RGB").save(output, "JPEG", quality=quality, optimize=True)
    return output.getvalue(), position


def prepare_photo(upload, max_px=MAX_PHOTO_PX):
    """The upload (already checked by the form) as a PreparedPhoto to save."""
    upload.seek(0)
    data, (latitude, longitude) = reencode(upload, max_px)
    upload.seek(0)
    content = ContentFile(data, name="photo.jpg")
    content.content_type = "image/jpeg"
    return PreparedPhoto(content, latitude, longitude)
