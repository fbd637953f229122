"""The pages' languages: which one a request gets, and the compiled catalogs.

The catalogs are kept as ``.po`` files under ``translations/`` (the text translators
edit); the ``.mo`` files gettext reads are compiled from them by ``make install`` and,
when missing or older than their ``.po``, when the app starts, so that a fresh clone
serves both languages.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from werkzeug.datastructures import LanguageAccept

LANGUAGES = ("en", "km")
DEFAULT = "en"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"

log = logging.getLogger("pathways.pages")


def select(asked: str | None, remembered: str | None, accept: LanguageAccept) -> str:
    """``?lang=`` first, then the remembered choice, then the browser's languages."""
    for choice in (asked, remembered):
        if choice in LANGUAGES:
            return str(choice)
    return str(accept.best_match(LANGUAGES, default=DEFAULT))


def compile_catalogs(source: Path = TRANSLATIONS, target: Path | None = None) -> list[Path]:
    """Compile each ``.po`` whose ``.mo`` is missing or older; return the ones written."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = (target or source) / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as file:
            catalog = read_po(file, locale=po.parts[-3])
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as file:
            write_mo(file, catalog)
        partial.replace(mo)  # another worker may be compiling the same file
        written.append(mo)
    return written


def compiled_catalogs() -> Path:
    """The folder of compiled catalogs: the package's own, or a temporary copy if that
    folder cannot be written (an installed, read-only package without ``.mo`` files)."""
    try:
        compile_catalogs()
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="pathways-translations-"))
        log.warning("Translations compiled into %s: %s is read-only", folder, TRANSLATIONS)
        compile_catalogs(TRANSLATIONS, folder)
        return folder
    return TRANSLATIONS
