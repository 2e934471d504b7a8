"""Roster import from an XLSX or CSV sheet: read, check every row, then
import all rows in one transaction, or none.

The upload is read once; its rows are kept in a private file named by a
random token until the trainer confirms (see ``stash``), so the confirm step
imports exactly what the preview showed and never trusts a copy sent back by
the browser. The rows are checked again on confirm, since the roster may
have changed in between.
"""

import csv
import datetime
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy

from portal.models import Community, Street
from portal.validators import normalise_mobile

from .models import Trainee, TraineeRole
from .validation import check_trainee

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


@dataclass
class CheckedRow:
    number: int  # the row number in the spreadsheet, header = 1
    raw: dict
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    def error_list(self):
        return [message for key, _label in COLUMNS if (message := self.errors.get(key))]


class ImportRefused(Exception):
    """Some rows have errors: nothing was imported."""

    def __init__(self, rows):
        super().__init__(gettext("The sheet has errors; nothing was imported."))
        self.rows = rows


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
                    gettext("The first row must hold the column headings; missing: %(columns)s. "
                            "Download the template to see them.") % {"columns": "、".join(missing)}
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
    """Streets, communities, roles and the numbers already on the roster,
    each read once for the whole sheet."""

    STREET_SUFFIX = "街道"
    COMMUNITY_SUFFIX = "社区"

    def __init__(self, mobiles):
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
        self.taken = set(Trainee.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))

    def street(self, text):
        return self.streets.get(_without(text.replace(" ", ""), self.STREET_SUFFIX))

    def community(self, street, text):
        return self.communities.get((street.pk, _without(text.replace(" ", ""), self.COMMUNITY_SUFFIX)))

    def role(self, text):
        return self.roles.get(_key(text)) or self.roles.get(text.strip())


def check_rows(table):
    """Check every row of ``table`` (from read_sheet); never stops at the first error."""
    lookups = Lookups({normalise_mobile(row["mobile"]) for row in table})
    first_row_of = {}
    checked = []
    for raw in table:
        row = CheckedRow(number=raw["number"], raw=raw)
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
                    "value": raw["community"], "street": data["street"].name,
                }
        values, rule_errors = check_trainee(data, mobile_taken=lookups.taken.__contains__)
        for key, message in rule_errors.items():
            errors.setdefault(key, message)
        mobile = values.get("mobile")
        if "mobile" not in errors:
            if mobile in first_row_of:
                errors["mobile"] = gettext("The same mobile number as row %(row)d.") % {"row": first_row_of[mobile]}
            else:
                first_row_of[mobile] = row.number
        row.values, row.errors = values, errors
        checked.append(row)
    return checked


def import_rows(table):
    """Check ``table`` again and add every row to the roster in one
    transaction. Raises ImportRefused (with the checked rows) if any row has
    an error; then nothing is saved. Returns the number of trainees added."""
    with transaction.atomic():
        checked = check_rows(table)
        if not all(row.ok for row in checked):
            raise ImportRefused(checked)
        try:
            with transaction.atomic():
                Trainee.objects.bulk_create([Trainee(**row.values) for row in checked])
        except IntegrityError:
            # A number was added to the roster meanwhile: check again to say which.
            raise ImportRefused(check_rows(table)) from None
    return len(checked)


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
        help_sheet.append([
            roles[index] if index < len(roles) else "",
            street.name if street else "",
            "、".join(community.name for community in street.communities.all()) if street else "",
        ])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
