"""Errors the tracker raises; each carries a message meant to be shown to the person who acted.

A message is English text that can be said again in the reader's language: a :class:`Message` is the
English ``str`` (so logs, the command line and tests read it as before) that keeps its marked template and
values; :func:`in_language` says it, a :class:`Problem` or a whole error in another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indicators.core.i18n import N_, translator


class Message(str):
    """English text that remembers its template and values: ``Message(N_("is {n} long"), n=3)``.

    A value that is a :class:`Message` or :class:`Problem` is said in the same language; any other value (a
    name, a number, typed text) is shown as it is. Equal to, and used as, its English text.
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Message:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def in_language(self, lang: str | None) -> str:
        values = {name: value.in_language(lang) if isinstance(value, (Message, Problem)) else value
                  for name, value in self.values.items()}
        return translator(lang)(self.template, **values)


def in_language(text: object, lang: str | None) -> str:
    """``text`` in ``lang``: a :class:`Message` or :class:`Problem` is translated with its values; plain text
    (a label marked with ``N_``) is translated when the catalogs know it, else shown as it is."""
    if isinstance(text, (Message, Problem)):
        return text.in_language(lang)
    if text is None:
        return ""
    plain = str(text)
    return translator(lang)(plain) if plain.strip() else plain


def message_of(error: BaseException) -> object:
    """The message an error was raised with (a :class:`Message` keeps its template), for :func:`in_language`."""
    if error.args and isinstance(error.args[0], (str, Problem)):
        return error.args[0]
    return str(error)


#: the longest reason a problem gives; anything longer is cut (a message is read by a person, not a dump of the input)
MAX_REASON_CHARS = 500


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[:MAX_REASON_CHARS - 1] + "…"


class TrackerError(Exception):
    """Base class of every error the tracker raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One reason an input was refused: where (``field`` and, for files, ``line``) and why."""

    reason: str
    field: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        reason = _bounded(str(self.reason))
        return f"{', '.join(where)}: {reason}" if where else reason

    def in_language(self, lang: str | None) -> str:
        where = []
        if self.line is not None:
            where.append(translator(lang)(N_("line {line}"), line=self.line))
        if self.field:
            where.append(in_language(self.field, lang))
        reason = _bounded(in_language(self.reason, lang))
        return f"{', '.join(where)}: {reason}" if where else reason


class ValidationError(TrackerError, ValueError):
    """Input refused before anything was written; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | Problem | str, *, title: str = N_("Input refused")) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.title = title
        super().__init__(self.message)

    @property
    def message(self) -> str:
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = len(self.problems) - 10
        if more > 0:
            shown += f"; and {more} more"
        return f"{self.title}: {shown}"


class ImportRejected(ValidationError):
    """A recommendations file refused as a whole; nothing of it was written."""

    def __init__(self, problems: list[Problem] | Problem | str, *, source: str = "file") -> None:
        super().__init__(problems, title=Message(N_("{source} was not imported (nothing was written)"),
                                                 source=source))
        self.source = source


class PermissionDenied(TrackerError):
    """The acting user's role does not allow this write."""


class NotFound(TrackerError, LookupError):
    """A recommendation, list or version that does not exist."""


class ConflictError(TrackerError):
    """Someone else saved a newer version since the editor loaded the record.

    Attributes
    ----------
    expected_version:
        The version the editor started from.
    current:
        The version now stored (a record such as :class:`~indicators.tracker.records.StatusVersion`).
    attempted:
        What the editor tried to save, field by field, so both can be shown side by side.
    """

    def __init__(self, what: str, expected_version: int, current: Any, attempted: dict[str, Any]) -> None:
        self.expected_version = expected_version
        self.current = current
        self.attempted = attempted
        current_version = getattr(current, "version", None)
        by = getattr(current, "recorded_by", None) or Message(N_("someone"))
        super().__init__(Message(
            N_("{what} was changed by {by} (now version {version}) after you opened version {opened}. Nothing "
               "was saved: compare both versions and save again."),
            what=what, by=by, version=current_version, opened=expected_version))
