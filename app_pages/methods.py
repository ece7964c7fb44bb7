"""Methods and sources: every indicator's definition from the catalog, every source from the snapshot manifest,
how the figures are made, what is missing, the snapshot's tables and downloads of all of them."""

import pandas as pd
import streamlit as st

from indicators.metrics import catalog
from indicators.snapshot.schema import SCHEMA_VERSION, TABLES, describe_markdown
from indicators.snapshot.words import in_language
from ui import charts, data, evidence, state
from ui.i18n import N_, _, indicator, lang, topics, words

fmt = words()

DIRECTIONS = {"higher_is_worse": N_("a higher figure is worse"), "higher_is_better": N_("a higher figure is better"),
              "context": N_("context: neither better nor worse")}
UNITS = {"share": N_("share (shown as a percentage)"), "percent_change": N_("percent change"),
         "per_100": N_("per 100"), "per_1000": N_("per 1,000"), "ratio": N_("ratio"), "dollars": N_("dollars"),
         "years": N_("years"), "index": N_("index (0–1)"), "flag": N_("flag (vulnerable or not)")}

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
state.keep_in_url(view)
manifest = data.manifest(city)
sources = {s["id"]: s for s in manifest["sources"]}
e = fmt.escape_markdown


def said(text) -> str:
    """The snapshot's own words (its gaps, vintages, how it was built) in the reader's language."""
    return in_language(str(text or ""), lang())


st.title(_("Methods and sources"))
st.markdown(_("Every figure on this dashboard comes from the {city} data snapshot built {built_at} from {built_from} "
              "(schema version {version}). This page is generated from the indicator catalog and the snapshot's "
              "manifest, so it always describes the figures shown.", city=e(data.city_name(city)),
              built_at=e(manifest["built_at"][:10]), built_from=e(said(manifest["built_from"])),
              version=manifest["schema_version"]))
if lang() != "en":
    st.caption(_("The sources' titles and caveats are given as their publishers wrote them, in English."))

st.header(_("What this snapshot cannot show yet"))
st.markdown("\n".join(f"- **{e(said(m['what']))}**: {e(said(m['why']))}" for m in manifest.get("missing", []))
            or _("The snapshot reports nothing missing."))
unserved = [indicator(i).title for i in catalog.CATALOG if not data.available_levels(city, i)]
if unserved:
    st.markdown(_("**Not available for {city}:** {indicators} (each indicator below says why).",
                  city=e(data.city_name(city)), indicators=e("; ".join(unserved))))

st.header(_("How the figures are made"))
if any(lv != "tract" for lv in data.levels(city)):
    st.subheader(_("From census tracts to neighborhoods"))
    st.markdown(_(
        "The Census Bureau publishes the American Community Survey (ACS) by census tract; the city's neighborhoods do "
        "not follow tract lines. Each tract is shared among the neighborhoods by **area weights**: the share *w* of the "
        "tract's land lying in each neighborhood (overlay of the official polygons; 2020 tracts through the Census "
        "2010–2020 tract relationship file).\n"
        "- **Counts** (households, renters, people in poverty) move to a neighborhood as Σ *w* × count, which assumes "
        "people are spread evenly over each tract's land.\n"
        "- Their **margins of error** combine as √Σ(*w* × MOE)², the Census Bureau's formula for a sum of estimates.\n"
        "- **Shares** are never averaged: the numerator and denominator counts are moved separately and divided again, "
        "with the ACS formula for the MOE of a proportion (the ratio formula where that one fails).\n"
        "- **Medians are never averaged or weighted**: a neighborhood median needs the full distribution (how many "
        "households in each rent or income band), so medians are shown only where they are published."))
    if data.has(city, "evictions_zip"):
        st.markdown(_("- Eviction filings, published by ZIP code, move to neighborhoods the same way, by the share of "
                      "each ZIP code's land in each neighborhood."))
st.subheader(_("Margins of error and reliability"))
st.markdown(_(
    "ACS figures are estimates from a sample; each comes with a 90% margin of error (MOE). The coefficient of "
    "variation, CV = (MOE ÷ 1.645) ÷ estimate × 100, sorts them into three classes:\n"
    "- **reliable**: CV under 15%;\n- **use with caution**: CV from 15% to 30%;\n"
    "- **unreliable**: CV over 30% (greyed on the map, marked in the tables).\n\n"
    "Census counts and administrative records (arrests, eviction filings) have no sampling error, so they carry "
    "no MOE; their own caveats are listed with each indicator. Two estimates differ significantly (at 90%) when "
    "|X₂ − X₁| ÷ √(SE₁² + SE₂²) > 1.645, with SE = MOE ÷ 1.645."))
evidence.methods(city)
st.subheader(_("Overlapping ACS periods"))
st.markdown(_(
    "Each ACS 5-year release pools five years of interviews, so consecutive releases share four years. Changes are "
    "only computed between periods that share no year (2010–2014 and 2020–2024); the series charts show every "
    "release, but their year-to-year steps are not separate changes."))

st.header(_("Indicators"))


def source_line(source_id: str) -> str:
    src = sources.get(source_id)
    if src is None:
        return "- " + _("{source}: not in this snapshot", source=e(source_id))
    return "- " + _("**{publisher}**, {title}: {vintage}; retrieved {retrieved} ({via}); licence: {licence}",
                    publisher=e(src["publisher"]), title=e(src["title"]), vintage=e(said(src["vintage"])),
                    retrieved=e(str(src["retrieved_at"])[:10]), via=e(said(src.get("retrieved_via", ""))),
                    licence=e(src["licence"]))


for topic, question in topics().items():
    st.subheader(question)
    for ind in (indicator(i.id) for i in catalog.CATALOG.values() if i.topic == topic):
        with st.expander(ind.title):
            st.markdown("\n".join([
                _("**What it shows:** {text}", text=e(ind.meaning)), "",
                _("**Right:** {text}", text=e(ind.right)), "",
                _("**Why it matters:** {text}", text=e(ind.framing)), "",
                _("**Formula:** {text}", text=e(ind.formula)), "",
                _("**Universe:** {text}", text=e(ind.universe)), "",
                _("**Unit:** {unit}; **direction:** {direction}", unit=e(_(UNITS[ind.unit]) if ind.unit in UNITS
                                                                         else ind.unit),
                  direction=e(_(DIRECTIONS[ind.direction]))), "",
                _("**Available for:** {levels}", levels=e(data.levels_in_words(data.available_levels(city, ind.id))))
                if data.available_levels(city, ind.id) else
                _("**Not available for {city}:** {reason}", city=e(data.city_name(city)),
                  reason=e(data.indicator_reason(city, ind.id))),
                "", _("**Sources:**"), *(source_line(s) for s in ind.sources), "",
                _("**Caveats:**") if ind.caveats else "", *(f"- {e(c)}" for c in ind.caveats)]))
            st.caption(_("Indicator id: {id}", id=e(ind.id)))

st.header(_("Sources"))
# a static table whose long texts wrap (cards on a phone), for 10 to 20 rows to read, not to sort: as an
# interactive grid it took 0.6 s of this page's 2 s in the browser. In 8 columns, so that a wide screen shows
# them: the source's id (which the tables' ``source_id`` columns give) after its title, where it was retrieved
# from after when, and the address (one long word) last
sources_table = pd.DataFrame([{
    _("Source"): f"{s['title']} ({s['id']})", _("Publisher"): s["publisher"], _("Vintage"): said(s["vintage"]),
    _("Retrieved"): ", ".join(part for part in (str(s["retrieved_at"])[:10], said(s.get("retrieved_via", ""))) if part),
    _("Licence"): s["licence"], _("Attribution"): s.get("attribution", ""),
    _("Caveats"): " | ".join(s.get("caveats", [])), _("Address"): s.get("url") or ""} for s in manifest["sources"]])
charts.table_or_cards(sources_table, title=_("Source"))

st.header(_("Snapshot tables"))
schema = describe_markdown(lang()).splitlines()
with st.expander(_("Snapshot tables (schema version {version})", version=SCHEMA_VERSION)):
    # the schema's own headings sit below this page's section headings
    st.markdown("\n".join("#" + line if line.startswith("## ") else line for line in schema[1:]))

st.header(_("Downloads"))
st.markdown(_("Every table of the snapshot as CSV (text cells that a spreadsheet would run as formulas are prefixed "
              "with ') and the geographies as GeoJSON. Please credit the publishers named above."))
for name, info in manifest["tables"].items():
    cols = st.columns([3, 2, 2])
    cols[0].markdown(_("**{table}**: {rows} rows", table=e(name), rows=f"{info['rows']:,}"))
    cols[1].download_button(f"{name}.csv", lambda n=name: data.table_csv(city, n), file_name=f"{city}_{name}.csv",
                            mime="text/csv", key=f"csv_{name}", on_click="ignore")
    if TABLES.get(name, {}).get("geo"):
        cols[2].download_button(f"{name}.geojson", lambda n=name: data.geojson(city, n), file_name=f"{city}_{name}.geojson",
                                mime="application/geo+json", key=f"geojson_{name}", on_click="ignore")
