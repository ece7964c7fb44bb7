"""The corrections made to how figures are computed, compared and labelled, each named so the methods page can
list them with where they apply: a coalition citing a figure can say which rule it follows and since when."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.core.i18n import N_


@dataclass(frozen=True)
class Correction:
    id: str
    title: str
    what: str


CORRECTIONS = (
    Correction("rent_burden_universe", N_("Rent burden over the renters whose burden is computed"), N_(
        "The shares of renters paying 30% and 50% or more of income divide by B25070_001 − B25070_011: the renter "
        "households whose rent as a share of income is computed (DP04_0136 in the data profiles), as the Census "
        "Bureau and the methods guide define them. Before, the households without a computed burden (no cash "
        "rent, or no income) stood in the denominator, which put Washington DC's shares 2.2 points low at the "
        "median tract and up to 16.5 points low (the city 43.6% instead of the published 46.2%). Where a city's "
        "files publish only the share over all renter households, the figure says so in its note and reads low.")),
    Correction("zero_estimates", N_("Sums of zero estimates"), N_(
        "When counts are added (tracts into a neighborhood or a city), the margins of error of several zero "
        "estimates are not all squared and added: only the largest of them enters the sum, as the Census Bureau's "
        "guidance and tidycensus's moe_sum do. A zero estimate's margin is modelled for the area, not measured, "
        "so adding them all overstated the margin of sums with many empty cells.")),
    Correction("significance", N_("Differences tested before they are called differences"), N_(
        "A figure set beside the city's (or another period's) is called higher or lower only when the 90% test "
        "|X₁ − X₂| ÷ √(SE₁² + SE₂²) > 1.645 says so; otherwise it is not distinguishable from the city. Shares and "
        "changes differ in percentage points; rates, dollars and years by a ratio (“about 1.6 times”), said only "
        "for a significant difference. Figures published without a margin of error are compared but said to be "
        "untested; counts and records, which have no sampling error, are compared as they are.")),
    Correction("ranks", N_("Ranks with their range and their marks"), N_(
        "Every rank comes with the range of ranks its margin of error allows (an area cannot rank above the areas "
        "significantly worse than it, nor below those significantly better), and a figure that is unreliable or "
        "has no margin of error is marked wherever it is ranked, first and last included.")),
    Correction("published_zeros", N_("Published zeros that are not measurements"), N_(
        "An average of years at the same address published as 0 cannot be an average of residents (it would mean "
        "everyone moved in within the year): it is shown as not estimated, with the published 0 in its note, and "
        "is not ranked. Before, such neighborhoods ranked worst.")),
    Correction("geography", N_("Each figure labelled with its geography"), N_(
        "A figure is labelled by the geography it describes, read from the data: the city, the county (the "
        "eviction baseline, published for the county, is no longer shown as the city's), the sum of the city's "
        "tracts, or tracts or ZIP codes apportioned to an area by land area.")),
    Correction("arrest_disparity", N_("Arrest ratios with their counts, period and interval"), N_(
        "Every Black:white arrest ratio shows the arrests and residents behind it, the period of the arrest "
        "records and a 90% interval (log scale, the arrests as Poisson counts: ln ratio ± 1.645 × √(1/a + 1/c)). "
        "No ratio is shown from fewer than 20 arrests in either group (a relative standard error above 22%, the "
        "level at which the National Center for Health Statistics calls a rate unreliable), and where the arrest "
        "rates beside a ratio are of another period, the page says so.")),
    Correction("typology", N_("The displacement typology as the Urban Displacement Project released it"), N_(
        "The typology follows UDP's Release 1.1 (November 2020): every measure in its own period (rents over "
        "2012–2018, home values and vulnerability from 2000, gentrification over 1990–2000 and 2000–2018), "
        "Stable/Advanced Exclusive with mixed-high-cost housing, Advanced Gentrification in any market, the map "
        "step (High Student Population; Advanced Gentrification for a tract meeting it and Becoming Exclusive, or "
        "susceptible after an earlier gentrification; Early/Ongoing Gentrification after a later one), a tract "
        "meeting two types counted twice rather than dropped, and the nearby-rent lags by inverse distance.")),
)


def applies(correction_id: str, measures: pd.DataFrame | None) -> bool | None:
    """Whether a correction changes a snapshot's figures: for the rent burden universe, whether the snapshot's
    tract measures have it (None where that cannot be told); the other corrections apply everywhere."""
    if correction_id != "rent_burden_universe":
        return True
    if measures is None:
        return None
    return bool((measures["measure"] == "rent_burden_universe").any())
