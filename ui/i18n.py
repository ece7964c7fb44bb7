"""The reader's language in the app: ``_("...")`` translates a message into it, ``words()`` puts figures into
words in it, ``indicator(id)`` gives an indicator's text in it. The language is chosen in the sidebar and kept
in the URL (``?lang=es``)."""

from __future__ import annotations

import streamlit as st

from indicators.metrics import catalog, text
from indicators.core import i18n
from indicators.core.i18n import LANGUAGES, N_  # noqa: F401  (N_ marks labels kept in constants)

KEY = "sb_lang"


def lang() -> str:
    """The language of this session: the sidebar's choice, else the URL's ``lang``, else English."""
    return i18n.normalise(st.session_state.get(KEY) or st.query_params.get("lang"))


def _(message: str, /, **values) -> str:
    return i18n.translator(lang())(message, **values)


def words() -> text.Words:
    return text.Words(lang())


def indicator(indicator_id: str) -> catalog.Indicator:
    return catalog.get(indicator_id, lang())


def topics() -> dict[str, str]:
    return catalog.topics(lang())
