"""What every upload must pass before it is kept, and how a failed write is
undone. Shared by the apps that take files from the public or staff.

- Images: the pixel count is read from the header before anything is
  decoded, so a small file that would expand to gigabytes (a decompression
  bomb) is refused.
- PDFs: a document with scripts or actions that run on opening is refused.
- Names: the name the browser sent is reduced to a safe stem and the one
  extension that matches the content; stored files get random names anyway.
- A write that fails (disk full, object storage down) removes whatever it
  wrote and raises ``StorageUnavailable``, which the views turn into a
  Chinese message.
"""

import contextlib
import re
import unicodedata

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.translation import gettext_lazy as _

# What a failing storage raises: the disk (OSError) or S3 (boto3, botocore).
STORAGE_ERRORS = (OSError, Boto3Error, BotoCoreError, ClientError)

# 40 megapixels: a 48 MP phone photo is downscaled by the phone's own camera app anyway.
MAX_PIXELS = 40_000_000
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
# Keys that make a PDF run something when it is opened or read.
PDF_ACTIVE_KEYS = (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/AA", b"/EmbeddedFile", b"/RichMedia")
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff\-（）() ]+")

STORAGE_MESSAGE = _(
    "The server cannot store files at the moment. Nothing was saved; please try again in a few minutes "
    "or call the street office."
)


class StorageUnavailable(Exception):
    """A file could not be written (disk full, storage down); nothing of it is left."""


def safe_name(name, content_type, max_length=100):
    """“../../现场 照片.php.JPG\\x00” → “现场 照片_php.jpg”: no path, no control
    characters, no second extension, the extension of what the file really is."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem.replace(".", "_")).strip(" _") or "file"
    extension = EXTENSIONS.get(content_type, "")
    return stem[: max_length - len(extension)] + extension


def too_many_pixels(image):
    return image.width * image.height > MAX_PIXELS


def pdf_is_active(upload):
    """True if the PDF carries scripts, launch actions, open actions or embedded files.
    Checked on the raw bytes and on every decompressed object stream, so a
    key hidden in a compressed stream is found too."""
    import zlib

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if any(key in data for key in PDF_ACTIVE_KEYS):
        return True
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            if any(key in zlib.decompress(stream) for key in PDF_ACTIVE_KEYS):
                return True
    return False


def save_all_or_nothing(storage, items):
    """Save ``(name, file)`` pairs; on a failed write delete every file this
    call wrote (the partial one too) and raise StorageUnavailable."""
    saved = []
    try:
        for name, content in items:
            saved.append(name)  # removed on failure even if the write stopped half-way
            saved[-1] = storage.save(name, content)
    except STORAGE_ERRORS as error:
        for name in saved:
            with contextlib.suppress(*STORAGE_ERRORS):
                storage.delete(name)
        raise StorageUnavailable(str(error)) from error
    return saved
