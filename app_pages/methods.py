"""Methods and sources: every indicator's definition from the catalog, every source from the snapshot manifest,
how the figures are made, what is missing, the snapshot's tables and downloads of all of them."""

import pandas as pd
import streamlit as st

from indicators import catalog
from indicators.snapshot_schema import TABLES, describe_markdown
from ui import data, state
from ui.i18n import _, words

fmt = words()

DIRECTIONS = {"higher_is_worse": "a higher figure is worse", "higher_is_better": "a higher figure is better",
              "context": "context: neither better nor worse"}
UNITS = {"share": "share (shown as a percentage)", "percent_change": "percent change", "per_100": "per 100",
         "per_1000": "per 1,000", "ratio": "ratio", "dollars": "dollars", "years": "years", "index": "index (0–1)"}

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
state.keep_in_url(view)
manifest = data.manifest(city)
sources = {s["id"]: s for s in manifest["sources"]}
e = fmt.escape_markdown

st.title("Methods and sources")
st.markdown(f"Every figure on this dashboard comes from the {e(data.city_name(city))} data snapshot built "
            f"{e(manifest['built_at'][:10])} from {e(manifest['built_from'])} (schema version "
            f"{manifest['schema_version']}). This page is generated from the indicator catalog and the snapshot's "
            "manifest, so it always describes the figures shown.")

st.header("What this snapshot cannot show yet")
st.markdown("\n".join(f"- **{e(m['what'])}**: {e(m['why'])}" for m in manifest.get("missing", []))
            or "The snapshot reports nothing missing.")

st.header("How the figures are made")
st.subheader("From census tracts to neighborhoods")
st.markdown(
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
    "households in each rent or income band), so medians are shown only where they are published.\n"
    "- Eviction filings, published by ZIP code, move to neighborhoods the same way, by the share of each ZIP "
    "code's land in each neighborhood.")
st.subheader("Margins of error and reliability")
st.markdown(
    "ACS figures are estimates from a sample; each comes with a 90% margin of error (MOE). The coefficient of "
    "variation, CV = (MOE ÷ 1.645) ÷ estimate × 100, sorts them into three classes:\n"
    "- **reliable**: CV under 15%;\n- **use with caution**: CV from 15% to 30%;\n"
    "- **unreliable**: CV over 30% (greyed on the map, marked in the tables).\n\n"
    "Census counts and administrative records (arrests, eviction filings) have no sampling error, so they carry "
    "no MOE; their own caveats are listed with each indicator. Two estimates differ significantly (at 90%) when "
    "|X₂ − X₁| ÷ √(SE₁² + SE₂²) > 1.645, with SE = MOE ÷ 1.645.")
st.subheader("Overlapping ACS periods")
st.markdown(
    "Each ACS 5-year release pools five years of interviews, so consecutive releases share four years. Changes are "
    "only computed between periods that share no year (2010–2014 and 2020–2024); the series charts show every "
    "release, but their year-to-year steps are not separate changes.")
st.subheader("Ranks")
st.markdown("Rank 1 is the area where the figure is worst; for context measures, which are neither better nor "
            "worse, rank 1 is the highest figure. Areas without a figure are not ranked.")

st.header("Indicators")


def source_line(source_id: str) -> str:
    src = sources.get(source_id)
    if src is None:
        return f"- {e(source_id)}: not in this snapshot"
    return (f"- **{e(src['publisher'])}**, {e(src['title'])}: {e(src['vintage'])}; retrieved "
            f"{e(str(src['retrieved_at'])[:10])} ({e(src.get('retrieved_via', ''))}); licence: {e(src['licence'])}")


for topic, question in catalog.TOPICS.items():
    st.subheader(question)
    for ind in (i for i in catalog.CATALOG.values() if i.topic == topic):
        with st.expander(ind.title):
            st.markdown("\n".join([
                f"**What it shows:** {e(ind.meaning)}", "",
                f"**Right:** {e(ind.right)}", "",
                f"**Why it matters:** {e(ind.framing)}", "",
                f"**Formula:** {e(ind.formula)}", "",
                f"**Universe:** {e(ind.universe)}", "",
                f"**Unit:** {e(UNITS.get(ind.unit, ind.unit))}; **direction:** {e(DIRECTIONS[ind.direction])}", "",
                "**Available for:** " + (e(", ".join(ind.levels)) if ind.levels else "no geography in this snapshot"),
                "", "**Sources:**", *(source_line(s) for s in ind.sources), "",
                "**Caveats:**" if ind.caveats else "", *(f"- {e(c)}" for c in ind.caveats)]))
            st.caption(f"Indicator id: {e(ind.id)}")

st.header("Sources")
st.dataframe(pd.DataFrame([{
    "Source": s["id"], "Title": s["title"], "Publisher": s["publisher"], "Vintage": s["vintage"],
    "Retrieved": str(s["retrieved_at"])[:10], "From": s.get("retrieved_via", ""), "Licence": s["licence"],
    "Attribution": s.get("attribution", ""), "Address": s.get("url") or "",
    "Caveats": " | ".join(s.get("caveats", []))} for s in manifest["sources"]]), hide_index=True, width="stretch")

st.header("Snapshot tables")
schema = describe_markdown().splitlines()
with st.expander(schema[0].lstrip("# ")):
    # the schema's own headings sit below this page's section headings
    st.markdown("\n".join("#" + line if line.startswith("## ") else line for line in schema[1:]))

st.header("Downloads")
st.markdown("Every table of the snapshot as CSV (text cells that a spreadsheet would run as formulas are prefixed "
            "with ') and the geographies as GeoJSON. Please credit the publishers named above.")
for name, info in manifest["tables"].items():
    cols = st.columns([3, 2, 2])
    cols[0].markdown(f"**{e(name)}**: {info['rows']:,} rows")
    cols[1].download_button(f"{name}.csv", lambda n=name: data.table_csv(city, n), file_name=f"{city}_{name}.csv",
                            mime="text/csv", key=f"csv_{name}", on_click="ignore")
    if TABLES.get(name, {}).get("geo"):
        cols[2].download_button(f"{name}.geojson", lambda n=name: data.geojson(city, n), file_name=f"{city}_{name}.geojson",
                                mime="application/geo+json", key=f"geojson_{name}", on_click="ignore")
