"""Backup and restore round trip: every row and every file comes back
(portal/backups.py, manage.py backup / restore)."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import backups
from portal.models import AuditEvent
from registration import services
from registration.models import Attachment, Registration
from registration.tests.factories import registration_data


def every_row():
    out = io.StringIO()
    call_command("dumpdata", exclude=backups._excluded(), indent=None, stdout=out)
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in json.loads(out.getvalue()))


def every_file():
    found = {}
    for prefix, root in backups._roots().items():
        for path in Path(root).rglob("*"):
            if path.is_file():
                found[f"{prefix}/{path.relative_to(root)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(autouse=True)
def warm_content_types():
    """After a restore the content-type cache is empty; Django's serialized
    rollback for the next test needs it warm, or a signal creates a type
    that the rollback then inserts again."""
    yield
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    for model in apps.get_models():
        ContentType.objects.get_for_model(model, for_concrete_model=False)


@pytest.fixture
def some_data(db):
    work = services.create_registration(registration_data(address="湖里区示例路8号（备份）"))
    attachment = Attachment(registration=work, kind="photo", original_name="现场.png", content_type="image/png", size=3)
    attachment.file.save("p.png", ContentFile(b"png"), save=False)
    attachment.save()
    (Path(settings.MEDIA_ROOT) / "documents").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "documents" / "办法.pdf").write_bytes(b"%PDF-1.4 test")
    AuditEvent.objects.create(action="login", username="someone")
    # a log entry of a page deleted since (it points at a page that is gone)
    from wagtail.models import Page, PageLogEntry

    page = Page.get_first_root_node().add_child(title="旧页面", slug="old-page")
    PageLogEntry.objects.log_action(page, "wagtail.create")
    page.delete()
    return work


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_into_an_empty_database_and_empty_media_loses_nothing(some_data, tmp_path):
    rows, files = every_row(), every_file()
    archive = backups.create(tmp_path)
    manifest = json.loads(tarfile.open(archive).extractfile(backups.MANIFEST).read())
    assert manifest["rows"]["registration.registration"] == 1 and len(manifest["files"]) == len(files)

    # everything lost: the rows and both media roots
    call_command("flush", interactive=False, verbosity=0)
    for root in backups._roots().values():
        for path in Path(root).rglob("*"):
            if path.is_file():
                path.unlink()
    assert not Registration.objects.exists() and not every_file()

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert every_row() == rows
    assert every_file() == files
    assert Registration.objects.get().address == "湖里区示例路8号（备份）"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_archive_restores_nothing(some_data, tmp_path):
    archive = backups.create(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("private/"):
                data = b"tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = every_row()
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), yes=True)
    assert every_row() == before
