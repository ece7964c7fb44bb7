"""A real process killed in the middle of an import leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import text

from indicators.tracker.importer import ROW_DELAY_ENV, import_bytes
from indicators.tracker.store import Store

from .conftest import EDITOR, REPO

TABLES = ("recommendations", "recommendation_revisions", "import_runs")
# verbatim rows of the official list (26.1 and 26.214)
BASELINE = ("number,recommending state,text,response,theme\n"
            "26.1,Somalia,Consider ratifying all remaining human rights conventions,supported,"
            "Ratification of & accession to international instruments\n"
            '26.214,Croatia,"Strengthen federal law in order to restrict access to firearms by potential abusers and '
            'implement regulations with the aim of removing the so-called “gunshow loophole”",supported,'
            "Right to life\n")


def cli_module() -> str:
    """``python -m indicators`` once the main command line carries the ``upr`` group."""
    return "indicators"


def state(store: Store) -> dict:
    with store.engine.connect() as connection:
        counts = {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}
        texts = dict(connection.execute(text("SELECT number, text FROM recommendations")).all())
    return {"counts": counts, "texts": texts}


def test_killing_the_import_process_mid_transaction_leaves_the_store_as_before(store_url, official_csv,
                                                                               tmp_path):
    store = Store.open(store_url)
    import_bytes(store, BASELINE.encode(), EDITOR, source="baseline.csv", cycle=3)
    before = state(store)
    assert before["counts"] == {"recommendations": 2, "recommendation_revisions": 2, "import_runs": 1}

    # the file to be killed updates 26.1 first, then adds 345 more
    revised = official_csv.read_text(encoding="utf-8").replace(
        "Consider ratifying all remaining human rights conventions,",
        "Consider ratifying all remaining human rights conventions (revised),", 1)
    path = tmp_path / "revised.csv"
    path.write_text(revised, encoding="utf-8")

    env = {**os.environ, ROW_DELAY_ENV: "0.02"}
    process = subprocess.Popen(
        [sys.executable, "-m", cli_module(), "upr", "import", str(path), "--db", store_url],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in process.stderr:
            seen.append(line)
            if line.startswith("import: 40/347 rows written"):
                break
        else:
            raise AssertionError(f"the import ended before row 40: {''.join(seen)[-2000:]}")
        # 40 rows are written inside the open transaction, including the revised 26.1
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    store.close()
    reopened = Store.open(store_url)
    assert state(reopened) == before
    assert reopened.get_recommendation("26.1").revision == 1

    # the store is not left locked or damaged: the same import now goes through
    result = import_bytes(reopened, path.read_bytes(), EDITOR, source=path.name)
    # both baseline rows gain the document columns of the official format; 26.1 also its new text
    assert (result.added, result.updated, result.unchanged) == (345, 2, 0)
    assert reopened.get_recommendation("26.1").text.endswith("(revised)")
    reopened.close()

