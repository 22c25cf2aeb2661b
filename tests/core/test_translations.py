"""The zh-Hans catalogue is complete and compiled, covers every string in the code, and
English keeps working."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

import whitewall

PACKAGE = Path(whitewall.__file__).parent
LOCALE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"


def catalogues():
    return sorted(LOCALE.glob("*.po"))


def test_there_is_a_catalogue():
    assert (LOCALE / "django.po").exists()


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.name)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    po = polib.pofile(str(path))
    assert po.untranslated_entries() == [], [e.msgid for e in po.untranslated_entries()]
    assert po.fuzzy_entries() == [], [e.msgid for e in po.fuzzy_entries()]


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.name)
def test_compiled_catalogue_matches_the_source(path):
    po = polib.pofile(str(path))
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in mo}
    stale = [
        e.msgid
        for e in po.translated_entries()
        if compiled.get((e.msgctxt, e.msgid)) != (e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()})
    ]
    assert stale == [], f"run `make compilemessages`; stale: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Extract the strings afresh and compare: a new string without a translation fails here."""
    copy = tmp_path / "whitewall"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "whitewall", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "whitewall.config.settings_test"},
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALE / "django.po")) if not e.obsolete}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert missing == [], f"strings missing from the zh-Hans catalogue (run `make messages`): {missing}"


@pytest.mark.django_db
def test_chinese_is_the_default_and_english_works():
    # A browser that prefers English still gets Chinese until the person switches.
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    chinese = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-CN"' in chinese and "白墙" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    english = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in english and "Whitewall" in english and "白墙" not in english
