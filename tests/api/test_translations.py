"""Khmer and English: every string of every page is in the catalogs and translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.pages.i18n import TRANSLATIONS, compile_catalogs

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("api/pages/**.py", "python"), ("api/pages/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _source_strings() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def test_every_string_of_the_pages_is_in_both_catalogs() -> None:
    strings = _source_strings()
    assert len(strings) > 50
    for language in ("en", "km"):
        ids = {m.id for m in _catalog(language) if m.id}
        missing = sorted(strings - ids)
        assert not missing, f"not in the {language} catalog (run `make messages`): {missing}"


def test_every_khmer_string_is_translated_with_the_same_placeholders() -> None:
    for message in _catalog("km"):
        if not message.id:
            continue
        assert message.string, f"no Khmer for {message.id!r}"
        assert "fuzzy" not in message.flags, f"a guessed Khmer for {message.id!r}"
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(message.id)), (
            message.id
        )


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_missing_compiled_catalog_is_compiled_again(tmp_path, language) -> None:
    written = compile_catalogs(TRANSLATIONS, tmp_path)
    assert (tmp_path / language / "LC_MESSAGES" / "messages.mo") in written
    assert compile_catalogs(TRANSLATIONS, tmp_path) == []  # up to date: nothing to do
