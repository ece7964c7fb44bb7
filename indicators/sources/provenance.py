"""Who publishes the national sources every city can use, and how to credit them: the defaults of a snapshot's
``sources`` entries. A city config's ``[sources.<id>]`` adds or overrides any field (a local copy's publisher,
a compilation's licence); a city's own publishers (its planning department, its police) are named only there.
``{period}``-style fields are filled by the build step."""

from __future__ import annotations

CENSUS = "U.S. Census Bureau"
PUBLIC_DOMAIN = "Public domain (U.S. federal government work)"

ACS_TRACTS = {
    "title": "American Community Survey 5-year estimates {period}, tracts",
    "publisher": CENSUS, "licence": PUBLIC_DOMAIN,
    "attribution": f"{CENSUS}, American Community Survey {{period}} 5-year estimates",
    "url": "https://www.census.gov/data/developers/data-sets/acs-5year.html",
}
ACS_SERIES = {
    "title": "American Community Survey 5-year estimates, {level} series",
    "publisher": CENSUS, "licence": PUBLIC_DOMAIN,
    "attribution": f"{CENSUS}, American Community Survey 5-year estimates",
    "url": "https://www.census.gov/data/developers/data-sets/acs-5year.html",
    "caveats": ["Consecutive 5-year periods overlap: compare periods that share no year."],
}
ACS_API_ANSWERS = {
    "title": "ACS 5-year {period} (Census Data API answers), 2010 tracts",
    "publisher": CENSUS, "licence": PUBLIC_DOMAIN, "attribution": f"{CENSUS}, Census Data API",
    "url": "https://api.census.gov/data.html",
}
TRACT_BOUNDARIES = {
    "title": "Census tracts ({vintage} tract lines)", "publisher": CENSUS, "licence": PUBLIC_DOMAIN,
    "attribution": f"{CENSUS}, TIGER/Line and cartographic boundary files",
    "url": "https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html",
}
TRACT_RELATIONSHIP = {
    "title": "2010 to 2020 census tract relationship (land-area shares)", "publisher": CENSUS,
    "licence": PUBLIC_DOMAIN, "attribution": f"{CENSUS} 2020 tract relationship file",
    "url": "https://www.census.gov/geographies/reference-files/time-series/geo/relationship-files.html",
}
DEPRIVATION_INDEX = {
    "title": "Community Material Deprivation Index",
    "publisher": "Brokamp et al., Cincinnati Children's Hospital (geomarker.io)", "licence": "GPL-3.0",
    "attribution": "Brokamp C, Beck AF, Goyal NK, Ryan P, Greenberg JM, Hall ES. A high resolution spatiotemporal "
                   "model for material deprivation. Annals of Epidemiology (2019)",
    "url": "https://geomarker.io/dep_index/",
    "caveats": ["A composite (0–1, higher is more deprived) of six ACS fractions; no margins of error."],
}
EVICTION_LAB = "Eviction Lab, Princeton University"
EVICTION_LAB_ETS = {
    "title": "Eviction Tracking System: {site}", "publisher": EVICTION_LAB,
    "licence": "Free to use with attribution (Eviction Lab terms)",
    "attribution": "Peter Hepburn, Renee Louis, and Matthew Desmond. Eviction Tracking System: Version 1.0. "
                   "Princeton: Princeton University, 2020. www.evictionlab.org",
    "url": "https://evictionlab.org/eviction-tracking/",
}
EVICTION_LAB_TRACTS = {
    "title": "Eviction Lab national database: filings and judgments by census tract", "publisher": EVICTION_LAB,
    "licence": "Free to use with attribution (Eviction Lab terms)",
    "attribution": "This research uses data from The Eviction Lab at Princeton University, a project directed by "
                   "Matthew Desmond and designed by Ashley Gromis, Lavar Edmonds, James Hendrickson, Katie "
                   "Krywokulski, Lillian Leung, and Adam Porton. The Eviction Lab is funded by the JPB, Gates, and "
                   "Ford Foundations as well as the Chan Zuckerberg Initiative. More information is found at "
                   "evictionlab.org.",
    "url": "https://evictionlab.org/",
}
HUD_FMR = {
    "title": "Fair Market Rents and Small Area Fair Market Rents",
    "publisher": "U.S. Department of Housing and Urban Development (HUD)", "licence": PUBLIC_DOMAIN,
    "attribution": "U.S. Department of Housing and Urban Development, Office of Policy Development and Research",
    "url": "https://www.huduser.gov/portal/datasets/fmr.html",
}
UPR = {
    "title": "UPR third cycle: recommendations to the United States and its responses",
    "publisher": "UN Human Rights Council / OHCHR", "licence": "UN official documents",
    "attribution": "United Nations Human Rights Council, Report of the Working Group on the Universal Periodic "
                   "Review: United States of America, A/HRC/46/15 and A/HRC/46/15/Add.1",
    "url": "https://www.ohchr.org/en/hr-bodies/upr/us-index",
}
