"""Translations: the dashboard's words in English (the source language) and Spanish.

Messages are marked in code with ``_("...")`` (translated where they are shown) or ``N_("...")`` (a label kept
in a constant and translated later with ``_``). Placeholders use ``str.format`` names: ``_("Rank {rank} of {n}",
rank=3, n=90)``; the translation must keep the same names.

The translations live in gettext catalog files, ``locale/<lang>/*.po`` beside this module (one file per part of
the app, so translators can work on them apart), and the indicator catalog's text in ``locale/<lang>/catalog.toml``.
``tests/test_i18n.py`` extracts every marked message and fails when one has no translation.

No Streamlit here: the app binds the reader's language in ``ui/i18n.py``; exports take ``lang`` explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "es": "Español"}
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def normalise(lang: str | None) -> str:
    """A supported language code for any input (``"ES"``, ``"es-US"``, ``None`` …); English by default."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Mark a message for translation without translating it (for labels kept in constants)."""
    return message


@lru_cache(maxsize=None)
def messages(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``: msgid → msgstr, from all its ``.po`` files (fuzzy entries skipped)."""
    found: dict[str, str] = {}
    folder = LOCALE_DIR / lang
    for path in sorted(folder.glob("*.po")):
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                found[message.id] = message.string
    return found


class Translator:
    """``t("Rank {rank} of {n}", rank=3, n=90)`` in one language; unknown messages fall back to English."""

    def __init__(self, lang: str | None):
        self.lang = normalise(lang)
        self._table = {} if self.lang == SOURCE_LANGUAGE else messages(self.lang)

    def __call__(self, message: str, /, **values) -> str:
        text = self._table.get(message, message)
        return text.format(**values) if values else text

    def has(self, message: str) -> bool:
        return self.lang == SOURCE_LANGUAGE or message in self._table


@lru_cache(maxsize=None)
def translator(lang: str | None) -> Translator:
    return Translator(lang)


# --- for translators and tests: which messages the code marks, and which lack a translation -------------------

KEYWORDS = {"_": None, "N_": None}
SOURCE_DIRS = ("dashboard.py", "app_pages", "ui", "indicators")


def source_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in SOURCE_DIRS:
        path = root / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [f for f in files if "migrations" not in f.parts]


def extract(root: Path) -> dict[str, list[str]]:
    """Every marked message in the code under ``root``: msgid → ["file:line", …]."""
    from babel.messages.extract import extract_from_file

    found: dict[str, list[str]] = {}
    for path in source_files(root):
        for lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            if isinstance(message, str) and message.strip():
                found.setdefault(message, []).append(f"{path.relative_to(root)}:{lineno}")
    return found


def missing(root: Path, lang: str) -> dict[str, list[str]]:
    """Marked messages with no translation in ``lang``."""
    table = messages(lang)
    return {msgid: where for msgid, where in extract(root).items() if msgid not in table}


def append_missing(root: Path, lang: str, po_file: Path, only_under: str | None = None) -> int:
    """Add the messages that lack a translation to ``po_file`` with empty translations, for a translator to
    fill in; ``only_under`` keeps those found under one folder or file. Returns how many were added."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    if po_file.exists():
        with open(po_file, "rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="human-rights-city-dashboard")
    added = 0
    for msgid, where in missing(root, lang).items():
        if only_under and not any(w.startswith(only_under) for w in where):
            continue
        if msgid not in catalog:
            catalog.add(msgid, "", locations=[(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where])
            added += 1
    po_file.parent.mkdir(parents=True, exist_ok=True)
    with open(po_file, "wb") as fh:
        write_po(fh, catalog, width=120, omit_header=False)
    messages.cache_clear()
    translator.cache_clear()
    return added
