"""Japanese is the default language and English stands complete beside it.

English is the source language of every message, so it is complete by construction; these
tests make sure the Japanese catalogue covers every message in the code and is compiled.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from ..support import require

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
pytestmark = pytest.mark.unit


def _key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_japanese_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    assert catalogue.metadata.get("Language") == "ja"
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            got = (
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            )
            want = entry.msgstr_plural[0]
        else:
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            )
            want = entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert not stale, f"run `make messages`: django.mo is older than django.po for {stale[:5]}"


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the sources: it must find nothing new."""
    require(shutil.which("xgettext") is not None, "needs GNU gettext (apt-get install gettext)")
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "staticfiles",
        "var",
        "node_modules",
        "__pycache__",
        "*.sqlite3",
        "bench",
        "tests",
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = {_key(e) for e in polib.pofile(str(copy / "locale/ja/LC_MESSAGES/django.po"))}
    known = {_key(e) for e in polib.pofile(str(PO))}
    missing = sorted(fresh - known)
    assert not missing, f"run `make messages` and translate {len(missing)} messages: {missing[:10]}"


def test_state_labels_differ_between_languages():
    from django.utils import translation

    from proposals.states import BUSINESS_LABELS, State

    for state in State:
        with translation.override("ja"):
            ja_internal, ja_business = str(state.label), str(BUSINESS_LABELS[state])
        with translation.override("en"):
            en_internal, en_business = str(state.label), str(BUSINESS_LABELS[state])
        assert ja_internal != en_internal, state
        assert ja_business != en_business, state
