"""The snapshot's own words in the reader's language: what it lacks and why, the vintage of each source, how it
was built. The build writes them in English, in the forms below (a ``{name}`` stands for a value kept as it is:
a period, a code, a name); each is said in the reader's language, its values translated in turn where they are
words. A text that matches no form is shown as written. Titles of sources stay as their publishers wrote them.

>>> in_language("ACS 5-year 2010–2014 to 2020–2024", "es")
'ACS a 5 años, de 2010–2014 a 2020–2024'
>>> in_language("ACS 2020–2024; CHAS 2018–2022; SAFMR FY2026", "es")
'ACS 2020–2024; CHAS 2018–2022; SAFMR, año fiscal 2026'
"""

from __future__ import annotations

import re
from functools import lru_cache

from indicators.core.i18n import N_, SOURCE_LANGUAGE, normalise, translator

#: forms of the build's words, the most specific first (a text is matched whole, then part by part at "; ")
TEMPLATES = [
    # vintages of sources
    N_("ACS 5-year {period} (year inferred: the saved answers do not state it)"),
    N_("ACS 5-year {start} to {end}"),
    N_("ACS 5-year {period}"),
    N_("arrests {start} to {end}"),
    N_("stops {start} to {end}"),
    N_("monthly {start} to {end}"),
    N_("ZIP codes {start} to {end}"),
    N_("{first} and {second} decennial censuses"),
    N_("{years} (last year partial)"),
    N_("FMR FY{start}–FY{end}"),
    N_("FMR FY{year}"),
    N_("SAFMR FY{year}"),
    N_("current official boundaries"),
    N_("about {year} ({details})"),
    N_("{year} census"),
    N_("{first} and {second} records"),
    N_("{vintage} tract lines, boundary file {year}"),
    N_("{vintage} tract lines"),
    N_("{year} relationship file"),
    N_("3rd cycle: {report} ({year}) and {addendum} ({addendum_year})"),
    N_("as published"),
    N_("years with counts: {years}"),
    # how the snapshot was built, and how each source was read
    N_("publisher files"),
    N_("live services"),
    N_("live service"),
    # what the snapshot lacks
    N_("ACS measure '{name}' by tract"),
    N_("{n} further ACS measures by tract"),
    N_("not in the tables at hand: needs {cells} ({reason})"),
    N_("not in the tables at hand: needs {cells}"),
    N_("their cells are not in the tables at hand: {measures}"),
    N_("DP04 has no 50%-or-more bin of gross rent as a percentage of income: its top bin is 35.0 percent or more"),
    N_("not in the derived-measure table at hand; a build from the Census tables computes it"),
    N_("income and rent distributions (B19001, B25063) by tract"),
    N_("not in the derived-measure table at hand, so neighborhood medians cannot be re-estimated"),
    N_("decennial population by race for {areas}"),
    N_("published only combined, as '{name}'"),
    N_("eviction filings by tract (Eviction Lab 2000–2018 history)"),
    N_("not configured for this city: the tracking system publishes ZIP codes only"),
    N_("eviction filings by tract"),
    N_("the national tract file is read from --from-dir"),
    N_("eviction filings after {year}"),
    N_("not in the Eviction Lab file at hand"),
    N_("police stops"),
    N_("police use of force"),
    N_("firearm seizures"),
    N_("arrests"),
    N_("not in the data at hand"),
    N_("not configured"),
    N_("not configured for {city}"),
    N_("deprivation index"),
    N_("published as files only; build with --from-dir"),
    N_("neighborhood profiles (average years of residence)"),
    N_("the city publishes none in the data at hand"),
    N_("population by race by neighborhood, 2010 and 2020 censuses"),
    N_("no neighborhood census counts in the data at hand"),
    N_("two-bedroom rents against Small Area FMRs, HUD CHAS by tract"),
    N_("HUD Fair Market Rents"),
    N_("no FMR file configured"),
    N_("live HUD builds need HUD_API_TOKEN; build with --from-dir"),
    N_("neighborhood boundaries"),
    N_("no [neighborhoods] in the city config: figures are shown by tract"),
    N_("2020 tract → neighborhood weights"),
    N_("no 2010–2020 tract relationship file configured for this build"),
    N_("ZIP code boundaries"),
    N_("not configured; eviction filings stay at ZIP level"),
    N_("American Community Survey measures"),
    N_("neighborhood profiles"),
    N_("eviction filings"),
    N_("arrests and other police records"),
    N_("UPR recommendations"),
    N_("import them with `python -m indicators upr import FILE`"),
]


def _pattern(template: str) -> re.Pattern:
    escaped = re.escape(template)
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", escaped) + "$")


FORMS = [(_pattern(t), t) for t in TEMPLATES]


@lru_cache(maxsize=4096)
def in_language(text: str, lang: str | None) -> str:
    """``text`` (written by the build) in ``lang``; parts it cannot put into words are kept as written."""
    if normalise(lang) == SOURCE_LANGUAGE or not text:
        return text
    say = translator(lang)
    for pattern, template in FORMS:
        found = pattern.match(text)
        if found:
            return say(template, **{k: in_language(v, lang) for k, v in found.groupdict().items()})
    if "; " in text:
        return "; ".join(in_language(part, lang) for part in text.split("; "))
    return text
