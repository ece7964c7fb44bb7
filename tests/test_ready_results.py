"""The results a snapshot holds (``results.parquet``, :mod:`indicators.metrics.ready`): current with the code, equal to
a fresh computation result by result, and ignored — never trusted — when stale or damaged."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from indicators.metrics import compute, ready, results
from indicators.snapshot.read import open_snapshot

CITIES = ("pittsburgh", "dc")


@pytest.fixture(params=CITIES)
def committed(request):
    return open_snapshot(request.param, lazy=True)


def test_committed_results_were_recorded_by_this_code(committed):
    """A change to the indicators' code must be recorded into the snapshots (``python -m indicators record``):
    until then a reader ignores the stale results and computes, which is correct but slow."""
    entry = committed.manifest.get("results")
    assert entry, f"{committed.city}: the snapshot records no results; run `python -m indicators record --city " \
                  f"{committed.city}`"
    assert entry["code"] == ready.code_fingerprint(), (
        f"{committed.city}: the results were computed by other code; run `python -m indicators record --city "
        f"{committed.city}`")


def test_every_recorded_result_equals_a_fresh_computation(committed):
    fresh = open_snapshot(committed.path, lazy=True)
    keys = results.keys(fresh)
    assert len(keys) > 20
    compared = 0
    for indicator_id, level, options in keys:
        recorded = ready.lookup(committed, indicator_id, level, options)
        try:
            computed = compute._compute(fresh, indicator_id, level, **options)
        except compute.NotAvailable:
            assert recorded is None, (indicator_id, level, options)
            continue
        assert recorded is not None, f"{indicator_id} at {level} {options}: not recorded"
        pd.testing.assert_frame_equal(recorded, computed, check_exact=True, obj=f"{indicator_id} {level} {options}")
        for column in computed.columns[computed.dtypes == object]:
            # the same kind of nothing: None, not NaN (which a page would show as "nan")
            assert [type(v) for v in recorded[column]] == [type(v) for v in computed[column]], (
                f"{indicator_id} {level} {options}: {column}")
        compared += 1
    assert compared == len(pd.read_parquet(committed.path / ready.RESULTS_FILE).groupby(ready.KEYS[:3]))


def test_compute_gives_the_recorded_result_without_computing(monkeypatch):
    snap = open_snapshot("pittsburgh", lazy=True)

    def not_called(*args, **kwargs):
        raise AssertionError("computed although the snapshot holds the result")

    monkeypatch.setattr(compute, "_compute", not_called)
    out = compute.compute(snap, "rent_burden_share", "neighborhood")
    assert len(out) > 50 and out["estimate"].notna().any()
    out.loc[0, "estimate"] = -1.0   # a caller's change stays in its own copy
    assert compute.compute(snap, "rent_burden_share", "neighborhood").loc[0, "estimate"] != -1.0


@pytest.fixture
def copy_of_pittsburgh(tmp_path):
    folder = tmp_path / "pittsburgh"
    shutil.copytree(open_snapshot("pittsburgh", lazy=True).path, folder)
    return folder


def _computed_instead(folder, monkeypatch) -> bool:
    calls = []
    real = compute._compute
    monkeypatch.setattr(compute, "_compute", lambda *a, **k: calls.append(a[1:3]) or real(*a, **k))
    out = compute.compute(open_snapshot(folder, lazy=True), "rent_burden_share", "neighborhood")
    assert out["estimate"].notna().any()
    return calls == [("rent_burden_share", "neighborhood")]


def test_results_of_other_code_are_ignored(copy_of_pittsburgh, monkeypatch):
    manifest_file = copy_of_pittsburgh / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["results"]["code"] = "0" * 64
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert _computed_instead(copy_of_pittsburgh, monkeypatch)


def test_a_damaged_results_file_is_ignored_with_a_warning(copy_of_pittsburgh, monkeypatch, caplog):
    file = copy_of_pittsburgh / ready.RESULTS_FILE
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    assert _computed_instead(copy_of_pittsburgh, monkeypatch)
    assert "does not match its checksum" in caplog.text


def test_results_of_other_tables_are_ignored(copy_of_pittsburgh, monkeypatch):
    manifest_file = copy_of_pittsburgh / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["results"]["tables"]["measures"] = "0" * 64
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert _computed_instead(copy_of_pittsburgh, monkeypatch)


def test_a_snapshot_without_results_computes(copy_of_pittsburgh, monkeypatch):
    (copy_of_pittsburgh / ready.RESULTS_FILE).unlink()
    manifest_file = copy_of_pittsburgh / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest.pop("results")
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert _computed_instead(copy_of_pittsburgh, monkeypatch)


def test_record_computes_afresh_and_writes_the_same_results(copy_of_pittsburgh):
    """``python -m indicators record`` over a snapshot that already holds results: it does not read them back
    (they are computed from the tables), and gives the same file contents."""
    from indicators.cli.main import main

    before = pd.read_parquet(copy_of_pittsburgh / ready.RESULTS_FILE)
    assert main(["record", "--snapshot", str(copy_of_pittsburgh)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(copy_of_pittsburgh / ready.RESULTS_FILE), before)
    assert open_snapshot(copy_of_pittsburgh).manifest["results"]["code"] == ready.code_fingerprint()
