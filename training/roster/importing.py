"""Roster import from an XLSX or CSV sheet: read, check every row, then
write all rows in one transaction, or none.

A row whose mobile number is already on the roster updates that trainee
(street staff keep the roster in a sheet and import it again after edits);
any other row adds a trainee. The preview says of every row what confirming
will do, NEW, UPDATE (with each change, old → new) or UNCHANGED, so nothing
on the roster is ever overwritten unseen.

The upload is read once; its rows are kept in a private file named by a
random token until the trainer confirms (see ``stash``), so the confirm step
imports exactly what the preview showed and never trusts a copy sent back by
the browser. The rows are checked again on confirm, since the roster may
have changed in between; if that changes what the import would do, it is
refused and the rows are shown again (see ``plan_of``).
"""

import csv
import datetime
import hashlib
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy

from portal.models import Community, Street
from portal.validators import normalise_mobile

from ..models import Trainee, TraineeRole
from ..permissions import editable_trainees
from ..validation import check_trainee

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# The sheet's columns, in the template's order.
COLUMNS = [
    ("name", pgettext_lazy("roster column", "Name")),
    ("role", pgettext_lazy("roster column", "Role")),
    ("street", pgettext_lazy("roster column", "Street")),
    ("community", pgettext_lazy("roster column", "Community")),
    ("organisation", pgettext_lazy("roster column", "Organisation")),
    ("mobile", pgettext_lazy("roster column", "Mobile number")),
]
REQUIRED = ("name", "role", "street", "mobile")

# Other headings people commonly use for the same columns (data, not UI text).
HEADING_ALIASES = {
    "name": ["姓名", "名字"],
    "role": ["角色", "身份", "人员类别", "岗位"],
    "street": ["街道", "所属街道", "镇街"],
    "community": ["社区", "所属社区"],
    "organisation": ["单位", "工作单位", "所在单位"],
    "mobile": ["手机", "手机号", "手机号码", "联系电话"],
}
# Short names for the roles, as written in sheets kept by the streets.
ROLE_ALIASES = {
    "纳管员": TraineeRole.STREET_OFFICER,
    "网格员": TraineeRole.GRID_WORKER,
    "安全员": TraineeRole.SAFETY_INSPECTOR,
    "物业": TraineeRole.PROPERTY_STAFF,
    "工人": TraineeRole.CONSTRUCTION_WORKER,
}


class SheetError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns, too long)."""


# What confirming does with a correct row.
NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"
ACTION_LABELS = {
    NEW: pgettext_lazy("import action", "New"),
    UPDATE: pgettext_lazy("import action", "Update"),
    UNCHANGED: pgettext_lazy("import action", "Unchanged"),
}
# What a row may change on a trainee already on the roster (the mobile
# number is how the row finds them, so it never changes).
UPDATABLE = ("name", "role", "street", "community", "organisation", "active")


def _shown(key, value):
    """A value as the preview shows it."""
    if key == "active":
        return gettext("Yes") if value else gettext("No")
    if key == "role":
        return str(TraineeRole(value).label)
    if isinstance(value, models.Model):
        return value.name
    return value or gettext("(empty)")


@dataclass(frozen=True)
class Change:
    """One field a row changes on a trainee already on the roster."""

    key: str
    old: object
    new: object

    @property
    def label(self):
        labels = dict(COLUMNS)
        return labels[self.key] if self.key in labels else Trainee._meta.get_field(self.key).verbose_name

    @property
    def old_text(self):
        return _shown(self.key, self.old)

    @property
    def new_text(self):
        return _shown(self.key, self.new)

    def fingerprint(self):
        """The change as plain data, the same in every language (see plan_of)."""
        return [self.key, *(value.pk if isinstance(value, models.Model) else value for value in (self.old, self.new))]


@dataclass
class CheckedRow:
    number: int  # the row number in the spreadsheet, header = 1
    raw: dict
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    action: str | None = None  # NEW, UPDATE or UNCHANGED once the row is correct
    trainee: Trainee | None = None  # the trainee on the roster with the row's mobile number
    changes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, "")

    @property
    def reactivates(self):
        return any(change.key == "active" for change in self.changes)

    def error_list(self):
        return [message for key, _label in COLUMNS if (message := self.errors.get(key))]


class ImportRefused(Exception):
    """Nothing was imported: some rows have errors, or the roster changed
    since the preview so that the rows (checked again) need another look."""

    def __init__(self, rows):
        self.rows = rows
        self.has_errors = not all(row.ok for row in rows)
        super().__init__(
            gettext("The sheet has errors; nothing was imported.")
            if self.has_errors
            else gettext("The roster changed since the preview; nothing was imported.")
        )


# Reading


def _key(text):
    return re.sub(r"[\s*＊:：()（）]", "", str(text or "")).lower()


def _in_every_language(label):
    from django.conf import settings

    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(_key(str(label)))
    return names


def heading_map():
    """Normalised heading -> column key."""
    mapping = {}
    for key, label in COLUMNS:
        for name in _in_every_language(label) | {_key(alias) for alias in HEADING_ALIASES.get(key, [])} | {key}:
            mapping[name] = key
    return mapping


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800000000 typed into a number cell
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except (zipfile.BadZipFile, InvalidFileException, OSError, ValueError, KeyError, IndexError, TypeError) as error:
        raise SheetError(gettext("This file could not be read as an XLSX workbook.")) from error


def _csv_rows(data):
    # Excel on Chinese Windows saves CSV in GB18030 (GBK); others in UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(gettext("This CSV file is neither UTF-8 nor GBK text."))
    for values in csv.reader(io.StringIO(text)):
        yield [_cell_text(value) for value in values]


def read_sheet(upload):
    """The rows of an uploaded file as dicts of text, with their row numbers.

    Raises SheetError for a file that is too big, unreadable, lacks a
    required column or has more than MAX_ROWS rows.
    """
    if upload.size > MAX_BYTES:
        raise SheetError(gettext("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xls") and not data.startswith(b"PK"):
        raise SheetError(gettext("Old .xls workbooks cannot be read: save the sheet as .xlsx or .csv."))
    if data.startswith(b"PK"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv") or not name.endswith(".xlsx"):
        rows = _csv_rows(data)
    else:
        raise SheetError(gettext("This file could not be read as an XLSX workbook."))
    return _table(rows)


def _table(rows):
    headings, columns, table = heading_map(), None, []
    for number, values in enumerate(rows, start=1):
        if not any(values):
            continue
        if columns is None:
            columns = {index: headings.get(_key(value)) for index, value in enumerate(values)}
            missing = [str(label) for key, label in COLUMNS if key in REQUIRED and key not in columns.values()]
            if missing:
                raise SheetError(
                    gettext(
                        "The first row must hold the column headings; missing: %(columns)s. "
                        "Download the template to see them."
                    )
                    % {"columns": "、".join(missing)}
                )
            continue
        if len(table) >= MAX_ROWS:
            raise SheetError(
                gettext("The sheet has more than %(max)d rows. Split it into smaller sheets.") % {"max": MAX_ROWS}
            )
        row = {key: "" for key, _label in COLUMNS}
        for index, value in enumerate(values):
            if columns.get(index):
                row[columns[index]] = value
        table.append({"number": number, **row})
    if columns is None:
        raise SheetError(gettext("The sheet is empty."))
    if not table:
        raise SheetError(gettext("The sheet has headings but no trainees."))
    return table


# Checking


def _without(text, suffix):
    return text[: -len(suffix)] if suffix and text.endswith(suffix) and len(text) > len(suffix) else text


class Lookups:
    """Streets, communities, roles and the trainees already on the roster
    with the sheet's numbers (and which of them the user may change), each
    read once for the whole sheet."""

    STREET_SUFFIX = "街道"
    COMMUNITY_SUFFIX = "社区"

    def __init__(self, mobiles, user, lock=False):
        self.streets = {}
        for street in Street.objects.all():
            self.streets[street.code] = street
            self.streets[_without(street.name, self.STREET_SUFFIX)] = street
        self.communities = {
            (community.street_id, _without(community.name, self.COMMUNITY_SUFFIX)): community
            for community in Community.objects.all()
        }
        self.roles = {}
        for role in TraineeRole:
            for name in _in_every_language(role.label) | {role.value}:
                self.roles[name] = role.value
        self.roles.update(ROLE_ALIASES)
        matched = Trainee.objects.filter(mobile__in=mobiles)
        on_roster = matched.select_related("street", "community")
        if lock:
            on_roster = on_roster.select_for_update(of=("self",))
        self.on_roster = {trainee.mobile: trainee for trainee in on_roster}
        self.editable = set()
        if self.on_roster:
            self.editable = set(editable_trainees(matched, user).order_by().values_list("pk", flat=True))
        self.may_change = user.has_perm("training.change_trainee")

    def street(self, text):
        return self.streets.get(_without(text.replace(" ", ""), self.STREET_SUFFIX))

    def community(self, street, text):
        return self.communities.get((street.pk, _without(text.replace(" ", ""), self.COMMUNITY_SUFFIX)))

    def role(self, text):
        return self.roles.get(_key(text)) or self.roles.get(text.strip())


def _check_cells(raw, lookups):
    """The row's cleaned values and its errors, from the cells alone."""
    data, errors = {"name": raw["name"], "organisation": raw["organisation"], "mobile": raw["mobile"]}, {}
    data["role"] = lookups.role(raw["role"]) if raw["role"] else ""
    if raw["role"] and not data["role"]:
        errors["role"] = gettext("Unknown role “%(value)s”.") % {"value": raw["role"]}
    data["street"] = lookups.street(raw["street"]) if raw["street"] else None
    if raw["street"] and data["street"] is None:
        errors["street"] = gettext("Unknown street “%(value)s”.") % {"value": raw["street"]}
    data["community"] = None
    if raw["community"] and data["street"] is not None:
        data["community"] = lookups.community(data["street"], raw["community"])
        if data["community"] is None:
            errors["community"] = gettext("There is no community “%(value)s” in %(street)s.") % {
                "value": raw["community"],
                "street": data["street"].name,
            }
    # A number already on the roster is an update (see _plan), not an error.
    values, rule_errors = check_trainee(data, mobile_taken=None)
    return values, {**rule_errors, **errors}


def merged_values(trainee, values):
    """What a row writes over ``trainee``, who is already on the roster.

    An empty optional cell (community, organisation) keeps the current
    value: a sheet that leaves a column blank must not wipe what others
    filled in. One exception: when the row moves the trainee to another
    street, an empty community is cleared, since the current one lies in
    the old street (the preview shows the change). Importing a trainee also
    makes them active again: they are on the sheet, so they are back.
    """
    merged = {**values, "active": True}
    if not merged["organisation"]:
        merged["organisation"] = trainee.organisation
    if merged["community"] is None and merged["street"].pk == trainee.street_id:
        merged["community"] = trainee.community
    return merged


def _changes(trainee, merged):
    return [
        Change(key, getattr(trainee, key), merged[key]) for key in UPDATABLE if getattr(trainee, key) != merged[key]
    ]


def _refusal(lookups):
    """Why the user may not update a trainee through the import: the same
    rule as the roster's edit form (permissions.editable_trainees)."""
    if not lookups.may_change:
        return gettext("This mobile number is already on the roster, and your role does not allow changing trainees.")
    return gettext("This mobile number belongs to a trainee of a street you do not work for: you may not change them.")


def _plan(row, lookups):
    """Say what confirming does with a correct row: add, update or nothing."""
    trainee = lookups.on_roster.get(row.values["mobile"])
    if trainee is None:
        row.action = NEW
    elif trainee.pk not in lookups.editable:
        row.errors["mobile"] = _refusal(lookups)
    else:
        row.trainee, row.values = trainee, merged_values(trainee, row.values)
        row.changes = _changes(trainee, row.values)
        row.action = UPDATE if row.changes else UNCHANGED


def check_rows(table, user, *, lock=False):
    """Check every row of ``table`` (from read_sheet) as imported by
    ``user`` and plan what confirming does with each correct one (``action``,
    ``changes``); never stops at the first error. With ``lock`` (inside a
    transaction) the matched trainees stay locked until it ends, so no one
    edits them between this check and the write."""
    lookups = Lookups({normalise_mobile(row["mobile"]) for row in table}, user, lock=lock)
    first_row_of = {}
    checked = []
    for raw in table:
        row = CheckedRow(number=raw["number"], raw=raw)
        row.values, row.errors = _check_cells(raw, lookups)
        mobile = row.values.get("mobile")
        if "mobile" not in row.errors:
            if mobile in first_row_of:
                row.errors["mobile"] = gettext("The same mobile number as row %(row)d.") % {"row": first_row_of[mobile]}
            else:
                first_row_of[mobile] = row.number
        if row.ok:
            _plan(row, lookups)
        checked.append(row)
    return checked


def counts(rows):
    """How many checked rows add, update, change nothing, or have errors."""
    tally = {NEW: 0, UPDATE: 0, UNCHANGED: 0, "error": 0}
    for row in rows:
        tally[row.action if row.ok else "error"] += 1
    return tally


def plan_of(rows):
    """A fingerprint of what confirming ``rows`` would do: each row's action,
    trainee and changes with their old values. The preview's confirm form
    carries it; import_rows refuses if the rows, checked again, give another
    one, so that nothing is written which the user did not see."""
    plan = [
        [
            row.number,
            row.action,
            row.trainee.pk if row.trainee else None,
            [change.fingerprint() for change in row.changes],
        ]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(plan, ensure_ascii=False).encode("utf-8")).hexdigest()


def _write(rows):
    """Add the new trainees and update the changed ones: two statements
    (per batch of rows the database takes at once), however many rows."""
    Trainee.objects.bulk_create([Trainee(**row.values) for row in rows if row.action == NEW])
    updated = []
    for row in rows:
        if row.action == UPDATE:
            for key in UPDATABLE:
                setattr(row.trainee, key, row.values[key])
            updated.append(row.trainee)
    Trainee.objects.bulk_update(updated, UPDATABLE)


def import_rows(table, user, plan):
    """Check ``table`` again for ``user`` and write it in one transaction:
    add the new trainees, update the changed ones; unchanged rows are not
    written. ``plan`` is the preview's plan_of, the one the user confirmed.

    Raises ImportRefused (with the rows checked again) and saves nothing if
    any row has an error or the plan is no longer the same (the roster
    changed meanwhile). Returns counts() of the rows (the unchanged ones
    counted, not written).
    """
    with transaction.atomic():
        checked = check_rows(table, user, lock=True)
        if not all(row.ok for row in checked) or plan_of(checked) != plan:
            raise ImportRefused(checked)
        try:
            with transaction.atomic():
                _write(checked)
        except IntegrityError:
            # A number was added to the roster meanwhile: check again to show it.
            raise ImportRefused(check_rows(table, user)) from None
    return counts(checked)


# Keeping the upload between preview and confirm

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
STASH_DIR = "training-imports"
STASH_MAX_AGE = datetime.timedelta(days=1)


def _stash_path(user, token):
    if not _TOKEN.match(token or ""):
        return None
    return f"{STASH_DIR}/{user.pk}/{token}.json"


def stash(table, user, filename):
    """Keep the rows in private storage; return the token naming them. Only
    the same user can read them back. Old stashes of the user are removed."""
    storage = storages["private"]
    folder = f"{STASH_DIR}/{user.pk}"
    if storage.exists(folder):
        for name in storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if timezone.now() - storage.get_modified_time(path) > STASH_MAX_AGE:
                storage.delete(path)
    token = secrets.token_urlsafe(18)
    content = json.dumps({"filename": filename, "rows": table}, ensure_ascii=False)
    storage.save(_stash_path(user, token), ContentFile(content.encode("utf-8")))
    return token


def unstash(user, token):
    """The stashed upload ({"filename", "rows"}), or None if it is gone or not this user's."""
    storage, path = storages["private"], _stash_path(user, token)
    if path is None or not storage.exists(path):
        return None
    with storage.open(path, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"))


def discard(user, token):
    path = _stash_path(user, token)
    if path and storages["private"].exists(path):
        storages["private"].delete(path)


# The template


def template_workbook():
    """An XLSX with the column headings, and a second sheet listing the
    accepted roles, streets and communities."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Trainees")
    sheet.append([str(label) for _key_name, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (12, 18, 12, 12, 28, 16)):
        sheet.column_dimensions[column].width = width
    help_sheet = workbook.create_sheet(gettext("Accepted values"))
    help_sheet.append([gettext("Roles"), gettext("Street"), gettext("Communities")])
    roles = [str(role.label) for role in TraineeRole]
    streets = list(Street.objects.prefetch_related("communities"))
    for index in range(max(len(roles), len(streets))):
        street = streets[index] if index < len(streets) else None
        help_sheet.append(
            [
                roles[index] if index < len(roles) else "",
                street.name if street else "",
                "、".join(community.name for community in street.communities.all()) if street else "",
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
