"""Errors the tracker raises; each carries a message meant to be shown to the person who acted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ValidationError(TrackerError, ValueError):
    """Input refused before anything was written; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | Problem | str, *, title: str = "Input refused") -> None:
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
        super().__init__(problems, title=f"{source} was not imported (nothing was written)")
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
        by = getattr(current, "recorded_by", "someone")
        super().__init__(
            f"{what} was changed by {by} (now version {current_version}) after you opened version "
            f"{expected_version}. Nothing was saved: compare both versions and save again.")
