"""Which tables' bytes have already passed their schema check here, so that a server's first reader after a restart
does not wait for pandera (0.14 s to import, then 0.05–0.1 s for the first checks of a process).

A table's check depends only on its bytes, its schema and the checking code. Each table read through the snapshot
reader is hashed as it is read (SHA-256 of the exact bytes parsed); once those bytes have passed their check, an
empty file named by the table, that hash and a fingerprint of the checking code (this folder's ``schema.py`` and
``read.py``, and the installed pandera) is written into ``$HRC_CACHE_DIR/table-checks`` (by default
``~/.cache/hrc-dashboard/table-checks``). A later read of the same bytes under the same code finds it and skips
the check; any other bytes, or changed code, are checked again. Only a pass is remembered: a table that fails is
checked, and refused, every time. Where the folder cannot be written, every read is checked, as before.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path

from indicators.core.cities import cache_dir

HERE = Path(__file__).resolve().parent


def folder() -> Path:
    return cache_dir() / "table-checks"


@functools.cache
def fingerprint() -> str:
    """The checking code's fingerprint: the schemas' and the reader's source, and which pandera is installed
    (found without importing it: importing it is what this module saves)."""
    digest = hashlib.sha256()
    for name in ("schema.py", "read.py"):
        digest.update((HERE / name).read_bytes())
    spec = importlib.util.find_spec("pandera")
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        digest.update(str(package).encode())
        # the installed version, as the package's metadata folder names it; else when its files were written
        found = sorted(p.name for p in package.parent.glob("pandera-*.dist-info"))
        digest.update(repr(found or os.stat(spec.origin).st_mtime_ns).encode())
    return digest.hexdigest()[:16]


def _mark(table: str, sha256: str) -> Path:
    return folder() / f"{table}-{sha256}-{fingerprint()}"


def passed(table: str, sha256: str) -> bool:
    """Whether these bytes of ``table`` have passed its check under this code."""
    try:
        return _mark(table, sha256).is_file()
    except OSError:
        return False


def record(table: str, sha256: str) -> None:
    """Remember that these bytes of ``table`` passed its check; silently nothing where the folder is not writable."""
    try:
        mark = _mark(table, sha256)
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:
        pass
