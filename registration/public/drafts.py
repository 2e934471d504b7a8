"""A registration between the form and the review page.

The checked answers wait in the session as plain strings; uploaded files
wait in the private storage under ``staging/`` (never under MEDIA_ROOT) and
only their storage names are in the session. Files that passed their checks
are staged even when other answers have errors, so none is chosen twice. Submitting a draft records
which registration it produced, so pressing back and submitting again finds
that registration instead of creating a second one.
"""

import datetime
import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from portal.uploads import safe_name, save_all_or_nothing

from ..models import AttachmentKind

SESSION_KEY = "registration_drafts"
FINISHED_KEY = "registration_drafts_finished"
STAGING_DIR = "staging"
MAX_FINISHED = 20


def private_storage():
    return storages["private"]


class Draft:
    """The draft of a new registration (key "new") or of a correction (key = its reference)."""

    def __init__(self, request, key):
        self.session = request.session
        self.key = key
        stored = self.session.get(SESSION_KEY, {}).get(key, {})
        self.id = stored.get("id")
        self.answers = stored.get("answers")
        self.files = stored.get("files", [])

    @property
    def exists(self):
        return self.answers is not None

    def save(self, form):
        """Keep a valid form's answers; stage its new files, drop the removed ones."""
        self.id = self.id or secrets.token_urlsafe(16)
        kept = form.cleaned_data["kept_files"]
        new = self._stage_all(form.uploads)
        self._delete([item for item in self.files if item not in kept])
        self.files = kept + new
        self.answers = form.serialise()
        self._store({"id": self.id, "answers": self.answers, "files": self.files})

    def keep_files(self, form):
        """A form with errors: stage the new files that passed their own
        checks, and drop the staged ones ticked for removal, so that the
        registrant never has to choose them again. The answers are not
        kept (they stay in the form on the page). Returns how many new files
        were kept."""
        data = getattr(form, "cleaned_data", {})
        removed = set(data.get("remove_files") or [])
        self._delete([item for item in self.files if item["token"] in removed])
        kept = [item for item in self.files if item["token"] not in removed]
        new = [(AttachmentKind.PHOTO, upload) for upload in data.get("photos") or []]
        new += [(AttachmentKind.CONTRACT, upload) for upload in data.get("contract") or []]
        if not new and len(kept) == len(self.files):
            return 0
        self.id = self.id or secrets.token_urlsafe(16)
        self.files = kept + self._stage_all(new)
        self._store({"id": self.id, "answers": self.answers, "files": self.files})
        return len(new)

    def _stage_all(self, uploads):
        """Stage (kind, upload) pairs, all or none: on a failed write nothing
        of them is left on disk and StorageUnavailable is raised."""
        tokens = [secrets.token_hex(16) for _ in uploads]
        names = save_all_or_nothing(
            private_storage(),
            [(f"{STAGING_DIR}/{self.id}/{token}", upload) for token, (_kind, upload) in zip(tokens, uploads)],
        )
        return [self._staged(token, name, kind, upload) for token, name, (kind, upload) in zip(tokens, names, uploads)]

    @staticmethod
    def _staged(token, name, kind, upload):
        return {
            "token": token,
            "name": name,
            "original_name": safe_name(upload.name, upload.content_type),
            "kind": kind,
            "content_type": upload.content_type,
            "size": upload.size,
        }

    def uploads(self):
        """The staged files as (kind, file) pairs in the shape services.create_registration
        expects. The caller closes them."""
        storage = private_storage()
        return [
            (
                item["kind"],
                UploadedFile(
                    storage.open(item["name"]),
                    name=item["original_name"],
                    content_type=item["content_type"],
                    size=item["size"],
                ),
            )
            for item in self.files
        ]

    def finish(self, reference):
        """The draft became (or corrected) this registration: forget it, remember the outcome."""
        self._delete(self.files)
        self._store(None)
        finished = self.session.get(FINISHED_KEY, {})
        finished[self.id] = reference
        self.session[FINISHED_KEY] = dict(list(finished.items())[-MAX_FINISHED:])

    def _store(self, value):
        drafts = self.session.get(SESSION_KEY, {})
        if value is None:
            drafts.pop(self.key, None)
        else:
            drafts[self.key] = value
        self.session[SESSION_KEY] = drafts

    @staticmethod
    def _delete(items):
        storage = private_storage()
        for item in items:
            storage.delete(item["name"])


def purge_staged(now=None):
    """Delete staged uploads older than the session lifetime: their draft
    is gone with its session, so they can no longer be submitted. Returns
    how many. Works on the disk and on S3 (where folders are only key
    prefixes); a file another run deleted meanwhile is skipped."""
    storage = private_storage()
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    try:
        folders = storage.listdir(STAGING_DIR)[0]
    except FileNotFoundError:  # nothing was ever staged
        return 0
    deleted = 0
    for folder in folders:
        for filename in storage.listdir(f"{STAGING_DIR}/{folder}")[1]:
            name = f"{STAGING_DIR}/{folder}/{filename}"
            try:
                old = storage.get_modified_time(name) < cutoff
            except FileNotFoundError:
                continue
            if old:
                storage.delete(name)
                deleted += 1
    return deleted


def finished_reference(request, draft_id):
    """The reference of the registration this draft already produced, if any."""
    return request.session.get(FINISHED_KEY, {}).get(draft_id or "")


def last_finished_reference(request):
    """The reference of the registration this session submitted last, if any."""
    finished = request.session.get(FINISHED_KEY, {})
    return list(finished.values())[-1] if finished else None
