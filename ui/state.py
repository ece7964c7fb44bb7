"""Shareable view state: the shared sidebar's choices live in ``st.query_params`` so a copied URL opens the
same view. The sidebar is drawn by the entry point (so its widgets keep their values across pages) and
writes its choices back into the URL on every run, since Streamlit clears query parameters on navigation.
"""

from __future__ import annotations

import streamlit as st

from indicators.metrics import catalog
from ui import i18n
from ui.i18n import N_, _

LEVELS = {"neighborhood": N_("Neighborhoods"), "tract": N_("Census tracts")}
DEFAULT_INDICATOR = "rent_burden_share"


def param(name: str, default: str | None = None, allowed=None) -> str | None:
    value = st.query_params.get(name, default)
    if allowed is not None and value not in allowed:
        return default
    return value


def set_param(name: str, value: str | None) -> None:
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def _seed(key: str, value) -> None:
    """Give a widget its first value from the URL; later runs keep what the user chose."""
    if key not in st.session_state:
        st.session_state[key] = value


def seed_language() -> str:
    """Take the reader's language from the URL on a first visit (before anything is drawn in it)."""
    _seed(i18n.KEY, i18n.lang())
    return i18n.lang()


def language_selector() -> None:
    """The language switch, at the top of the sidebar; the choice is kept in the URL."""
    with st.sidebar:
        st.radio("Language · Idioma", list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,  # i18n: same in every language
                 key=i18n.KEY, horizontal=True)
    keep_language()


def keep_language() -> None:
    set_param("lang", None if i18n.lang() == "en" else i18n.lang())


def sidebar(city_options: list[str]) -> dict:
    """The shared sidebar: city, geography level and indicator. Returns and stores the choices."""
    _seed("sb_city", param("city", city_options[0], city_options))
    _seed("sb_level", param("level", "neighborhood", LEVELS))
    with st.sidebar:
        if len(city_options) > 1:
            st.selectbox(_("City"), city_options, key="sb_city")
        # labels worked out now: Streamlit may call a format function again outside this run
        level_labels = {lv: _(label) for lv, label in LEVELS.items()}
        level = st.radio(_("Show figures by"), list(LEVELS), format_func=level_labels.get, key="sb_level",
                         horizontal=True)
        options = [i.id for i in catalog.available(level)]
        wanted = param("indicator", st.session_state.get("sb_indicator", DEFAULT_INDICATOR))
        if st.session_state.get("sb_indicator") not in options:
            st.session_state["sb_indicator"] = wanted if wanted in options else (
                DEFAULT_INDICATOR if DEFAULT_INDICATOR in options else options[0])
        titles = {i: i18n.indicator(i).title for i in options}
        indicator_id = st.selectbox(_("Indicator"), options, key="sb_indicator", format_func=titles.get)
        year = _vintage(st.session_state["sb_city"], indicator_id, level)
    view = {"city": st.session_state["sb_city"], "level": level, "indicator": indicator_id, "year": year,
            "several_cities": len(city_options) > 1}
    st.session_state["view"] = view
    return view


def _vintage(city: str, indicator_id: str, level: str) -> int | None:
    """A year selector for indicators the snapshot holds for several years (None: the indicator's default)."""
    from ui import data

    try:
        years = data.vintages(city, indicator_id, level)
    except Exception:
        return None
    if not years:
        return None
    acs_like = catalog.get(indicator_id).sources[0].startswith(("acs5", "deprivation"))
    options = [None, *years]
    labels = {y: (_("newest") if y is None else f"{y - 4}–{y}") if acs_like else (
        _("latest full year") if y is None else str(y)) for y in options}
    wanted = param("year")
    key = f"sb_year_{indicator_id}_{level}"
    if key not in st.session_state:
        st.session_state[key] = int(wanted) if wanted and wanted.isdigit() and int(wanted) in years else None
    return st.selectbox(_("Period") if acs_like else _("Year"), options, key=key, format_func=labels.get)


def keep_in_url(view: dict, **extra) -> None:
    """Write the view (and page-specific values, None to drop) into the URL."""
    set_param("city", view["city"] if view.get("several_cities") else None)
    set_param("level", view["level"])
    set_param("indicator", view["indicator"])
    set_param("year", str(view["year"]) if view.get("year") else None)
    keep_language()
    for key, value in extra.items():
        set_param(key, value)


def view() -> dict:
    return st.session_state["view"]
