"""Putting figures into words for people: units, margins of error and plain-language comparisons, in the
reader's language. Used by the app and by the exported briefs. No Streamlit here."""

from __future__ import annotations

import html
import math
import re

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
    N_("fewer than 10 arrests in one group: too few to read as a pattern"),
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


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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

    def compare_to_city(self, ind: Indicator, x, city) -> str:
        """“about 1.5 times the city figure”, “about the same as the city”, “about half the city figure”."""
        _ = self._
        if missing(x) or missing(city) or city == 0:
            return ""
        if ind.unit == "percent_change":
            diff = (x - city) * 100
            if abs(diff) < 1:
                return _("about the same as the city")
            points = f"{abs(diff):.0f}"
            return _("{points} points above the city", points=points) if diff > 0 else _(
                "{points} points below the city", points=points)
        ratio = x / city
        if 0.9 <= ratio <= 1.1:
            return _("about the same as the city")
        if ratio >= 1.1:
            return _("about {ratio} times the city figure", ratio=f"{ratio:.1f}")
        if 0.4 <= ratio <= 0.6:
            return _("about half the city figure")
        if ratio < 0.005:
            return _("far below the city figure")
        return _("about {share} of the city figure", share=f"{ratio:.0%}")

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
