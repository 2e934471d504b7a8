"""Upload hardening: pixel bombs, active PDFs, unsafe names and a full disk
(portal/uploads.py, used by the registration form and its services)."""

import errno
import io
import zlib
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.uploads import safe_name
from registration.models import Attachment, Registration
from registration.public.forms import RegistrationForm
from registration.tests.test_forms import PDF, answers, error_codes
from registration.tests.test_journey import FORM, REVIEW, draft, fill, photo, private_files, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, content_type, expected",
    [
        ("../../现场 照片.php.JPG\x00", "image/jpeg", "现场 照片_php.jpg"),
        ("C:\\Users\\王工\\合同.pdf", "application/pdf", "合同.pdf"),
        ("photo.png.exe", "image/png", "photo_png.png"),
        ("<script>.png", "image/png", "script.png"),
        ("", "image/png", "file.png"),
    ],
)
def test_names_are_reduced_to_a_safe_stem_and_the_true_extension(name, content_type, expected):
    assert safe_name(name, content_type) == expected


def form_with(upload, field="photos"):
    return RegistrationForm(answers(), {field: [upload] if field == "photos" else upload})


def test_a_decompression_bomb_is_refused_by_its_pixel_count():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(buffer, "PNG")  # 50 megapixels in a few kilobytes
    assert len(buffer.getvalue()) < 200_000
    form = form_with(SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png"))
    assert error_codes(form, "photos") == ["file_pixels"]
    assert "50 百万像素" in str(form.errors["photos"])


def pdf_with(body):
    return SimpleUploadedFile("合同.pdf", body, content_type="application/pdf")


def test_a_pdf_with_scripts_or_actions_is_refused():
    active = PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    assert error_codes(form_with(pdf_with(active), "contract"), "contract") == ["file_active"]
    hidden = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    compressed = PDF.replace(
        b"trailer", b"2 0 obj << /Filter /FlateDecode >>\nstream\n" + hidden + b"\nendstream\nendobj\ntrailer"
    )
    assert error_codes(form_with(pdf_with(compressed), "contract"), "contract") == ["file_active"]
    assert form_with(pdf_with(PDF), "contract").is_valid()


def full_disk(self, name, content, *args, **kwargs):
    """Write half of the file, then fail as a full disk does."""
    path = self.path(name)
    import os

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as partial:
        partial.write(content.read()[:10])
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_staging_leaves_nothing_and_says_so(client):
    before = private_files()
    with mock.patch.object(FileSystemStorage, "_save", full_disk):
        response = fill(client, files={"photos": [photo("a.png"), photo("b.png")]})
    html = response.content.decode()
    assert response.status_code == 503 and "服务器暂时无法保存文件" in html
    assert 'value="湖里区示例路1号101室"' in html  # the answers are still on the page
    assert private_files() == before
    assert draft(client) is None or not draft(client).get("files")


def test_a_full_disk_while_submitting_saves_no_registration_and_no_file(client):
    fill(client, files={"photos": [photo("a.png"), photo("b.png")]})
    staged = private_files()
    calls = {"n": 0}
    real_save = FileSystemStorage._save

    def second_write_fails(self, name, content, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            return full_disk(self, name, content)
        return real_save(self, name, content, *args, **kwargs)

    with mock.patch.object(FileSystemStorage, "_save", second_write_fails):
        response = submit(client)
    assert response.status_code == 503 and "服务器暂时无法保存文件" in response.content.decode()
    assert not Registration.objects.exists() and not Attachment.objects.exists()
    assert private_files() == staged  # only the draft's staged files, which a retry uses
    assert submit(client).status_code == 302  # and the retry goes through
    assert Attachment.objects.count() == 2


def test_stored_names_are_safe(client):
    fill(client, files={"photos": [photo("../../现场.php.png")]})
    submit(client)
    assert Attachment.objects.get().original_name == "现场_php.png"
