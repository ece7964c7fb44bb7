"""“Find where you live”: a search box for the map and the profile that takes a street address or a place name.

A line with a house number goes to the Census Bureau's geocoder (:mod:`indicators.sources.geocoder`); its point is
placed in the city's polygons here. The address is read once, in the form's callback, and kept nowhere: not in
the URL, not in the session (the form clears it), not in a message. Names are searched offline in the area
names and the city config's place names (:mod:`indicators.core.places`), so that search always works.
"""

from __future__ import annotations

import re

import streamlit as st

from indicators.core import places
from indicators.core.geography import areas_at
from indicators.sources import geocoder
from ui import data
from ui.i18n import _, words

HOUSE_NUMBER = re.compile(r"\d")


def _names(city: str, level: str) -> dict[str, str]:
    return data.area_names(city, level)


def _by_address(city: str, level: str, line: str) -> dict:
    """What the geocoder says about a line, as a result to show (no part of the address in it)."""
    try:
        matches = geocoder.geocode(line)
    except geocoder.GeocoderError as exc:
        return {"kind": "geocoder_" + exc.kind, "detail": exc.detail if exc.kind != "unreachable" else ""}
    if not matches:
        return {"kind": "no_address"}
    areas = data.areas(city, level)
    found = list(dict.fromkeys(a for m in matches for a in areas_at(areas, m.longitude, m.latitude)))
    if not found:
        return {"kind": "outside"}
    tracts = []
    if "tract" in data.levels(city) and level != "tract":
        tracts = list(dict.fromkeys(t for m in matches[:1] for t in areas_at(data.areas(city, "tract"),
                                                                              m.longitude, m.latitude)))
    return {"kind": "found", "areas": found, "tract": tracts[0] if tracts else None, "by": "address"}


def _by_name(city: str, level: str, text: str) -> dict:
    found = places.find_areas(text, _names(city, level), places.place_names(data.city_config(city)))
    return {"kind": "found", "areas": found, "by": "name"} if found else {"kind": "no_name"}


def _submitted(city: str, level: str, key: str) -> None:
    text = str(st.session_state.get(f"{key}_text") or "").strip()
    if not text:
        st.session_state[f"{key}_result"] = None
        return
    by_address = bool(HOUSE_NUMBER.search(text)) and level != "tract"
    st.session_state[f"{key}_result"] = _by_address(city, level, text) if by_address else _by_name(city, level, text)


def _choose(key: str, area: str) -> None:
    st.session_state[f"{key}_result"] = {"kind": "found", "areas": [area], "by": "choice"}


def _message(result: dict, city: str, level: str) -> None:
    fmt = words()
    area_word = data.area_word(level).lower()
    areas = data.level_label(city, level)
    city_name = fmt.escape_markdown(data.city_name(city))
    kind = result["kind"]
    name_search = _("Search by the name of your {area} instead: that works without a connection.", area=area_word)
    if kind == "geocoder_unreachable":
        st.warning(_("The address search asks the Census Bureau's geocoder, which cannot be reached from here right "
                     "now.") + " " + name_search, icon=":material/wifi_off:")
    elif kind == "geocoder_unavailable":
        st.warning(_("The Census Bureau's geocoder is not answering properly right now ({problem}). Try again "
                     "later.", problem=fmt.escape_markdown(result["detail"])) + " " + name_search,
                   icon=":material/cloud_off:")
    elif kind == "geocoder_refused":
        st.warning(_("The Census Bureau's geocoder refused this search ({problem}). Type the house number, the "
                     "street and the city, in at most {n} characters.", problem=fmt.escape_markdown(result["detail"]),
                     n=geocoder.MAX_ADDRESS_LENGTH), icon=":material/error:")
    elif kind == "no_address":
        st.info(_("The Census Bureau's geocoder found no such address. Check the house number and the street, add "
                  "the city and the ZIP code, or search by the name of your {area}.", area=area_word),
                icon=":material/search_off:")
    elif kind == "outside":
        st.info(_("That address is not inside any of the {areas} of {city}.", areas=areas, city=city_name),
                icon=":material/location_off:")
    elif kind == "no_name":
        st.info(_("No {area} of {city} goes by that name. Try part of the name, or a street address with its house "
                  "number.", area=area_word, city=city_name), icon=":material/search_off:")


def find_area(city: str, level: str, *, key: str) -> str | None:
    """Draw the search box; return the id of the area the reader asked for, once, or None. Several areas found:
    a button for each. Nothing found: a message that says why and what to try."""
    with st.form(key, clear_on_submit=True, border=False):
        # side by side on a phone too: the button under the box would push the map down
        text_col, button_col = st.columns([5, 1], vertical_alignment="bottom", wrap=False)
        text_col.text_input(
            _("Find where you live"), key=f"{key}_text", max_chars=200,
            placeholder=_("Address or {area}", area=data.area_word(level).lower()),
            help=_("An address (with its house number) is looked up by the Census Bureau's geocoder and then "
                   "forgotten: it is not saved, logged or put in the page's address. A name is searched here, "
                   "without a connection."))
        button_col.form_submit_button(_("Find"), icon=":material/search:", on_click=_submitted, args=(city, level, key),
                                      width="stretch", type="primary")
    result = st.session_state.get(f"{key}_result")
    if not result:
        return None
    if result["kind"] != "found":
        _message(result, city, level)
        return None
    names = _names(city, level)
    if len(result["areas"]) == 1:
        st.session_state[f"{key}_result"] = None
        st.session_state[f"{key}_tract"] = result.get("tract")
        return result["areas"][0]
    st.markdown(_("Several {areas} match; choose one:", areas=data.level_label(city, level)))
    with st.container(horizontal=True):
        for area in result["areas"]:
            st.button(names.get(area, area), key=f"{key}_pick_{area}", on_click=_choose, args=(key, area))
    return None


def found_tract(key: str) -> str | None:
    """The census tract of the last address found with the box ``key`` (None for a name search)."""
    return st.session_state.get(f"{key}_tract")
