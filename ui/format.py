"""Formatting figures for people: units, margins of error, plain-language comparisons. No Streamlit here."""

from __future__ import annotations

import html
import math

from indicators.catalog import Indicator


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value(ind: Indicator, x, *, with_unit: bool = True) -> str:
    """A figure in the indicator's unit: ``42.1%``, ``3.2 per 100``, ``1.8×``, ``$1,234``."""
    if _missing(x):
        return "undetermined" if ind.unit == "flag" else "not available"
    unit = ind.unit
    if unit == "flag":
        return "vulnerable" if x >= 0.5 else "not vulnerable"
    if unit == "share":
        return f"{x * 100:.1f}%"
    if unit == "percent_change":
        return f"{x * 100:+.1f}%"
    if unit == "per_100":
        return f"{x:.1f}" + (" per 100 renter households" if with_unit else "")
    if unit == "per_1000":
        return f"{x:.1f}" + (" per 1,000 residents" if with_unit else "")
    if unit == "ratio":
        return f"{x:.2f}×"
    if unit == "dollars":
        return f"${x:,.0f}"
    if unit == "years":
        return f"{x:.0f} years" if with_unit else f"{x:.0f}"
    return f"{x:.2f}"


def margin(ind: Indicator, moe) -> str:
    """``± 3.1 points`` in the same unit as :func:`value`, or an empty string where there is no MOE."""
    if _missing(moe):
        return ""
    if ind.unit in ("share", "percent_change"):
        return f"± {moe * 100:.1f} points"
    return "± " + value(ind, moe, with_unit=False)


def value_with_margin(ind: Indicator, x, moe) -> str:
    text = value(ind, x)
    m = margin(ind, moe)
    return f"{text} {m}" if m and text != "not available" else text


def compare_to_city(ind: Indicator, x, city) -> str:
    """“about 1.5 times the city rate”, “about the same as the city”, “about half the city rate”."""
    if _missing(x) or _missing(city) or city == 0:
        return ""
    if ind.unit == "percent_change":
        diff = (x - city) * 100
        return "about the same as the city" if abs(diff) < 1 else f"{abs(diff):.0f} points {'above' if diff > 0 else 'below'} the city"
    ratio = x / city
    if 0.9 <= ratio <= 1.1:
        return "about the same as the city"
    if ratio >= 1.1:
        return f"about {ratio:.1f} times the city figure"
    if 0.4 <= ratio <= 0.6:
        return "about half the city figure"
    return f"about {ratio:.0%} of the city figure".replace("about 0%", "far below")


def escape(text) -> str:
    """HTML-escape user or publisher text for tooltips and any HTML context."""
    return html.escape("" if text is None else str(text), quote=True)


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_markdown(text) -> str:
    """Make any text safe to show inside Markdown: every Markdown and HTML character is escaped."""
    out = []
    for ch in "" if text is None else str(text):
        out.append("\\" + ch if ch in MARKDOWN_SPECIAL else ch)
    return "".join(out)
