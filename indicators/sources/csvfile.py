"""Publishers' CSV files read whole or refused with a message naming the file and the line.

``pandas.read_csv`` alone lets three kinds of damaged file through, or stops on them with an error that
names neither the file nor what is wrong with it:

- a file cut off mid-line (an interrupted download, a disk that filled up): pandas fills the missing
  fields of the last row with blanks, so a month with 1,061 eviction filings cut after ``106`` is read
  as 106, without a word;
- text that is not UTF-8 (a spreadsheet saved as Windows-1252 or Latin-1, sometimes behind a UTF-8
  byte-order mark): a bare ``UnicodeDecodeError`` at a byte position;
- an empty file, a row with more fields than the header, a quote left open: pandas' own parser errors.

:func:`read_csv` reads the bytes, decodes them as UTF-8 (a byte-order mark is allowed), checks that every
row has as many fields as the header, and only then hands the text to pandas. Each loader passes its own
exception class (``error=``), so a damaged file raises the error that loader documents, with a message
such as ``"ets_barchart_monthly_county.csv: line 48 has 3 of the header's 5 fields: the file
is cut off (an incomplete download?)"``.

A file cut exactly at the end of a line, or inside the last field of a row, looks whole and cannot be
told apart from one: only a short row or a quote left open gives a cut away.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any

import pandas as pd

Source = str | Path | IO[str] | IO[bytes]

_UTF8_BOM = b"\xef\xbb\xbf"


class CSVFileError(ValueError):
    """A CSV file that is not whole comma-separated UTF-8 text; the message names the file and line."""


def source_label(source: Any) -> str:
    """The name of a file for messages: its file name, or the ``name`` of a file object."""
    if isinstance(source, (str, Path)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(str(name)).name if name else "the CSV text"


def decode_utf8(data: bytes, label: str, error: type[Exception] = CSVFileError) -> str:
    """The text of UTF-8 bytes (a byte-order mark is dropped); anything else raises ``error``.

    The message names the first byte that is not UTF-8 and its line, and says how to fix the file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"{label}: the file is UTF-16 text, not UTF-8; save it as UTF-8")
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        line = data[:at].count(b"\n") + 1
        hint = " behind a UTF-8 byte-order mark" if bom else ""
        raise error(f"{label}: not UTF-8 text{hint} (byte 0x{data[at]:02x} on line {line}; Windows-1252 or "
                    "Latin-1?); save the file as UTF-8") from None
    return text


def read_text(source: Source, error: type[Exception] = CSVFileError) -> str:
    """The UTF-8 text of a path, of a binary file object, or of a text file object as it is."""
    label = source_label(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            raise error(f"{label}: is a folder, not a file")
        data = path.read_bytes()
    else:
        data = source.read()
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
    return decode_utf8(data, label, error)


def check_rows(text: str, label: str, error: type[Exception] = CSVFileError) -> int:
    """Check that ``text`` is comma-separated with as many fields on every row as in the header.

    Blank lines are allowed (pandas skips them). Returns the number of data rows.
    """
    if not text.strip():
        raise error(f"{label}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = 0
    # the csv module refuses fields over 131,072 characters, pandas does not (a WKT polygon in a Socrata
    # export can be longer): no field can be longer than the text
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        header = next(reader)
        width = len(header)
        last_line = reader.line_num
        short: tuple[int, int] | None = None
        for row in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not row:
                continue
            rows += 1
            if short is not None:
                # a short row followed by more rows: damaged in the middle, not cut off
                raise error(f"{label}: line {short[0]} has {short[1]} fields where the header has {width}")
            if len(row) > width:
                raise error(f"{label}: line {line} has {len(row)} fields where the header has {width}")
            if len(row) < width:
                short = (line, len(row))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise error(f"{label}: the file ends inside a quoted field (line {reader.line_num}): it is cut off "
                        "(an incomplete download?)") from None
        raise error(f"{label}: not valid CSV on line {reader.line_num} ({exc})") from None
    finally:
        csv.field_size_limit(limit)
    if short is not None:
        raise error(f"{label}: line {short[0]} has {short[1]} of the header's {width} fields: the file is cut "
                    "off (an incomplete download?)")
    return rows


def read_csv(source: Source, *, error: type[Exception] = CSVFileError, **pandas_options: Any) -> pd.DataFrame:
    """A whole CSV file as a frame, read by pandas with ``pandas_options`` once it has passed the checks.

    Parameters
    ----------
    source : path, or file object
        A path, a binary file object (decoded as UTF-8 here) or a text file object (already decoded,
        e.g. a download's text).
    error : exception class
        Raised, with a message naming the file, for text that is not UTF-8, an empty file, a row with
        more or fewer fields than the header (a short last row: the file is cut off), a quote left open,
        or anything pandas refuses (a ``usecols`` column that is not there ...).
    **pandas_options
        Passed to :func:`pandas.read_csv` (``dtype``, ``keep_default_na``, ``usecols`` ...). The text is
        already decoded, so ``encoding`` is ignored.
    """
    label = source_label(source)
    text = read_text(source, error)
    check_rows(text, label, error)
    pandas_options.pop("encoding", None)
    try:
        return pd.read_csv(io.StringIO(text), **pandas_options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise error(f"{label}: {str(exc).strip().splitlines()[0]}") from None


def require_columns(frame: pd.DataFrame, columns: list[str] | tuple[str, ...], label: str,
                    error: type[Exception] = CSVFileError) -> None:
    """Raise ``error`` naming the columns ``frame`` lacks and those it has."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise error(f"{label}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                    f"(the file has: {', '.join(map(str, frame.columns))})")
