"""Backups: the database (as Django fixtures, so a SQLite backup restores
into PostgreSQL and back) and both media storages (public and private) in
one .tar.gz, with a manifest of row counts, migrations and a SHA-256 for
every member.

``manage.py backup`` writes one; ``manage.py restore`` checks every checksum
before it touches anything, then empties the database, loads the rows and
puts the files back. Files are read and written through the storages, so
the same works on the disk and on S3 buckets. With media in S3 at city
scale, ``backup --no-media`` keeps the archive to the database and the
buckets are protected by the object store itself (versioning, replication);
restoring such an archive leaves the media as they are. See the README
("Backups") for cron.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
TYPES = "types.json"  # content types and permissions, loaded first
DATA = "data.json"
MANIFEST = "manifest.json"
# Archive folder -> storage alias (STORAGES): public media, private media.
MEDIA_STORAGES = {"media": "default", "private": "private"}
# Rebuilt by update_index / rebuild_references_index, or not worth keeping.
# Content types and permissions are kept with their ids, so every row comes
# back exactly as it was (no natural keys: log entries of deleted pages
# point at pages that no longer exist).
EXCLUDED = [
    "sessions",
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",  # exists on SQLite only
    "wagtailcore.referenceindex",
    "portal.searchtokens",  # PostgreSQL's bigram tokens, written with the search index
]


def _derived(model):
    """Rows kept from other rows (by database triggers): not backed up, rebuilt after a restore."""
    return callable(getattr(model, "rebuild_from_records", None))


def _excluded():
    """EXCLUDED, without the models this database does not have (dumpdata refuses unknown ones),
    and the derived models."""
    present = {model._meta.label_lower for model in apps.get_models()} | {
        config.label for config in apps.get_app_configs()
    }
    derived = [model._meta.label_lower for model in apps.get_models() if _derived(model)]
    return [label for label in EXCLUDED if label in present] + derived


class BackupError(Exception):
    pass


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_storages():
    return {prefix: storages[alias] for prefix, alias in MEDIA_STORAGES.items()}


def walk(storage, folder=""):
    """Every file name in ``storage`` under ``folder``, on the disk or in a bucket."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a storage root never written to
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


class _HashingReader:
    """Reads a file for tarfile and hashes what it read."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


TYPE_MODELS = ["contenttypes", "auth.permission"]


def _dump(*labels, exclude=()):
    out = io.StringIO()
    call_command("dumpdata", *labels, exclude=[*_excluded(), *exclude], indent=None, stdout=out)
    return out.getvalue().encode("utf-8")


def row_counts():
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label.lower() for label in EXCLUDED if "." in label}
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label in excluded_models or not model._meta.managed:
            continue
        if _derived(model):
            continue
        if model._meta.proxy:
            continue
        counts[label] = model._default_manager.count()
    return counts


def _migrations():
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def create(output_dir, media=True):
    """Write a backup archive into ``output_dir``; returns its path.
    ``media=False`` leaves the files out (they are backed up elsewhere)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"huli-backup-{stamp}.tar.gz"
    with transaction.atomic():
        types = _dump(*TYPE_MODELS)
        data = _dump(exclude=TYPE_MODELS)
        counts = row_counts()
    files = {}
    partial = target.with_suffix(".part")
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, TYPES, types)
        _add_bytes(archive, DATA, data)
        for prefix, storage in media_storages().items() if media else ():
            for name in walk(storage):
                member = f"{prefix}/{name}"
                info = tarfile.TarInfo(member)
                info.size = storage.size(name)
                info.mtime = int(datetime.datetime.now().timestamp())
                with storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    archive.addfile(info, reader)
                files[member] = {"sha256": reader.digest.hexdigest(), "size": info.size}
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database_vendor": connection.vendor,
            "migrations": _migrations(),
            "rows": counts,
            "types_sha256": _sha256(types),
            "data_sha256": _sha256(data),
            "media": media,
            "files": files,
        }
        _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    partial.rename(target)  # a backup that exists is complete
    return target


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def verify(archive_path, workdir):
    """Unpack into ``workdir`` and check the manifest; returns it. Raises BackupError."""
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(workdir, filter="data")
    workdir = Path(workdir)
    try:
        manifest = json.loads((workdir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')}")
    for name, key in ((TYPES, "types_sha256"), (DATA, "data_sha256")):
        if not (workdir / name).is_file() or _sha256((workdir / name).read_bytes()) != manifest[key]:
            raise BackupError(f"the database dump {name} does not match its checksum")
    for member, facts in manifest["files"].items():
        path = workdir / member
        if not path.is_file() or _file_sha256(path) != facts["sha256"]:
            raise BackupError(f"{member} is missing or does not match its checksum")
    missing = set(manifest["migrations"]) - set(_migrations())
    if missing:
        raise BackupError(f"run migrate first: this database lacks {len(missing)} migration(s), e.g. {min(missing)}")
    return manifest


def _replace_media(workdir):
    """Empty both media storages, then write the archive's files into them."""
    for prefix, storage in media_storages().items():
        for name in list(walk(storage)):
            storage.delete(name)
        source = workdir / prefix
        for path in sorted(source.rglob("*")) if source.exists() else ():
            if not path.is_file():
                continue
            name = path.relative_to(source).as_posix()
            with path.open("rb") as handle:
                stored = storage.save(name, File(handle, name=name))
            if stored != name:
                raise BackupError(f"{prefix}/{name} was stored as {stored}")


def restore(archive_path):
    """Replace the database's rows and both media storages with the archive's.
    The rows change in one transaction, checked against the manifest's counts
    before it commits; the files are replaced only after that. Returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="huli-restore-") as workdir:
        manifest = verify(archive_path, workdir)
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            # flush's post_migrate made content types and permissions anew; the
            # dump has them with their ids, which every other row refers to.
            Permission.objects.all().delete()
            ContentType.objects.all().delete()
            ContentType.objects.clear_cache()
            call_command("loaddata", str(Path(workdir) / TYPES), verbosity=0)
            call_command("loaddata", str(Path(workdir) / DATA), verbosity=0)
            for model in apps.get_models():
                if _derived(model):
                    model.rebuild_from_records()
            ContentType.objects.clear_cache()
            counts = row_counts()
            wrong = {label: (n, counts.get(label)) for label, n in manifest["rows"].items() if counts.get(label) != n}
            if wrong:
                raise BackupError(f"restored row counts differ: {wrong}")
        if manifest.get("media", True):
            _replace_media(Path(workdir))
    return manifest
