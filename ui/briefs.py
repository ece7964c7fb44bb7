"""Download buttons for the printed briefs (:mod:`indicators.briefs`): the neighborhood brief on the profile page and
the progress brief on the priorities page, each as a PDF handout and a slide deck, in the reader's language.

A brief is made only when someone clicks (the button's data is a function Streamlit calls on the click, in
another thread), then kept: the brief's figures per city, neighborhood or list, language and state of the
tracker, and each file per format. The snapshot, the store and the language are read here, in the page's run,
and handed to the function, which touches no Streamlit state.
"""

from __future__ import annotations

import streamlit as st

from indicators import briefs
from indicators.briefs import file_stem
from ui import data
from ui.i18n import _, lang

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def tracker_stamp(store, city: str) -> str:
    """Changes whenever a status of ``city`` is recorded: part of the cache key of a brief."""
    if store is None:
        return "no-store"
    try:
        versions = store.status_versions_frame(city)
    except Exception:  # an unreachable store: the brief says so, and is made again once it answers
        return "unreadable"
    return f"{len(versions)}:{versions['recorded_at'].max() if len(versions) else ''}"


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def _neighborhood_brief(city: str, hood: str, language: str, stamp: str, _snapshot, _store):
    return briefs.neighborhood_brief(_snapshot, hood, lang=language, store=_store)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def neighborhood_file(city: str, hood: str, language: str, stamp: str, fmt: str, _snapshot, _store) -> bytes:
    """The neighborhood brief of ``hood`` as ``fmt`` (``pdf`` or ``pptx``), made once per key."""
    brief = _neighborhood_brief(city, hood, language, stamp, _snapshot, _store)
    return briefs.neighborhood_pdf(brief) if fmt == "pdf" else briefs.neighborhood_pptx(brief)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def _progress_brief(city: str, list_id: int, version: int, language: str, stamp: str, _snapshot, _store):
    return briefs.progress_brief(_snapshot, _store, list_id, lang=language)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def progress_file(city: str, list_id: int, version: int, language: str, stamp: str, fmt: str, _snapshot,
                  _store) -> bytes:
    """The progress brief of priority list ``list_id`` (at ``version``) as ``fmt``, made once per key."""
    brief = _progress_brief(city, list_id, version, language, stamp, _snapshot, _store)
    return briefs.progress_pdf(brief) if fmt == "pdf" else briefs.progress_pptx(brief)


def _store_or_none(city: str):
    try:
        from ui import tracker

        return tracker.store(city)
    except Exception:  # the brief is still made without the tracker, and says it could not be read
        return None


def neighborhood_downloads(city: str, hood: str) -> None:
    """Two buttons under the profile's heading: the brief of ``hood`` as PDF and as slides."""
    snapshot = data.snapshot(city)
    store = _store_or_none(city)
    language = lang()
    stem = file_stem("brief", city, hood, language)

    def make(fmt: str):
        return lambda: neighborhood_file(city, hood, language, tracker_stamp(store, city), fmt, snapshot, store)

    with st.container(horizontal=True):
        st.download_button(_("Neighborhood brief (PDF)"), data=make("pdf"), file_name=f"{stem}.pdf", mime=PDF,
                           on_click="ignore", icon=":material/picture_as_pdf:", key="brief_hood_pdf",
                           help=_("Two to four pages for a council meeting: the map, the figures with their margins "
                                  "of error beside the city's, change over time, the UPR recommendations with both "
                                  "statuses, and the sources. Made on this server, in the language chosen here."))
        st.download_button(_("Slides (PowerPoint)"), data=make("pptx"), file_name=f"{stem}.pptx", mime=PPTX,
                           on_click="ignore", icon=":material/slideshow:", key="brief_hood_pptx",
                           help=_("The same brief as slides to show at the meeting."))


def priority_list_downloads(city: str, plist, store=None) -> None:
    """Two buttons under a priority list's heading: its progress brief as PDF and as slides.

    ``plist`` is the :class:`~indicators.tracker.records.PriorityList` shown; ``store`` the page's store (the
    dashboard's store when left out).
    """
    snapshot = data.snapshot(city)
    store = store if store is not None else _store_or_none(city)
    if store is None:
        return
    language = lang()
    stem = file_stem("progress", city, str(plist.list_id), plist.name, language)

    def make(fmt: str):
        return lambda: progress_file(city, plist.list_id, plist.version, language, tracker_stamp(store, city), fmt,
                                     snapshot, store)

    with st.container(horizontal=True):
        st.download_button(_("Progress brief (PDF)"), data=make("pdf"), file_name=f"{stem}.pdf", mime=PDF,
                           on_click="ignore", icon=":material/picture_as_pdf:", key=f"brief_list_pdf_{plist.list_id}",
                           help=_("Each recommendation of this list with both statuses, the evidence, the trend of "
                                  "its linked indicators and a summary chart, for a council meeting. Made on this "
                                  "server, in the language chosen here."))
        st.download_button(_("Slides (PowerPoint)"), data=make("pptx"), file_name=f"{stem}.pptx", mime=PPTX,
                           on_click="ignore", icon=":material/slideshow:", key=f"brief_list_pptx_{plist.list_id}",
                           help=_("The same brief as slides to show at the meeting."))
