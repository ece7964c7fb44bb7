"""How long one indicator takes for every US tract: ``python bench/indicators_scale.py``.

The data are GENERATED (random numbers, not real figures): 85,000 tracts, about the number of US census tracts,
in the snapshot's ``measures`` layout with ``households``, ``renter_hh`` and ``rent_burden30_share`` and their
MOEs, and tract → area weights to about 25,000 areas (most tracts in one area, some split between two or three),
in the ``weights_tract_neighborhood`` layout.

It times :func:`indicators.metrics.housing.rent_burden_share` at tract level and at the aggregated (neighborhood) level,
the median of 5 runs each, beside two baselines measured in the same run on the same frames:

- tract level: a plain pandas ``groupby(["area_id", "measure"]).sum()`` over the measures frame;
- aggregated level: a plain weighted sum, ``merge`` of measures and weights then ``groupby(target).sum()`` —
  the bare arithmetic of apportioning, without MOEs, missing-value rules or the result layout.

The target is well under one second for each level.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.metrics import housing  # noqa: E402

N_TRACTS = 85_000
N_AREAS = 25_000
RUNS = 5
SEED = 20240


def generated_measures(n_tracts: int, rng: np.random.Generator) -> pd.DataFrame:
    """GENERATED tract measures in the snapshot layout (GEOIDs start with 99, a state code that does not exist)."""
    ids = np.array([f"99{i:09d}" for i in range(n_tracts)])
    households = rng.integers(0, 4000, n_tracts).astype(float)
    renter_hh = np.floor(households * rng.uniform(0.05, 0.95, n_tracts))
    burden = np.where(renter_hh > 0, rng.uniform(0.1, 0.7, n_tracts).round(4), np.nan)
    columns = {
        "households": (households, rng.uniform(50, 400, n_tracts).round()),
        "renter_hh": (renter_hh, rng.uniform(30, 350, n_tracts).round()),
        "rent_burden30_share": (burden, np.where(np.isnan(burden), np.nan, rng.uniform(0.02, 0.2, n_tracts).round(4))),
    }
    parts = [pd.DataFrame({"area_id": ids, "measure": name, "estimate": est, "moe": moe})
             for name, (est, moe) in columns.items()]
    long = pd.concat(parts, ignore_index=True)
    n = len(long)
    return pd.DataFrame({
        "geo_level": "tract", "area_id": long["area_id"], "tract_vintage": pd.array([2020] * n, dtype="Int64"),
        "period": "2020–2024", "year": 2024, "measure": long["measure"], "estimate": long["estimate"],
        "moe": long["moe"], "source_id": "acs5_tracts", "note": None,
    })


def generated_weights(n_tracts: int, n_areas: int, rng: np.random.Generator) -> pd.DataFrame:
    """GENERATED tract → area weights: 70% of tracts wholly in one area, 25% split in two, 5% in three."""
    ids = np.array([f"99{i:09d}" for i in range(n_tracts)])
    pieces = rng.choice([1, 2, 3], size=n_tracts, p=[0.70, 0.25, 0.05])
    tract = np.repeat(ids, pieces)
    first_area = rng.integers(0, n_areas, n_tracts)
    offset = np.concatenate([np.arange(k) for k in pieces])
    area = (np.repeat(first_area, pieces) + offset) % n_areas
    raw = rng.uniform(0.1, 1.0, len(tract))
    weight = raw / pd.Series(raw).groupby(tract).transform("sum").to_numpy()
    return pd.DataFrame({"tract_id": tract, "tract_vintage": 2020, "neighborhood": [f"area-{a:05d}" for a in area],
                         "weight": weight})


def median_seconds(fn, runs: int = RUNS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def measure(runs: int = RUNS, log=print) -> dict:
    """Time the indicator on GENERATED data at tract and aggregated level; seconds are medians of ``runs``."""
    rng = np.random.default_rng(SEED)
    measures = generated_measures(N_TRACTS, rng)
    weights = generated_weights(N_TRACTS, N_AREAS, rng)
    log("GENERATED data (random numbers, not real figures):")
    log(f"  {N_TRACTS:,} tracts, {len(measures):,} measure rows; {len(weights):,} weights to "
        f"{weights['neighborhood'].nunique():,} areas")

    tract_s, tract_out = median_seconds(lambda: housing.rent_burden_share(measures, weights, level="tract"), runs)
    tract_base_s, _ = median_seconds(lambda: measures.groupby(["area_id", "measure"])["estimate"].sum(), runs)

    def weighted_sum():
        rows = measures[measures["measure"].isin(["rent_burden30_share", "renter_hh"])]
        merged = rows.merge(weights, left_on="area_id", right_on="tract_id")
        merged["value"] = merged["estimate"] * merged["weight"]
        return merged.groupby(["neighborhood", "measure"])["value"].sum()

    area_s, area_out = median_seconds(lambda: housing.rent_burden_share(measures, weights, level="neighborhood"),
                                      runs)
    area_base_s, _ = median_seconds(weighted_sum, runs)

    assert len(tract_out) == N_TRACTS
    assert len(area_out) == weights["neighborhood"].nunique()
    return {"runs": runs, "tract_s": tract_s, "tract_base_s": tract_base_s, "tracts": len(tract_out),
            "area_s": area_s, "area_base_s": area_base_s, "areas": len(area_out)}


def main() -> None:
    m = measure()
    print(f"rent_burden_share, median of {m['runs']} runs (GENERATED data):")
    print(f"  tract level      {m['tract_s']:7.3f} s for {m['tracts']:,} tracts; baseline groupby-sum "
          f"{m['tract_base_s']:.3f} s; ratio {m['tract_s'] / m['tract_base_s']:5.1f}x")
    print(f"  aggregated level {m['area_s']:7.3f} s for {m['areas']:,} areas;  baseline weighted sum "
          f"{m['area_base_s']:.3f} s; ratio {m['area_s'] / m['area_base_s']:5.1f}x")
    print("  target: well under 1 s per level —", "met" if max(m["tract_s"], m["area_s"]) < 1.0 else "NOT met")


def figures(groups: set[str], quick: bool, log=print) -> list:
    """The two figures for ``run.py`` (imported there; the data are GENERATED)."""
    from common import judged

    try:
        m = measure(3 if quick else RUNS, log=lambda line: log("    " + line))
    except Exception as exc:  # noqa: BLE001
        err = f"{type(exc).__name__}: {exc}"
        return [judged("scale_indicator", "Scale: one indicator, 85,000 GENERATED tracts (tract level)", None, "s", 1,
                       op="<", error=err),
                judged("scale_indicator", "Scale: same, aggregated to ~25,000 areas", None, "s", 1, op="<", error=err)]
    return [
        judged("scale_indicator", "Scale: one indicator, 85,000 GENERATED tracts (tract level)", m["tract_s"], "s", 1,
               op="<", detail=f"median of {m['runs']}; plain groupby-sum baseline {m['tract_base_s']:.2f} s "
                              f"({m['tract_s'] / m['tract_base_s']:.1f}×)"),
        judged("scale_indicator", f"Scale: same, aggregated to {m['areas']:,} areas", m["area_s"], "s", 1, op="<",
               detail=f"median of {m['runs']}; plain weighted-sum baseline {m['area_base_s']:.2f} s "
                      f"({m['area_s'] / m['area_base_s']:.1f}×)"),
    ]


if __name__ == "__main__":
    main()
