"""The tracker's vocabularies and limits, and the checks every written value goes through.

Everything a person types is checked here before the store opens a transaction, so a refused
input never leaves anything half-written. Text is kept as plain text: control characters and
HTML/script markup are refused with a message (pages show stored text as text anyway).

Labels are English, marked ``N_`` for translation where they are shown; the codes (the keys) are what is
stored. Messages are :class:`~indicators.tracker.errors.Message` templates, said in the reader's language
where they are shown.
"""

from __future__ import annotations

import datetime as dt
import re
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

RECOMMENDATION_NUMBER = re.compile(r"^\d{1,4}\.\d{1,4}$")
INDICATOR_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
# an opening or closing tag, a comment or a doctype: markup, not prose ("rent < 30%" passes)
HTML_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|<!--")
# C0/C1 control characters other than tab and newline (NUL is also refused by PostgreSQL)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: object, field: str, *, limit: int = NOTE_LIMIT, required: bool = False,
               multiline: bool = True) -> str:
    """Return ``value`` as checked plain text, stripped; raise :class:`ValidationError` otherwise."""
    problems = text_problems(value, field, limit=limit, required=required, multiline=multiline)
    if problems:
        raise ValidationError(problems)
    return _normalise(value)


def _normalise(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def text_problems(value: object, field: str, *, limit: int = NOTE_LIMIT, required: bool = False,
                  multiline: bool = True, line: int | None = None) -> list[Problem]:
    """Every reason ``value`` cannot be stored as the text ``field`` (empty list when it can)."""
    if value is not None and not isinstance(value, str):
        return [Problem(Message(N_("must be text, got {kind}"), kind=type(value).__name__), field, line)]
    text = _normalise(value)
    if required and not text:
        return [Problem(N_("is required"), field, line)]
    problems = []
    if len(text) > limit:
        problems.append(Problem(Message(N_("is {length} characters long; the limit is {limit}"),
                                        length=f"{len(text):,}", limit=f"{limit:,}"), field, line))
    if CONTROL_CHARS.search(text):
        problems.append(Problem(N_("contains control characters"), field, line))
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
    """A recommendation number as printed in the report, e.g. ``26.214``."""
    text = str(value if value is not None else "").strip()
    if not RECOMMENDATION_NUMBER.match(text):
        raise ValidationError(Problem(
            Message(N_("{value} is not a recommendation number like 26.214"), value=repr(text[:40])), field, line))
    return text


def number_sort_key(number: str) -> tuple[int, int]:
    """``26.9`` sorts before ``26.10``: compare the parts as integers."""
    head, _, tail = number.partition(".")
    return int(head), int(tail or 0)
