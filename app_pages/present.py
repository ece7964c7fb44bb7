"""Presentation mode: a clean full-width view for projecting in a council chamber — large type, one indicator or
one recommendation per screen, next and previous, no sidebar. Everything it shows is in the URL:
``/present?deck=indicators&slide=3&lang=es`` or ``/present?deck=priorities&list=<id>&slide=2``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.metrics.compute import NotAvailable
from indicators.metrics.text import escape_markdown
from indicators.tracker.progress import overview_table
from ui import data, evidence, mapview, state
from ui import i18n as ui18n
from ui import tracker as ut
from ui.i18n import N_, _

fmt = ui18n.words()
DECKS = {"indicators": N_("Neighborhood indicators"), "priorities": N_("Local priorities")}
#: the indicator deck's title where the city's first map level is not neighborhoods
AREA_DECK = N_("Indicators by area: {areas}")
TRACK_TITLES = {"city": N_("The city says"), "community": N_("The community says")}

# Large type and no chrome: fixed rules of this page only (no reader text goes into this markup).
STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
.block-container {max-width: 100% !important; padding: 1.2rem 2.5rem 1rem 2.5rem !important;}
.block-container h1 {font-size: 3rem !important; line-height: 1.15 !important;}
.block-container p, .block-container li {font-size: 1.45rem !important; line-height: 1.45 !important;}
.block-container [data-testid="stMetricValue"] p {font-size: 4.2rem !important; line-height: 1.1 !important;}
[data-testid="stMetricLabel"] p {font-size: 1.3rem !important;}
[data-testid="stCaptionContainer"] p {font-size: 1.05rem !important;}
.stButton button p {font-size: 1.3rem !important;}
.block-container [role="img"] span, .block-container [role="img"] strong {font-size: 1.1rem !important;}
</style>"""  # i18n: not shown
st.html(STYLE)

cities = data.cities()
# the city of a shared link, else the one this reader chose in the sidebar (navigation drops the URL's parameters)
city = state.param("city", st.session_state.get("sb_city") if st.session_state.get("sb_city") in cities else cities[0],
                   cities)
deck_id = state.param("deck", "indicators", DECKS)
state.unknown_city_notice(cities)
if data.open_or_explain(city) is None:
    st.stop()
# the areas of the indicator slides: ?level= where it is one of the city's map levels, else its first one
city_levels = data.levels(city)
level = state.param("level", state.area_level(city), city_levels)


def indicator_slides() -> list[dict]:
    """One slide per indicator the snapshot maps by the deck's areas (or those named in ``?ids=a,b``)."""
    wanted = [i for i in (state.param("ids") or "").split(",") if i]
    shown = [i for i in (data.indicators_for(city, level) if level else []) if not wanted or i.id in wanted]
    return [{"kind": "indicator", "id": i.id} for i in shown]


def priority_slides() -> tuple[list[dict], str | None]:
    store = ut.store(city)
    lists = store.priority_lists(city)
    if not lists:
        return [], None
    list_id = state.param("list", lists[0].list_id, [pl.list_id for pl in lists])
    plist = next(pl for pl in lists if pl.list_id == list_id)
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city), [plist]).set_index(
        ["cycle", "number"])
    slides = []
    for item in plist.items:
        rec = table.loc[(item.cycle, item.number)]
        slides.append({"kind": "recommendation", "number": item.number, "state": rec["recommending_state"],
                       "text": rec["text"], "responsible": item.responsible_body, "target": item.target_date,
                       "rationale": item.rationale,
                       "status": {t: ut.status_label(rec[f"{t}_status"]) for t in TRACK_TITLES}})
    return slides, plist.name


slides: list[dict]
deck_title = _(DECKS[deck_id]) if deck_id != "indicators" or level == "neighborhood" else _(
    AREA_DECK, areas=data.level_label(city, level) if level else "")
if deck_id == "priorities":
    try:
        slides, list_name = priority_slides()
    except ut.SharedStoreError as exc:  # a one-city store: say how to give this city its own
        st.error(ut.shared_store_message(exc))
        st.stop()
    except Exception as exc:  # the tracker store may be unreachable; say so on the screen
        st.error(_("The recommendations tracker cannot be read right now ({problem}).", problem=type(exc).__name__))
        st.stop()
    if list_name:
        deck_title = list_name
else:
    slides = indicator_slides()

total = len(slides) + 1  # slide 0 is the title screen
raw = state.param("slide", "0")
slide = min(max(int(raw), 0), total - 1) if raw and raw.isdigit() else 0


def go(to: int) -> None:
    st.session_state["present_slide"] = to


if "present_slide" in st.session_state:
    slide = min(max(st.session_state.pop("present_slide"), 0), total - 1)
state.set_param("deck", None if deck_id == "indicators" else deck_id)
state.set_param("slide", str(slide) if slide else None)
state.set_param("city", city if len(cities) > 1 else None)
state.set_param("level", None if not city_levels or level == city_levels[0] else level)
state.keep_language()


def controls(position: str) -> None:
    prev_col, where, next_col, exit_col = st.columns([1, 2, 1, 1])
    prev_col.button(_("← Previous"), key=f"prev_{position}", disabled=slide == 0, on_click=go, args=(slide - 1,),
                    width="stretch")
    where.markdown(_("Slide {k} of {n}", k=slide + 1, n=total))
    next_col.button(_("Next →"), key=f"next_{position}", disabled=slide >= total - 1, on_click=go,
                    args=(slide + 1,), type="primary", width="stretch")
    exit_col.page_link("app_pages/map.py", label=_("Leave presentation"), icon=":material/close:")


def title_slide() -> None:
    st.title(f"{escape_markdown(data.city_name(city))}: {escape_markdown(deck_title)}")
    if deck_id == "indicators":
        st.markdown(_("People-centered indicators by area: whether people can stay, afford their homes, avoid "
                      "eviction, and are policed fairly — not how fast the city grows."))
        if not slides:
            data.say_not_available(city, _("Indicators by area"), _("its data snapshot has no indicator by area"))
        st.markdown("\n".join(f"{n}. {escape_markdown(ui18n.indicator(s['id']).title)}"
                              for n, s in enumerate(slides, start=1)))
    elif slides:
        st.markdown(_("{n} recommendations from the UN Universal Periodic Review chosen by the coalition, each with "
                      "what the city government says and what the community says.", n=len(slides)))
    else:
        st.info(_("There is no local priority list yet. Editors can create one on the Edit page."))
    manifest = data.manifest(city)
    built = str(manifest.get("built_at", ""))[:10]
    st.caption(_("Figures from the data snapshot of {built}. Shown on {today}.", built=built or "?",
                 today=dt.date.today().isoformat()))


def indicator_slide(indicator_id: str) -> None:
    ind = ui18n.indicator(indicator_id)
    try:
        result = data.indicator(city, ind.id, level)
    except NotAvailable as exc:
        st.title(escape_markdown(ind.title))
        data.say_not_available(city, ind.title, data.indicator_reason(city, ind.id, level, exc))
        return
    period = fmt.period(result["period"].iloc[0]) if len(result) else ""
    st.title(escape_markdown(_("{indicator} ({period})", indicator=ind.title, period=period) if period else ind.title))
    frame, breaks, colours = mapview.map_frame(data.areas(city, level), result, ind)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.pydeck_chart(mapview.deck(frame, opacity=0.85, shapes=data.area_shapes(city, level)), height=600,
                        key=f"present_map_{ind.id}")
    with right:
        headline = data.city_value(city, ind.id)
        if headline:
            where = fmt.period(headline["period"])
            st.metric(_("County ({period})", period=where) if headline.get("geo_level") == "county" else _(
                "Whole city ({period})", period=where), fmt.value(ind, headline["estimate"]))
            margin = fmt.margin(ind, headline.get("moe"))
            if margin:
                st.caption(_("Margin of error (90%): {margin}", margin=margin))
        else:
            st.caption(_("No figure for the whole city is published for this measure."))
        st.markdown(escape_markdown(ind.meaning))
        st.markdown(_("**Why it matters:** {text}", text=escape_markdown(ind.framing)))
        period = fmt.period(result["period"].iloc[0]) if len(result) else ""
        st.html(mapview.legend_html(f"{ind.title} ({period})",
                                    mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())))
        if (frame["reliability"] == "unreliable").any():
            st.caption(_("Grey: the margin of error is too large to rely on the figure."))
        sources = data.source_titles(city, result["source_ids"].iloc[0] if len(result) else "")
        st.caption(_("Source: {sources}. Estimates carry a margin of error; see the dashboard's Methods page.",
                     sources=escape_markdown(sources)))
        evidence.caveats([ind])


def recommendation_slide(item: dict) -> None:
    st.title(_("Recommendation {number}", number=escape_markdown(item["number"])))
    st.caption(_("From {state}, in the UN Universal Periodic Review of the United States (official text, in "
                 "English).", state=escape_markdown(item["state"])))
    st.markdown(f"> {escape_markdown(item['text'])}")
    city_col, community_col = st.columns(2)
    for col, track in ((city_col, "city"), (community_col, "community")):
        col.metric(_(TRACK_TITLES[track]), item["status"][track])
    details = []
    if item["rationale"]:
        details.append(_("**Why it matters here:** {text}", text=escape_markdown(item["rationale"])))
    if item["responsible"]:
        details.append(_("**Who must act:** {text}", text=escape_markdown(item["responsible"])))
    if item["target"] is not None and not pd.isna(item["target"]):
        details.append(_("**Target date:** {text}", text=escape_markdown(item["target"])))
    if details:
        st.markdown("  \n".join(details))


controls("top")
if slide == 0:
    title_slide()
else:
    current = slides[slide - 1]
    if current["kind"] == "indicator":
        indicator_slide(current["id"])
    else:
        recommendation_slide(current)
