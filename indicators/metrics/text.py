"""Putting figures into words for people: units, margins of error and plain-language comparisons, in the
reader's language. Used by the app and by the exported briefs. No Streamlit here."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from indicators.metrics import comparisons as cmp
from indicators.metrics.catalog import Indicator
from indicators.core.i18n import N_, translator

# The library's notes and periods are written in English, in these forms (a ``{name}`` stands for a value that
# is kept as it is); each is said in the reader's language. A note that matches none is shown as written.
NOTE_TEMPLATES = [
    N_("rebuilt from tract counts apportioned by land area"),
    N_("HUD FY{year} Small Area FMR of the tract's largest-overlap ZIP"),
    N_("ZIP filings apportioned to neighborhoods by land area"),
    N_("ZIP filings and baselines apportioned to neighborhoods by land area"),
    N_("undetermined: {inputs} missing"),
    N_("fewer than 20 arrests in one group: too few for a ratio"),
    N_("published as 0 years: a gap in the publisher's estimate, not a measurement, shown as not estimated and not "
       "ranked"),
    N_("fewer than 100 residents in {year}: the percentage swings widely"),
    N_("no margin of error published (top- or bottom-coded value)"),
    N_("no census population published for this neighborhood alone"),
    N_("{vintage} tract figures moved onto {map_vintage} tract lines by land area"),
    N_("same tract in {vintage} and {map_vintage} lines"),
    N_("base: all renter households (B25070_001), as this snapshot has no rent burden universe: the share counts "
       "the renter households whose rent burden is not computed (B25070_011) in its denominator, so it reads low"),
    N_("flagged by Eviction Lab (low count, imputed or substituted)"),
    N_("ACS tract counts apportioned by land area"),
    N_("sum of the city's tracts"),
    N_("no margin of error published"),
    N_("{cell} = {value}: the value the Census Bureau writes for a median in the open top interval (\"{interval}\")"),
    N_("the estimate is that bound, not a measured median"),
    N_("blank cell: the file does not publish this value"),
    N_("no share: the denominator ({cell}) is 0 in this area"),
    N_("moved in 2009 or earlier (DP04 bins 2000 to 2009, 1990 to 1999, 1989 and earlier): 10 or more years by 2019, "
       "the last year of the 2015-2019 survey"),
    N_("households interviewed in 2015-2018 who moved in 2006-2009 had lived there 6 to 9 years"),
]


def _pattern(template: str) -> re.Pattern:
    """The template as a regular expression whose named groups catch its values."""
    escaped = re.escape(template)
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", escaped) + "$")


NOTE_FORMS = [(_pattern(t), t) for t in NOTE_TEMPLATES]
PERIOD_RANGE = re.compile(r"(?P<start>\S+) to (?P<end>\S+)$")

# comparisons in words, each said of the city and of the county (index: whether the reference is the county)
NOT_DISTINGUISHABLE = (N_("not distinguishable from the city"), N_("not distinguishable from the county"))
SAME_AS = (N_("the same as the city"), N_("the same as the county"))
POINTS_ABOVE = (N_("{points} points above the city"), N_("{points} points above the county"))
POINTS_BELOW = (N_("{points} points below the city"), N_("{points} points below the county"))
TIMES = (N_("about {ratio} times the city figure"), N_("about {ratio} times the county figure"))
SLIGHTLY_ABOVE = (N_("slightly above the city figure"), N_("slightly above the county figure"))
SLIGHTLY_BELOW = (N_("slightly below the city figure"), N_("slightly below the county figure"))
HALF = (N_("about half the city figure"), N_("about half the county figure"))
FAR_BELOW = (N_("far below the city figure"), N_("far below the county figure"))
SHARE_OF = (N_("about {share} of the city figure"), N_("about {share} of the county figure"))
ABOVE = (N_("above the city figure"), N_("above the county figure"))
BELOW = (N_("below the city figure"), N_("below the county figure"))
TREND_POINTS_UP = N_("{points} points up, a significant change")
TREND_POINTS_DOWN = N_("{points} points down, a significant change")
#: reliability classes (:mod:`indicators.core.moe`) in words
RELIABILITY_WORDS = {"reliable": N_("reliable (CV under 15%)"),
                     "use with caution": N_("use with caution (CV 15–30%)"),  # i18n: not shown
                     "unreliable": N_("unreliable"), "unknown": N_("no margin of error"),
                     "count": N_("a count, without sampling error")}
#: notes of the library that say no more than the geography of the figure (:func:`indicators.metrics.comparisons.basis`)
BASIS_NOTES = ("rebuilt from tract counts apportioned by land area",  # i18n: not shown
               "ZIP filings apportioned to neighborhoods by land area",  # i18n: not shown
               "ZIP filings and baselines apportioned to neighborhoods by land area",  # i18n: not shown
               "ACS tract counts apportioned by land area")  # i18n: not shown
#: the map labels of the displacement typology (:data:`indicators.metrics.typology.MAP_LABELS`), in its order
TYPOLOGY_LABELS = (N_("Low-Income/Susceptible to Displacement"), N_("Ongoing Displacement"),
                   N_("At Risk of Gentrification"), N_("Early/Ongoing Gentrification"), N_("Advanced Gentrification"),
                   N_("Stable Moderate/Mixed Income"), N_("At Risk of Becoming Exclusive"), N_("Becoming Exclusive"),
                   N_("Stable/Advanced Exclusive"), N_("High Student Population"), N_("Unavailable or Unreliable Data"))
#: the geographies of :func:`indicators.metrics.comparisons.basis` in words
BASIS_WORDS = {
    cmp.CITY: N_("city"), cmp.COUNTY: N_("county"), cmp.CITY_FROM_TRACTS: N_("city (sum of its tracts)"),
    cmp.FROM_TRACTS: N_("tracts apportioned by land area"), cmp.FROM_ZIPS: N_("ZIP codes apportioned by land area"),
    cmp.PUBLISHED: N_("as published for the area"), cmp.TRACT: N_("census tract"), cmp.ZIP: N_("ZIP code"),
}


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class FigureWords:
    """One figure in words (:meth:`Words.figure`)."""

    value: str
    reference: str
    comparison: str
    rank: str
    basis: str
    reliability: str
    period: str
    note: str


class Words:
    """Figures in words in one language: ``Words("es").value(ind, 0.421)`` → ``42.1%``."""

    def __init__(self, lang: str | None = "en"):
        self._ = translator(lang)
        self.lang = self._.lang

    def value(self, ind: Indicator, x, *, with_unit: bool = True) -> str:
        """A figure in the indicator's unit: ``42.1%``, ``3.2 per 100``, ``1.8×``, ``$1,234``."""
        _ = self._
        if missing(x):
            return _("undetermined") if ind.unit == "flag" else _("not available")
        unit = ind.unit
        if unit == "category":
            code = int(x) - 1
            return _(TYPOLOGY_LABELS[code]) if 0 <= code < len(TYPOLOGY_LABELS) else _("not available")
        if unit == "flag":
            return _("vulnerable") if x >= 0.5 else _("not vulnerable")
        if unit == "share":
            return f"{x * 100:.1f}%"
        if unit == "percent_change":
            return f"{x * 100:+.1f}%"
        if unit == "per_100":
            return _("{x} per 100 renter households", x=f"{x:.1f}") if with_unit else f"{x:.1f}"
        if unit == "per_1000":
            return _("{x} per 1,000 residents", x=f"{x:.1f}") if with_unit else f"{x:.1f}"
        if unit == "ratio":
            return f"{x:.2f}×"
        if unit == "dollars":
            return f"${x:,.0f}"
        if unit == "years":
            return _("{x} years", x=f"{x:.0f}") if with_unit else f"{x:.0f}"
        return f"{x:.2f}"

    def margin(self, ind: Indicator, moe) -> str:
        """``± 3.1 points`` in the same unit as :meth:`value`, or an empty string where there is no MOE."""
        if missing(moe):
            return ""
        if ind.unit in ("share", "percent_change"):
            return self._("± {x} points", x=f"{moe * 100:.1f}")
        return "± " + self.value(ind, moe, with_unit=False)

    def value_with_margin(self, ind: Indicator, x, moe) -> str:
        text = self.value(ind, x)
        m = self.margin(ind, moe)
        return f"{text} {m}" if m and not missing(x) else text

    def compare_to_city(self, ind: Indicator, x, city, *, moe=None, city_moe=None,
                        reference_level: str = "city") -> str:
        """The figure against the city's (or the county's) in words, after the 90% significance test:
        ``not distinguishable from the city``, ``6.0 points above the city`` (shares: points),
        ``about 1.6 times the city figure`` (rates, dollars, years: a ratio, only for a significant difference).
        See :meth:`comparison`."""
        return self.comparison(ind, cmp.compare(x, moe, city, city_moe, uncertainty=ind.uncertainty,
                                                reference_level=reference_level))

    def comparison(self, ind: Indicator, comparison: "cmp.Comparison | None") -> str:
        """A :class:`indicators.metrics.comparisons.Comparison` in words, in this language."""
        _ = self._
        if comparison is None:
            return ""
        county = comparison.reference_level == "county"
        if comparison.kind == cmp.NOT_DISTINGUISHABLE:
            return _(NOT_DISTINGUISHABLE[county])
        if comparison.kind == cmp.SAME:
            return _(SAME_AS[county])
        size = self._difference(ind, comparison, county)
        if comparison.kind == cmp.UNTESTED:
            if comparison.direction == cmp.SAME:
                return _(SAME_AS[county])
            return _("{difference} (not tested: no margin of error published)", difference=size)
        return size

    def _difference(self, ind: Indicator, c: "cmp.Comparison", county: bool) -> str:
        """How far and which way a figure lies from the reference: points for shares and percent changes, a
        ratio for rates, dollars and years, only the direction for ratios and indices."""
        _ = self._
        above = c.direction == cmp.HIGHER
        if ind.unit in ("share", "percent_change"):
            template = POINTS_ABOVE[county] if above else POINTS_BELOW[county]
            return _(template, points=f"{abs(c.difference) * 100:.1f}")
        ratio = c.ratio
        if ind.unit in ("per_100", "per_1000", "dollars", "years") and not math.isnan(ratio) and ratio > 0:
            if ratio >= 1.1:
                return _(TIMES[county], ratio=f"{ratio:.1f}")
            if ratio > 1:
                return _(SLIGHTLY_ABOVE[county])
            if ratio >= 0.9:
                return _(SLIGHTLY_BELOW[county])
            if 0.4 <= ratio <= 0.6:
                return _(HALF[county])
            if ratio < 0.005:
                return _(FAR_BELOW[county])
            return _(SHARE_OF[county], share=f"{ratio:.0%}")
        return _(ABOVE[county] if above else BELOW[county])

    def reference_value(self, ind: Indicator, row) -> str:
        """The reference figure with its margin of error, labelled with its geography where it is not the city's:
        ``45.3% ± 1.8 points`` or ``county: 0.88×``."""
        if not row:
            return ""
        text = self.value_with_margin(ind, row.get("estimate"), row.get("moe"))
        return self._("county: {value}", value=text) if row.get("geo_level") == "county" else text

    def basis(self, key: str | None) -> str:
        """The geography a figure describes (:func:`indicators.metrics.comparisons.basis`) in words."""
        return self._(BASIS_WORDS[key]) if key in BASIS_WORDS else ""

    def rank(self, row) -> str:
        """``3 of 90``, with the range the margins of error allow where it is wide (``3 of 90 (could be 1–12)``)
        and a mark for an unreliable figure (``1 of 90 — unreliable figure``); ``no rank`` without a figure."""
        _ = self._
        rank, n = row.get("rank"), row.get("n")
        if missing(rank) or missing(n):
            return _("no rank")
        text = _("{rank} of {n}", rank=int(rank), n=int(n))
        if cmp.rank_is_wide(row):
            text = _("{rank_text} (could be {low}–{high})", rank_text=text, low=int(row["rank_low"]),
                     high=int(row["rank_high"]))
        mark = row.get("rank_mark")
        if mark == cmp.UNRELIABLE_RANK:
            text = _("{rank_text} — unreliable figure", rank_text=text)
        elif mark == cmp.UNKNOWN_RANK:
            text = _("{rank_text} — no margin of error published", rank_text=text)
        return text

    def figure(self, ind: Indicator, row, reference=None) -> "FigureWords":
        """A result row (with its rank columns, where ranked) beside its reference row, in words: the figure with
        its uncertainty, the reference figure labelled with its geography, the 90% comparison, the rank with its
        range and mark, the geography the figure describes, its reliability, period and notes (an arrest ratio's
        counts and period first)."""
        row = dict(row or {})
        comparison = cmp.compare_rows(row, reference, uncertainty=ind.uncertainty) if reference else None
        # notes that only say how the figure was moved onto the area repeat its geography: said once, as the basis
        notes = [self.arrest_counts(row) if ind.id == "arrest_disparity_black_white" else "",
                 self.note("; ".join(part for part in str(row.get("note") or "").split("; ")
                                     if part and part not in BASIS_NOTES))]
        reliability = row.get("reliability")
        if reliability == "unknown" and ind.uncertainty == cmp.COUNTS:
            reliability = "count"
        return FigureWords(
            value=self.value_with_uncertainty(ind, row) if not missing(row.get("estimate")) else self._(
                "no figure"),
            reference=self.reference_value(ind, reference) if reference else "",
            comparison=self.comparison(ind, comparison),
            rank=self.rank(row) if "rank" in row else "",
            basis=self.basis(cmp.basis(row)) if row else "",
            reliability=self._(RELIABILITY_WORDS[reliability]) if reliability in RELIABILITY_WORDS and not missing(
                row.get("estimate")) else "",
            period=self.period(row.get("period")),
            note="; ".join(n for n in notes if n))

    def trend(self, ind: Indicator, trend) -> str:
        """A change between two periods that share no year (:class:`indicators.metrics.summary.Trend`) in words:
        ``city: 47.2% ± 0.7 points (2015–2019) → 47.7% ± 0.8 points (2020–2024): not a significant change``."""
        _ = self._
        if trend is None:
            return ""
        where = self._("county") if trend.level == "county" else self._("city") if trend.level == "city" else ""
        change = trend.comparison
        if change is None or change.kind == cmp.UNTESTED:
            verdict = _("not tested: no margin of error published")
        elif change.kind in (cmp.NOT_DISTINGUISHABLE, cmp.SAME):
            verdict = _("not a significant change")
        elif ind.unit in ("share", "percent_change"):
            verdict = _(TREND_POINTS_UP if change.direction == cmp.HIGHER else TREND_POINTS_DOWN,
                        points=f"{abs(change.difference) * 100:.1f}")
        else:
            verdict = _("up, a significant change") if change.direction == cmp.HIGHER else _(
                "down, a significant change")
        text = _("{start} ({start_period}) → {end} ({end_period}): {verdict}",
                 start=self.value_with_margin(ind, trend.start, trend.start_moe), start_period=self.period(trend.start_period),
                 end=self.value_with_margin(ind, trend.end, trend.end_moe), end_period=self.period(trend.end_period),
                 verdict=verdict)
        return _("{where}: {trend}", where=where, trend=text) if where else text

    def tract_counts(self, ind: Indicator, counts: dict, tracts: int) -> str:
        """How many of an area's tracts carry each value of a tract measure: ``2 of 3 tracts vulnerable, 1 not``;
        ``3 tracts: 2 Ongoing Displacement, 1 At Risk of Gentrification``."""
        _ = self._
        if not tracts:
            return _("no tract has 5% or more of its land in this area")
        if ind.unit == "flag":
            parts = [_("{k} of {n} tracts vulnerable", k=counts.get(1.0, 0), n=tracts)]
            if counts.get(0.0):
                parts.append(_("{k} not", k=counts[0.0]))
            if counts.get(None):
                parts.append(_("{k} undetermined", k=counts[None]))
            return ", ".join(parts)
        listed = ", ".join(f"{k} {self.value(ind, code)}" for code, k in sorted(
            counts.items(), key=lambda item: (item[0] is None, item[0] or 0)))
        return _("{n} tracts: {types}", n=tracts, types=listed)

    def value_with_uncertainty(self, ind: Indicator, row) -> str:
        """A result row's figure with its uncertainty: ``± margin`` where it has one, the 90% interval where it has
        ``lower`` and ``upper`` (``14.39× (90% interval 10.39× to 19.94×)``), else the figure alone."""
        x = row.get("estimate")
        lower, upper = row.get("lower"), row.get("upper")
        if not missing(x) and not missing(lower) and not missing(upper):
            return self._("{value} (90% interval {low} to {high})", value=self.value(ind, x),
                          low=self.value(ind, lower), high=self.value(ind, upper))
        return self.value_with_margin(ind, x, row.get("moe"))

    def arrest_counts(self, row) -> str:
        """The counts and period behind an arrest ratio: ``46 Black and 57 white arrests (2016-08-01 to
        2017-03-29); 416 Black and 7,420 white residents``."""
        if missing(row.get("black_arrests")):
            return ""
        return self._("{black_arrests} Black and {white_arrests} white arrests ({period}); {black_residents} Black "
                      "and {white_residents} white residents", black_arrests=f"{row['black_arrests']:,.0f}",
                      white_arrests=f"{row['white_arrests']:,.0f}", period=self.period(row.get("period")),
                      black_residents=f"{row.get('black_residents') or 0:,.0f}",
                      white_residents=f"{row.get('white_residents') or 0:,.0f}")

    def period_warning(self, items) -> str:
        """Where figures set side by side cover different periods, say which: ``items`` are (title, period)."""
        shown = [(title, period) for title, period in items if not missing(period) and str(period)]
        if len({str(p) for _t, p in shown}) < 2:
            return ""
        listed = "; ".join(f"{title}: {self.period(period)}" for title, period in shown)
        return self._("Not the same period: {figures}. Read them side by side with care.", figures=listed)

    def reference_name(self, row) -> str:
        """``city`` or ``county``: what the reference figure of a row is, from its level."""
        return self._("county") if (row or {}).get("geo_level") == "county" else self._("city")

    def margin_explained(self, ind: Indicator, x, moe) -> str:
        """What ± means, said once for a resident with the figure at hand: ``53.6% ± 10.5 points means the survey
        puts the share between 43.1% and 64.1%, nine times in ten.``"""
        if missing(x) or missing(moe):
            return ""
        low, high = self.value(ind, x - moe), self.value(ind, x + moe)
        return self._("How to read ±: {value} means the survey puts the figure between {low} and {high}, nine times "
                      "out of ten. Where the difference between two figures could be chance at that level, this "
                      "dashboard calls them not distinguishable rather than higher or lower.",
                      value=self.value_with_margin(ind, x, moe), low=low, high=high)

    def note(self, text) -> str:
        """A note of the library (parts joined by "; ") in this language; unknown parts as written."""
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return ""
        parts = []
        for part in str(text).split("; "):
            for pattern, template in NOTE_FORMS:
                found = pattern.match(part)
                if found:
                    part = self._(template, **found.groupdict())
                    break
            parts.append(part)
        return "; ".join(parts)

    def period(self, text) -> str:
        """``2022-12-01 to 2023-11-30`` in this language (years and ranges with a dash need no words)."""
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return ""
        found = PERIOD_RANGE.match(str(text))
        return self._("{start} to {end}", **found.groupdict()) if found else str(text)

    escape = staticmethod(lambda text: escape(text))
    escape_markdown = staticmethod(lambda text: escape_markdown(text))


def escape(text) -> str:
    """HTML-escape user or publisher text for tooltips and any HTML context."""
    return html.escape("" if text is None else str(text), quote=True)


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_markdown(text) -> str:
    """Make any text safe to show inside Markdown: every Markdown and HTML character is escaped."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in ("" if text is None else str(text)))
