"""An indicator's figures as a table people can use outside the dashboard: one row per area, the figures rounded
as they are shown, with the unit, the indicator's id, the geography each figure describes, the comparison with the
city, the rank, the period, the source and its vintage. :func:`indicator_table` makes the frame (CSV through
:func:`indicators.core.exports.to_csv_bytes`); :func:`indicators.core.exports.to_geojson_bytes` puts the same
columns into the properties of the areas' polygons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.i18n import N_, translator
from indicators.metrics import catalog, comparisons
from indicators.metrics.text import RELIABILITY_WORDS, Words

#: a rank's mark in words (:func:`indicators.metrics.comparisons.rank_areas`)
RANK_MARKS = {comparisons.UNRELIABLE_RANK: N_("unreliable figure"),
              comparisons.UNKNOWN_RANK: N_("no margin of error published")}

#: how a unit's figures are written out: the factor applied (shares as percentages), the decimals kept and the
#: unit in words (for the figure; a share's margin of error is in percentage points)
UNIT_EXPORT = {
    "share": (100, 1, N_("percent")),
    "percent_change": (100, 1, N_("percent change")),
    "per_100": (1, 1, N_("per 100 renter households")),
    "per_1000": (1, 1, N_("per 1,000 residents")),
    "ratio": (1, 2, N_("ratio")),
    "dollars": (1, 0, N_("US dollars")),
    "years": (1, 0, N_("years")),
    "index": (1, 3, N_("index from 0 to 1")),
    "flag": (1, 0, N_("1 = vulnerable, 0 = not")),
    "category": (1, 0, N_("type (see the label column)")),
}
#: the headings of the table's columns in the reader's language (``area_id`` and ``indicator_id`` stay as they are:
#: they are keys to join on)
COLUMNS = {
    "area": N_("Area"), "indicator": N_("Indicator"),
    "estimate": N_("Estimate"), "margin": N_("Margin of error (90%)"), "lower": N_("Lower bound (90%)"),
    "upper": N_("Upper bound (90%)"), "unit": N_("Unit"), "label": N_("Label"), "reliability": N_("Reliability"),
    "rank": N_("Rank (1 = worst)"), "rank_range": N_("Rank range (90%)"), "rank_note": N_("Rank note"), "comparison": N_("Compared with the city"),
    "geography": N_("Figure for"), "period": N_("Period"), "source": N_("Source"), "vintage": N_("Vintage"),
    "note": N_("Note"),
}


def rounded(ind, values) -> pd.Series:
    """Figures as they are shown: shares as percentages, rounded to the unit's decimals."""
    factor, decimals, _unit = UNIT_EXPORT.get(ind.unit, (1, 2, ""))
    return (pd.Series(values, dtype=float) * factor).round(decimals)


def indicator_table(frame: pd.DataFrame, indicator_id: str, *, names: dict[str, str] | None = None,
                    sources: dict[str, dict] | None = None, reference: dict | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """A result frame (ranked or not) as an export table in ``lang``.

    ``names`` maps area ids to names; ``sources`` is the snapshot manifest's sources by id (publisher, title,
    vintage); ``reference`` the city's (or county's) row for the comparison column.

    >>> f = pd.DataFrame({"area_id": ["A"], "estimate": [0.53611], "moe": [0.10475], "reliability": ["reliable"],
    ...                   "geo_level": ["neighborhood"], "period": ["2020–2024"], "source_ids": ["acs5_tracts"],
    ...                   "note": [None]})
    >>> row = indicator_table(f, "owner_share").iloc[0]
    >>> (row["Estimate"], row["Margin of error (90%)"], row["Unit"])
    (53.6, 10.5, 'percent')
    """
    _ = translator(lang)
    words = Words(lang)
    ind = catalog.get(indicator_id, lang)
    names = names or {}
    sources = sources or {}
    factor, decimals, unit = UNIT_EXPORT.get(ind.unit, (1, 2, ""))
    out = pd.DataFrame(index=frame.index)
    out["area_id"] = frame["area_id"].astype(str)
    fallback = frame["name"] if "name" in frame else frame["area_id"]
    out["area"] = frame["area_id"].map(names).astype(object).fillna(fallback.astype(object))
    out["indicator_id"] = ind.id
    out["indicator"] = ind.title
    out["estimate"] = rounded(ind, frame["estimate"]).to_numpy()
    out["margin"] = rounded(ind, frame["moe"]).to_numpy() if "moe" in frame else np.nan
    for bound in ("lower", "upper"):
        out[bound] = rounded(ind, frame[bound]).to_numpy() if bound in frame else np.nan
    out["unit"] = _(unit)
    out["label"] = [words.value(ind, e) if ind.unit in ("flag", "category") and pd.notna(e) else ""
                    for e in frame["estimate"]]
    counts = ind.uncertainty == comparisons.COUNTS  # no margin because no sampling error, not a missing one
    out["reliability"] = [_(RELIABILITY_WORDS["count" if counts and r == "unknown" else r])
                          if r in RELIABILITY_WORDS and pd.notna(e) else ""
                          for r, e in zip(frame.get("reliability", pd.Series(None, index=frame.index)),
                                          frame["estimate"])]
    if "rank" in frame:
        out["rank"] = frame["rank"]
        out["rank_range"] = [f"{int(lo)}–{int(hi)}" if pd.notna(lo) and pd.notna(hi) else ""
                             for lo, hi in zip(frame["rank_low"], frame["rank_high"])]
        out["rank_note"] = frame["rank_mark"].map(lambda m: _(RANK_MARKS[m]) if m in RANK_MARKS else "")
    else:
        out["rank"], out["rank_range"], out["rank_note"] = np.nan, "", ""
    out["comparison"] = [words.comparison(ind, comparisons.compare_rows(row, reference, uncertainty=ind.uncertainty))
                         if reference else "" for row in frame.to_dict("records")]
    out["geography"] = [words.basis(comparisons.basis(row)) for row in frame.to_dict("records")]
    out["period"] = frame["period"].map(words.period) if "period" in frame else ""
    ids = frame["source_ids"] if "source_ids" in frame else pd.Series("", index=frame.index)
    out["source"] = ids.map(lambda v: "; ".join(_source(sources, s, "source") for s in _ids(v)))
    out["vintage"] = ids.map(lambda v: "; ".join(_source(sources, s, "vintage") for s in _ids(v)))
    out["note"] = frame["note"].map(words.note) if "note" in frame else ""
    if ind.unit in ("flag", "category"):
        out = out.drop(columns=["margin", "lower", "upper"])
    if not out["lower"].notna().any() if "lower" in out else False:
        out = out.drop(columns=["lower", "upper"])
    return out.rename(columns={k: _(v) for k, v in COLUMNS.items()}).reset_index(drop=True)


def _ids(value) -> list[str]:
    return [s.strip() for s in str(value or "").split(",") if s.strip()]


def _source(sources: dict[str, dict], source_id: str, part: str) -> str:
    """A source's publisher and title (``part="source"``) or vintage, as the manifest names them."""
    found = sources.get(source_id)
    if not found:
        return source_id
    if part == "source":
        return ", ".join(str(found[k]) for k in ("publisher", "title") if found.get(k))
    return str(found.get(part, ""))
