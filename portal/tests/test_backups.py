"""Backup and restore round trip: every row and every file comes back
(portal/backups.py, manage.py backup / restore)."""

import hashlib
import io
import json
import re
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

# Django's JSON serializer writes a time to the millisecond, and a whole second
# without a fraction: a time 0.4 ms past a second is "…:34.000Z" before a round
# trip and "…:34Z" after. The same instant, written one way.
WHOLE_SECOND = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z$")


def _same_precision(value):
    return WHOLE_SECOND.sub(r"\1.000Z", value) if isinstance(value, str) else value


def every_row():
    out = io.StringIO()
    call_command("dumpdata", exclude=backups._excluded(), indent=None, stdout=out)
    rows = json.loads(out.getvalue())
    for row in rows:
        row["fields"] = {name: _same_precision(value) for name, value in row["fields"].items()}
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows)


def every_file():
    found = {}
    for prefix, storage in backups.media_storages().items():
        for name in backups.walk(storage):
            with storage.open(name, "rb") as handle:
                found[f"{prefix}/{name}"] = hashlib.sha256(handle.read()).hexdigest()
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

    # everything lost: the rows and both media storages
    call_command("flush", interactive=False, verbosity=0)
    for storage in backups.media_storages().values():
        for name in list(backups.walk(storage)):
            storage.delete(name)
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_without_media_restores_the_rows_and_leaves_the_files(some_data, tmp_path):
    rows, files = every_row(), every_file()
    archive = backups.create(tmp_path, media=False)
    with tarfile.open(archive) as opened:
        assert not [name for name in opened.getnames() if name.startswith(("media/", "private/"))]
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert every_row() == rows and every_file() == files


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_trip_through_s3_buckets(some_data, tmp_path, monkeypatch, settings):
    """The same backup and restore with both storages in S3 (moto)."""
    import boto3
    from django.core.files.storage import storages
    from moto import mock_aws

    from portal.settings.env import s3_storages

    for name, value in {
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": "huli-private",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_S3_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in ("huli-public", "huli-private"):
            client.create_bucket(Bucket=bucket)
        settings.STORAGES, _origins = s3_storages(settings.STORAGES, "huli-public")
        storages["default"].save("documents/办法.pdf", ContentFile(b"%PDF-1.4 s3"))
        storages["private"].save("registrations/2026/01/a.png", ContentFile(b"png in s3"))
        files = every_file()
        assert set(files) == {"media/documents/办法.pdf", "private/registrations/2026/01/a.png"}
        archive = backups.create(tmp_path)
        for storage in backups.media_storages().values():
            for name in list(backups.walk(storage)):
                storage.delete(name)
        assert every_file() == {}
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())
        assert every_file() == files
        assert (
            client.get_object(Bucket="huli-private", Key="registrations/2026/01/a.png")["Body"].read() == b"png in s3"
        )


def derived_rows():
    """The tables PostgreSQL's triggers keep, whole (WorkActivity's datemultirange included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT street_id, day, inspections FROM registration_inspectiontally ORDER BY 1, 2")
        tallies = cursor.fetchall()
        # to the millisecond, as Django's JSON serializer keeps times
        cursor.execute(
            "SELECT registration_id, date_trunc('milliseconds', accepted_at), date_trunc('milliseconds', ended_at), "
            "inspected_days::text FROM registration_workactivity"
        )
        activity = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT street_id, day, to_status, changes FROM registration_statustally WHERE changes <> 0 ORDER BY 1, 2, 3"
        )
        return tallies, activity, cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rows_kept_by_triggers_are_rebuilt_by_a_restore(some_data, tmp_path, django_user_model):
    """They are not in the archive (a restore's load order would leave them
    wrong): the restore fills them from the works, status changes and inspections."""
    from django.db import connection

    from registration.models import Inspection, InspectionTally, Status, StatusTally, WorkActivity

    if connection.vendor != "postgresql":
        pytest.skip("the triggers and their tables are PostgreSQL's")
    inspector = django_user_model.objects.create_user("inspector-backup", password="pw-for-tests-1")
    services.change_status(some_data, Status.UNDER_WAY, by=inspector)
    Inspection.objects.create(registration=some_data, inspector=inspector, result="no_hazard")
    before = derived_rows()
    assert before[0] and before[1][0][1] is not None and before[1][0][3] != "{}" and before[2]
    archive = backups.create(tmp_path)
    manifest = json.loads(tarfile.open(archive).extractfile(backups.MANIFEST).read())
    assert "registration.workactivity" not in manifest["rows"]

    call_command("flush", interactive=False, verbosity=0)
    assert not WorkActivity.objects.exists() and not InspectionTally.objects.exists()
    assert not StatusTally.objects.exists()
    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert derived_rows() == before
