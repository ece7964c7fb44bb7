"""Shareable view state: the shared sidebar's choices live in ``st.query_params`` so a copied URL opens the
same view. The sidebar is drawn by the entry point (so its widgets keep their values across pages) and
writes its choices back into the URL on every run, since Streamlit clears query parameters on navigation.
"""

from __future__ import annotations

import threading

import streamlit as st

from indicators.metrics import catalog
from ui import i18n
from ui.i18n import N_, _

#: the indicator a view opens on where the city's snapshot names no stability headline
DEFAULT_INDICATOR = "same_house_1yr_share"
#: the profile page's title, by the level of the areas it profiles
PROFILE_TITLES = {"neighborhood": N_("Neighborhood profile"), "ward": N_("Ward profile"),
                  "district": N_("District profile"), "tract": N_("Census tract profile")}
AREA_PROFILE = N_("Area profile")

#: set when a reader's page has run to its end for the first time in this process (``dashboard.py``): the server's
#: start-up step (``serve.py``) waits for it before it prepares what the next clicks need
FIRST_PAGE_SERVED = threading.Event()

#: the tab's icon: the scales emoji ⚖️ drawn as Streamlit draws an emoji icon (an SVG of the character), given as
#: that image: an emoji given as text makes the server compile Streamlit's pattern of every emoji first (0.05 s)
FAVICON = ("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"  # i18n: not shown
           "<text y='.9em' font-size='90'>%E2%9A%96%EF%B8%8F</text></svg>")  # i18n: not shown


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


def chosen_city(city_options: list[str]) -> str:
    """The city of this session: first the URL's ``?city=`` (when it has a snapshot), then the default (first)
    city; later runs keep what the reader chose in the sidebar."""
    _seed("sb_city", param("city", city_options[0], city_options))
    if st.session_state["sb_city"] not in city_options:
        st.session_state["sb_city"] = city_options[0]
    return st.session_state["sb_city"]


def unknown_city_notice(city_options: list[str]) -> None:
    """Say so when the URL asks for a city that has no data snapshot here, and which city is shown instead."""
    from ui import data

    wanted = st.query_params.get("city")
    if wanted and wanted not in city_options:
        shown = st.session_state.get("sb_city", city_options[0])
        st.warning(_("There is no data for a city “{wanted}” here; showing {city} instead.",
                     wanted=i18n.words().escape_markdown(wanted[:80]),
                     city=i18n.words().escape_markdown(data.city_name(shown))), icon=":material/location_off:")


def area_level(city: str) -> str | None:
    """The level of the areas the profile and compare pages show: the sidebar's level where it is one of the
    city's map levels, else the city's first map level (None where its snapshot cannot be opened)."""
    from ui import data

    levels = data.levels(city)
    chosen = st.session_state.get("sb_level") or param("level")
    return chosen if chosen in levels else (levels[0] if levels else None)


def on_phone() -> bool:
    """Whether the reader's browser says it is a phone (``Mobi`` in its user agent, as phone browsers write): the
    maps are then fitted to a phone's width. Where it cannot be told, a desktop is assumed."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser behind this run (tests, bare mode)
        return False
    return "Mobi" in agent  # i18n: not shown


def profile_title(level: str | None) -> str:
    return _(PROFILE_TITLES.get(level, AREA_PROFILE))


def sidebar(city_options: list[str]) -> dict:
    """The shared sidebar: city, geography level and indicator, each offered as the city's snapshot has them.
    Returns and stores the choices."""
    from ui import data

    city = chosen_city(city_options)
    with st.sidebar:
        if len(city_options) > 1:
            names = {c: data.city_name(c) for c in city_options}
            city = st.selectbox(_("City"), city_options, key="sb_city", format_func=names.get)
        levels = data.levels(city)
        level = None
        if levels:
            if st.session_state.get("sb_level") not in levels:
                wanted = param("level")
                st.session_state["sb_level"] = wanted if wanted in levels else levels[0]
            # labels worked out now: Streamlit may call a format function again outside this run
            level_labels = {lv: data.level_label(city, lv) for lv in levels}
            level = st.radio(_("Show figures by"), levels, format_func=level_labels.get, key="sb_level",
                             horizontal=True)
        options = _indicator_options(city, level)
        # the landing view leads with residential stability: the strongest stability measure the city has
        default = default_indicator(city, level)
        wanted = param("indicator", st.session_state.get("sb_indicator", default))
        if st.session_state.get("sb_indicator") not in options:
            st.session_state["sb_indicator"] = wanted if wanted in options else (
                default if default in options else options[0])
        titles = {i: i18n.indicator(i).title for i in options}
        indicator_id = st.selectbox(_("Indicator"), options, key="sb_indicator", format_func=titles.get)
        year = _vintage(city, indicator_id, level) if level else None
    view = {"city": city, "level": level, "indicator": indicator_id, "year": year,
            "several_cities": len(city_options) > 1}
    st.session_state["view"] = view
    return view


def default_indicator(city: str, level: str | None = None) -> str:
    """The indicator a city's views open on: its stability headline (:func:`ui.data.headline_indicator`)."""
    from ui import data

    return data.headline_indicator(city, level) or data.headline_indicator(city) or DEFAULT_INDICATOR


def _indicator_options(city: str, level: str | None) -> list[str]:
    """The indicators the city's snapshot serves at ``level``; where it serves none there, those it serves at
    any level (the pages then say why not at this one); where it cannot be opened, the whole catalog."""
    from ui import data

    if level is None:
        return list(catalog.CATALOG)
    options = [i.id for i in data.indicators_for(city, level)] or [i.id for i in data.indicators_for(city)]
    return options or list(catalog.CATALOG)


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
    key = f"sb_year_{city}_{indicator_id}_{level}"
    if key not in st.session_state:
        st.session_state[key] = int(wanted) if wanted and wanted.isdigit() and int(wanted) in years else None
    return st.selectbox(_("Period") if acs_like else _("Year"), options, key=key, format_func=labels.get)


def choice_from_url(key: str, options, *, many: bool = False, default=None):
    """Give a widget keyed ``key`` its first value from the URL parameter of the same name (codes, not the words
    shown, so a link works in any language); later runs keep the reader's choice. ``many``: a multiselect,
    whose values repeat the parameter (``?status=implemented&status=regressed``)."""
    if key not in st.session_state:
        wanted = [v for v in st.query_params.get_all(key) if v in options]
        st.session_state[key] = wanted if many else (wanted[0] if wanted else default)


def keep_choice_in_url(key: str, value, default=None) -> None:
    """Write a widget's choice (a code, or a list of codes) into the URL; the default is left out."""
    if value in (default, None, [], ()):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != ([str(v) for v in value] if isinstance(value, list) else [str(value)]):
        st.query_params[key] = value


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
