"""Reading lists of UPR recommendations, checking them whole, and seeding an empty store.

Two file formats are read:

official
    the columns of ``us_upr_cycle3_recommendations.csv`` (UN OHCHR thematic list of
    recommendations, A/HRC/46/15 with the US positions of A/HRC/46/15/Add.1): ``cycle``,
    ``paragraph`` (the number as printed, ``26.214``), ``rec_no``, ``recommending_state``,
    ``us_response``, ``primary_theme``, ``text`` and document columns.
plain
    a spreadsheet with ``number``, ``recommending state``, ``text``, ``response``, ``theme`` (and
    optionally ``cycle``; otherwise the cycle is given when importing).

Both become the same frame (:data:`FRAME_COLUMNS`). A file is checked completely before
anything is written; every problem is reported with its line in the file, and one problem
rejects the whole file (:class:`~indicators.tracker.errors.ImportRejected`). Its reasons are
:class:`~indicators.tracker.errors.Message` templates, said in the reader's language where shown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import numbers
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.core.i18n import N_
from indicators.snapshot.read import sha256_file
from indicators.tracker.errors import ImportRejected, Message, Problem, TrackerError, ValidationError
from indicators.tracker.validation import (
    NOTE_LIMIT,
    SHORT_TEXT_LIMIT,
    clean_number,
    clean_response,
    text_problems,
)

#: the frame every reader returns and the store imports
FRAME_COLUMNS = ["cycle", "number", "rec_no", "recommending_state", "response", "theme", "text",
                 "wg_report", "response_doc", "review_date", "data_note"]
#: fields of a recommendation that an import may set (cycle and number identify it)
OFFICIAL_FIELDS = ("rec_no", "recommending_state", "response", "theme", "text", "wg_report", "response_doc",
                   "review_date", "data_note")
REQUIRED_FRAME_COLUMNS = ("cycle", "number", "recommending_state", "response", "theme", "text")

# official column -> frame column
OFFICIAL_COLUMNS = {
    "cycle": "cycle",
    "paragraph": "number",
    "rec_no": "rec_no",
    "recommending_state": "recommending_state",
    "us_response": "response",
    "primary_theme": "theme",
    "text": "text",
    "wg_report": "wg_report",
    "response_doc": "response_doc",
    "review_date": "review_date",
    "data_note": "data_note",
}
OFFICIAL_REQUIRED = ("cycle", "paragraph", "rec_no", "recommending_state", "us_response", "primary_theme", "text")

# normalised plain-CSV header -> frame column
PLAIN_ALIASES = {
    "number": "number", "recommendation_number": "number", "rec_number": "number", "paragraph": "number",
    "recommending_state": "recommending_state", "recommending_states": "recommending_state",
    "state": "recommending_state",
    "text": "text", "recommendation": "text", "recommendation_text": "text",
    "response": "response", "us_response": "response", "position": "response",
    "theme": "theme", "primary_theme": "theme",
    "cycle": "cycle",
}
PLAIN_REQUIRED = ("number", "recommending_state", "text", "response", "theme")

#: the largest file an import reads (5 MB); checked before anything is parsed. The official list of
#: 347 recommendations is about 0.2 MB.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = MAX_IMPORT_BYTES  # earlier name, kept for callers
MAX_ROWS = 5_000
MAX_PROBLEMS = 50
#: a recommendations file has a dozen columns; a header far wider is not one (and would make an endless message)
MAX_COLUMNS = 100
#: column names and values quoted in a message are cut to this many characters
SHOWN_CHARS = 40
#: column names listed in a message about the header
SHOWN_COLUMNS = 15
#: seconds to pause after each row written by :func:`import_bytes`, inside the transaction. Used
#: to test that an import interrupted half-way (process killed) leaves the store as it was.
ROW_DELAY_ENV = "HRC_TRACKER_IMPORT_ROW_DELAY"

RowHook = Callable[[int, int, Mapping[str, Any]], None]


def check_size(size: int, source: str = "file") -> None:
    """Refuse a file larger than :data:`MAX_IMPORT_BYTES` before reading or parsing any of it.

    Raises :class:`ImportRejected` with the problem ``"the file is 6.2 MB; the limit is 5 MB"``.
    """
    if size > MAX_IMPORT_BYTES:
        raise ImportRejected(Message(N_("the file is {size} MB; the limit is {limit} MB"),
                                     size=f"{size / 2**20:.1f}", limit=f"{MAX_IMPORT_BYTES / 2**20:g}"),
                             source=source)


def decode_csv_bytes(data: bytes, source: str = "file") -> str:
    """The text of a UTF-8 CSV file (a byte-order mark is allowed); anything else is rejected.

    The size is checked first (:func:`check_size`); a byte that is not UTF-8 is named with its line.
    """
    check_size(len(data), source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(Message(N_("the file is UTF-16 text; save it as CSV UTF-8")), source=source)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start  # the error's position counts from after the byte-order mark
        line = data[:at].count(b"\n") + 1
        raise ImportRejected(Problem(
            Message(N_("not UTF-8 text (byte {byte}); save the file as CSV UTF-8"), byte=f"0x{data[at]:02x}"),
            line=line), source=source) from None
    if "\x00" in text:
        raise ImportRejected(Message(N_("the file holds binary data, not CSV text")), source=source)
    if not text.strip():
        raise ImportRejected(Message(N_("the file is empty")), source=source)
    if "\r" in text and "\n" not in text:
        # lines ended by a carriage return alone (old Mac OS, some exports): read as ordinary lines
        text = text.replace("\r", "\n")
    return text


def shown(value: object) -> str:
    """A value quoted in a message: its ``repr``, cut to :data:`SHOWN_CHARS` characters (a cell of a megabyte is
    named, not repeated)."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[:SHOWN_CHARS] + "…") if len(text) > SHOWN_CHARS else repr(text)


def _rows_with_lines(text: str, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and data rows, each with the file line it starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = []
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise ImportRejected(_too_many_rows(), source=source)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportRejected(Problem(Message(N_("the file ends inside a quoted field: it is cut off (an "
                                                    "incomplete upload?)")), line=reader.line_num),
                                 source=source) from None
        if "field larger than field limit" in str(exc):
            raise ImportRejected(Problem(Message(N_("a field is longer than {limit} characters: no recommendation "
                                                    "is, so this is not a list of recommendations"),
                                                 limit=f"{csv.field_size_limit():,}"), line=reader.line_num),
                                 source=source) from None
        raise ImportRejected(Problem(Message(N_("not valid CSV ({error})"), error=str(exc)), line=reader.line_num),
                             source=source) from None
    if len(header) == 1 and re.search(r"[;\t]", header[0]):
        raise ImportRejected(Problem(Message(N_("columns must be separated by commas")), line=1), source=source)
    if len(header) > MAX_COLUMNS:
        raise ImportRejected(Problem(Message(N_("the header has {count} columns; a list of recommendations has at "
                                                "most {limit}"), count=f"{len(header):,}", limit=MAX_COLUMNS),
                                     line=1), source=source)
    return [h.strip() for h in header], rows


def _too_many_rows() -> Message:
    return Message(N_("more than {limit} rows"), limit=f"{MAX_ROWS:,}")


def _missing_columns(missing: list[str], found: list[str] | None = None) -> Message:
    """``missing column(s) a, b``, and with ``found`` the header that was read (``(found: x, y)``)."""
    columns = ", ".join(missing)
    if found is None:
        return (Message(N_("missing columns {columns}"), columns=columns) if len(missing) > 1
                else Message(N_("missing column {columns}"), columns=columns))
    names = ", ".join(h if len(h) <= SHOWN_CHARS else h[:SHOWN_CHARS] + "…" for h in found[:SHOWN_COLUMNS])
    listed = (Message(N_("{names} and {n} more"), names=names, n=f"{len(found) - SHOWN_COLUMNS:,}")
              if len(found) > SHOWN_COLUMNS else names or Message(N_("none")))
    return (Message(N_("missing columns {columns} (found: {found})"), columns=columns, found=listed)
            if len(missing) > 1 else Message(N_("missing column {columns} (found: {found})"), columns=columns,
                                             found=listed))


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _table(text: str, source: str, columns: dict[str, str], required: tuple[str, ...], normalise: bool
           ) -> list[dict[str, Any]]:
    header, rows = _rows_with_lines(text, source)
    names = [_normalise_header(h) if normalise else h for h in header]
    problems = []
    missing = [c for c in required if c not in names]
    if missing:
        problems.append(Problem(_missing_columns(missing, header), line=1))
    mapped = [columns.get(n) for n in names]
    for target in {m for m in mapped if m}:
        if mapped.count(target) > 1:
            problems.append(Problem(Message(N_("several columns give the {column}"), column=target), line=1))
    if problems:
        raise ImportRejected(problems, source=source)
    if not rows:
        raise ImportRejected(Problem(Message(N_("no recommendations below the header")), line=2), source=source)
    records = []
    for number, (line, row) in enumerate(rows, start=1):
        if len(row) != len(header):
            cut = number == len(rows) and len(row) < len(header)
            reason = (N_("{count} fields where the header has {expected} (the file is cut off?)") if cut
                      else N_("{count} fields where the header has {expected}"))
            problems.append(Problem(Message(reason, count=len(row), expected=len(header)), line=line))
            continue
        record: dict[str, Any] = {"source_line": line}
        for target, value in zip(mapped, row, strict=True):
            if target:
                record[target] = value
        records.append(record)
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS], source=source)
    return records


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _whole_number(value: Any) -> int | None:
    if _blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else None


def validate_recommendation_frame(frame: pd.DataFrame, *, source: str = "frame") -> list[dict[str, Any]]:
    """Check a frame of recommendations row by row; return clean records or raise :class:`ImportRejected`.

    Rows are named by ``source_line`` (the file line) when the frame has it, else by row number.
    Checks: a whole-number cycle; a number like ``26.214`` whose part after the dot equals
    ``rec_no`` when given; a known response; required texts present, plain text, within limits;
    no (cycle, number) twice.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ImportRejected(Message(N_("expected a table of recommendations")), source=source)
    missing = [c for c in REQUIRED_FRAME_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportRejected(_missing_columns(missing), source=source)
    if frame.empty:
        raise ImportRejected(Message(N_("no recommendations")), source=source)
    if len(frame) > MAX_ROWS:
        raise ImportRejected(_too_many_rows(), source=source)
    present = [c for c in FRAME_COLUMNS if c in frame.columns]
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for position, row in enumerate(frame.to_dict("records"), start=1):
        line = _whole_number(row.get("source_line")) or position
        record: dict[str, Any] = {}
        row_problems: list[Problem] = []
        cycle = _whole_number(row["cycle"])
        if cycle is None or cycle < 1:
            row_problems.append(Problem(Message(N_("cycle {value} is not a whole number"), value=shown(row["cycle"])),
                                        "cycle", line))
        record["cycle"] = cycle
        try:
            record["number"] = clean_number(row["number"], "number", line)
        except ValidationError as exc:
            row_problems.extend(exc.problems)
        if "rec_no" in present and not _blank(row.get("rec_no")) and str(row["rec_no"]).strip():
            rec_no = _whole_number(row["rec_no"])
            if rec_no is None:
                row_problems.append(Problem(Message(N_("rec_no {value} is not a whole number"),
                                                    value=shown(row["rec_no"])), "rec_no", line))
            elif "number" in record and int(record["number"].split(".")[1]) != rec_no:
                row_problems.append(Problem(Message(N_("rec_no {rec_no} does not match number {number}"),
                                                    rec_no=rec_no, number=record["number"]), "rec_no", line))
            record["rec_no"] = rec_no
        elif "number" in record:
            record["rec_no"] = int(record["number"].split(".")[1])
        try:
            record["response"] = clean_response(row["response"], "response", line)
        except ValidationError as exc:
            row_problems.extend(exc.problems)
        for column, limit, required in (("recommending_state", NOTE_LIMIT, True), ("theme", SHORT_TEXT_LIMIT * 2,
                                        False), ("text", NOTE_LIMIT, True), ("wg_report", 64, False),
                                        ("response_doc", 64, False), ("review_date", 10, False),
                                        ("data_note", NOTE_LIMIT, False)):
            if column not in present:
                continue
            value = row.get(column)
            value = "" if _blank(value) else str(value)
            found = text_problems(value, column, limit=limit, required=required, line=line)
            row_problems.extend(found)
            record[column] = value.strip()
        if not row_problems:
            key = (record["cycle"], record["number"])
            if key in seen:
                row_problems.append(Problem(Message(N_("recommendation {number} of cycle {cycle} is already on "
                                                       "line {line}"), number=record["number"],
                                                    cycle=record["cycle"], line=seen[key]), "number", line))
            seen[key] = line
        problems.extend(row_problems)
        records.append(record)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS], source=source)
    return records


def records_to_frame(records: list[dict[str, Any]], *, fill: bool = True) -> pd.DataFrame:
    """Checked records as a frame in :data:`FRAME_COLUMNS` order.

    ``fill`` adds absent optional columns as empty text (the official format, the snapshot). A
    plain list leaves them out, so importing it keeps what an earlier official import set.
    """
    frame = pd.DataFrame(records)
    for column in FRAME_COLUMNS:
        if column not in frame.columns and fill:
            frame[column] = ""
    frame = frame[[c for c in FRAME_COLUMNS if c in frame.columns]].copy()
    for column in frame.columns:
        if column in ("cycle", "rec_no"):
            frame[column] = frame[column].astype("int64")
        else:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def is_official_header(text: str) -> bool:
    try:
        first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")), [])
    except csv.Error:  # the reader of the whole file names what is wrong, with its line
        return False
    names = {h.strip() for h in first}
    return {"paragraph", "us_response"} <= names


def parse_official(text: str, source: str = "file") -> pd.DataFrame:
    records = _table(text, source, OFFICIAL_COLUMNS, OFFICIAL_REQUIRED, normalise=False)
    return records_to_frame(validate_recommendation_frame(pd.DataFrame(records), source=source))


def parse_plain(text: str, source: str = "file", cycle: int | None = None) -> pd.DataFrame:
    records = _table(text, source, PLAIN_ALIASES, PLAIN_REQUIRED, normalise=True)
    has_cycle = "cycle" in records[0]
    if not has_cycle:
        if cycle is None:
            raise ImportRejected(Problem(Message(N_("the file has no cycle column: give the UPR cycle when "
                                                    "importing")), line=1), source=source)
        for record in records:
            record["cycle"] = cycle
    return records_to_frame(validate_recommendation_frame(pd.DataFrame(records), source=source), fill=False)


def parse_recommendations(data: bytes, source: str = "file", cycle: int | None = None) -> pd.DataFrame:
    """Read either format from the bytes of a CSV file (the header decides which)."""
    text = decode_csv_bytes(data, source)
    if is_official_header(text):
        return parse_official(text, source)
    return parse_plain(text, source, cycle)


def read_official_csv(path: str | Path) -> pd.DataFrame:
    """The official list (format of ``us_upr_cycle3_recommendations.csv``) as a frame of :data:`FRAME_COLUMNS`.

    Raises :class:`ImportRejected` naming the line and the reason of every problem.
    """
    path = Path(path)
    check_size(path.stat().st_size, path.name)
    text = decode_csv_bytes(path.read_bytes(), path.name)
    if not is_official_header(text):
        raise ImportRejected(Problem(Message(N_("not the official format: the header needs paragraph and "
                                                "us_response")), line=1), source=path.name)
    return parse_official(text, path.name)


def read_recommendations(path: str | Path, cycle: int | None = None) -> pd.DataFrame:
    """Either format from a file path."""
    path = Path(path)
    check_size(path.stat().st_size, path.name)
    return parse_recommendations(path.read_bytes(), path.name, cycle)


def _row_delay_hook(on_row: RowHook | None) -> RowHook | None:
    delay = os.environ.get(ROW_DELAY_ENV)
    if not delay:
        return on_row
    seconds = float(delay)

    def slow(done: int, total: int, record: Mapping[str, Any]) -> None:
        if on_row is not None:
            on_row(done, total, record)
        print(f"import: {done}/{total} rows written, transaction open", file=sys.stderr, flush=True)
        time.sleep(seconds)

    return slow


def import_bytes(store, data: bytes, actor, *, source: str, cycle: int | None = None, city: str | None = None,
                 on_row: RowHook | None = None):
    """Check a whole CSV file, then import it in one transaction; returns the store's ImportResult."""
    frame = parse_recommendations(data, source, cycle)
    return store.import_recommendations(frame, actor, source=source, sha256=hashlib.sha256(data).hexdigest(),
                                        city=city, on_row=_row_delay_hook(on_row))


def import_file(store, path: str | Path, actor, *, cycle: int | None = None, city: str | None = None,
                on_row: RowHook | None = None):
    path = Path(path)
    check_size(path.stat().st_size, path.name)
    return import_bytes(store, path.read_bytes(), actor, source=path.name, cycle=cycle, city=city, on_row=on_row)


def seed_from_frame(store, frame: pd.DataFrame):
    """Import a snapshot's recommendations frame as the app itself (idempotent)."""
    from indicators.tracker.auth import SYSTEM_SEED

    return store.import_recommendations(frame, SYSTEM_SEED, source="city snapshot")


class SeedError(TrackerError):
    """The city snapshot's recommendations cannot be read to seed an empty store: the snapshot is at fault, not
    the store. Raised with a :class:`~indicators.tracker.errors.Message` naming the file and what is wrong."""


def snapshot_recommendations(parquet_path: str | Path) -> pd.DataFrame:
    """The recommendations table of a snapshot, read only after its checksum matches the snapshot's manifest.

    Raises :class:`SeedError` when the manifest is missing or does not list the file, the file does not match
    its checksum, or it cannot be read.
    """
    parquet_path = Path(parquet_path)
    folder, name = parquet_path.parent, parquet_path.name
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SeedError(Message(N_("the snapshot in {folder} has no readable manifest.json, so {file} cannot be "
                                   "checked; rebuild the snapshot"), folder=folder.name, file=name)) from None
    expected = (manifest.get("tables") or {}).get(parquet_path.stem, {}).get("sha256")
    if not expected:
        raise SeedError(Message(N_("the manifest of the snapshot in {folder} does not list {file}"),
                                folder=folder.name, file=name))
    if sha256_file(parquet_path) != expected:
        raise SeedError(Message(N_("{file} of the snapshot in {folder} does not match its checksum: the snapshot is "
                                   "damaged; rebuild it or restore it"), folder=folder.name, file=name))
    try:
        return pd.read_parquet(parquet_path)
    except Exception as exc:  # pyarrow's errors: the file is not a table after all
        raise SeedError(Message(N_("{file} of the snapshot in {folder} cannot be read ({error})"),
                                folder=folder.name, file=name, error=type(exc).__name__)) from None


def ensure_seeded(store, parquet_path: str | Path):
    """Seed an empty store from a snapshot's ``upr_recommendations.parquet`` once its checksum is verified;
    ``None`` when not needed or there is no such file. Raises :class:`SeedError` for a damaged snapshot."""
    parquet_path = Path(parquet_path)
    if store.count_recommendations() > 0 or not parquet_path.exists():
        return None
    frame = snapshot_recommendations(parquet_path)
    try:
        return seed_from_frame(store, frame)
    except ImportRejected as exc:
        raise SeedError(Message(N_("the recommendations of the snapshot in {folder} were refused: {problem}"),
                                folder=parquet_path.parent.name, problem=exc.problems[0])) from None
