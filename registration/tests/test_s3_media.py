"""Private media in S3 (moto's in-process emulator): an attachment uploaded
through the registration service lands in the private bucket, never readable
without credentials, and reaches an officer only through the permission-
checked view, streamed by Django; a failing bucket refuses the upload whole."""

import datetime
import io
import time

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws
from PIL import Image

from portal.settings.env import s3_storages
from portal.uploads import StorageUnavailable
from registration import services
from registration.models import Attachment, Hazard, Registration
from registration.models.reports import ReportPhoto
from registration.public.drafts import purge_staged
from registration.tests.factories import registration_data
from registration.tests.staff import HULI, staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE, REGION = "huli-public", "huli-private", "us-east-1"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def private_fields():
    return [
        Attachment._meta.get_field("file"),
        Hazard._meta.get_field("photo"),
        Hazard._meta.get_field("rectification_photo"),
        ReportPhoto._meta.get_field("file"),
    ]


@pytest.fixture
def s3(monkeypatch, settings):
    """Both buckets in moto, STORAGES built by the settings' own s3_storages()."""
    env = {
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": PRIVATE,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_S3_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        for bucket in (PUBLIC, PRIVATE):
            client.create_bucket(Bucket=bucket)
        settings.STORAGES, _origins = s3_storages(settings.STORAGES, PUBLIC)
        # Model fields took their storage when the models loaded (the disk, in tests).
        for field in private_fields():
            monkeypatch.setattr(field, "storage", storages["private"])
        yield client


def jpeg(size=(900, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_the_storages_are_s3_with_a_private_acl(s3):
    from storages.backends.s3 import S3Storage

    private, public = storages["private"], storages["default"]
    assert isinstance(private, S3Storage) and isinstance(public, S3Storage)
    assert (private.bucket_name, private.default_acl, private.querystring_auth) == (PRIVATE, "private", True)
    assert (public.bucket_name, public.querystring_auth) == (PUBLIC, False)
    assert private.file_overwrite is False and public.file_overwrite is False


def test_an_attachment_goes_to_the_private_bucket_and_back_through_the_permission_check(s3, client, staff):
    data = jpeg()
    photo = SimpleUploadedFile("现场照片.jpg", data, "image/jpeg")
    work = services.create_registration(registration_data(street_code=HULI), [("photo", photo)])
    attachment = Attachment.objects.get(registration=work)
    key = attachment.file.name

    # in the private bucket, not on the disk, not public
    assert s3.get_object(Bucket=PRIVATE, Key=key)["Body"].read() == data
    assert s3.list_objects_v2(Bucket=PUBLIC).get("KeyCount", 0) == 0
    grants = s3.get_object_acl(Bucket=PRIVATE, Key=key)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") == ALL_USERS]
    anonymous = boto3.client("s3", region_name=REGION, config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as refused:
        anonymous.get_object(Bucket=PRIVATE, Key=key)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # a URL without its signature is refused; the storage only ever signs short-lived ones
    url = storages["private"].url(key)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403
    assert requests.get(url, timeout=10).content == data

    # an officer of the street downloads it through Django, streamed from the bucket
    client.force_login(staff["officer_huli"])
    response = client.get(reverse("registration_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == data
    thumb = client.get(reverse("registration_attachment", args=[attachment.pk]) + "?size=thumb")
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.content)).size) == 320
    # another street's officer is refused, and sees nothing of it
    client.force_login(staff["officer_jiangtou"])
    assert client.get(reverse("registration_attachment", args=[attachment.pk])).status_code == 404


def test_a_failing_bucket_refuses_the_upload_whole(s3):
    s3.delete_bucket(Bucket=PRIVATE)  # every write now fails (NoSuchBucket)
    photo = SimpleUploadedFile("现场照片.jpg", jpeg(), "image/jpeg")
    with pytest.raises(StorageUnavailable):
        services.create_registration(registration_data(street_code=HULI), [("photo", photo)])
    assert not Registration.objects.exists()


def test_staged_uploads_are_purged_from_the_bucket(s3, settings):
    storage = storages["private"]
    old = storage.save("staging/draft1/old", ContentFile(b"old"))
    time.sleep(1.1)  # S3 keeps modification times to the second
    new = storage.save("staging/draft2/new", ContentFile(b"new"))
    # as if the session lifetime ran out just before the newer file came
    now = storage.get_modified_time(new) + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 0.5)
    assert purge_staged(now=now) == 1
    assert not storage.exists(old) and storage.exists(new)
    assert purge_staged(now=now) == 0
