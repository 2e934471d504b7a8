"""The Chinese catalogues are complete and compiled, so no English leaks onto the site."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_there_are_catalogues_for_the_project_and_apps():
    roots = {path.parts[len(Path(settings.BASE_DIR).parts)] for path in CATALOGUES}
    assert {"locale", "portal", "home", "registration", "training"} <= roots


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_the_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run make messages"
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.mofile(str(mo_path))
    }
    for entry in polib.pofile(str(po_path)).translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not compiled: run make messages"


def test_interface_is_chinese_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Skip to main content") == "跳到主要内容"
        assert translation.gettext("Streets and communities") == "街道和社区"
