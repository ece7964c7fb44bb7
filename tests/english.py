"""Finding English left on a page or in a file that should be in Spanish.

A text is English where, once the data that stay as published are taken out (official UN texts, States, themes,
source titles and publishers, area names), it still holds at least two English function words, none of which is
also a Spanish word ("a", "no", "con" are left out). Everything a page shows is gathered from a finished
Streamlit AppTest run: headings, text, captions, alerts, metric labels, widget labels, options, placeholders and
help, expander and button labels, and every cell and heading of every table.
"""

from __future__ import annotations

import re

import pandas as pd

ENGLISH = {"the", "and", "of", "to", "with", "from", "for", "is", "are", "this", "that", "which", "each", "every",
           "not", "or", "be", "on", "at", "its", "their", "these", "shown", "only", "than", "there", "where", "when",
           "what", "who", "how", "by", "in", "cannot", "here", "files", "publisher", "published", "figures",
           "available", "should", "would", "will", "your", "you", "choose", "select", "download", "upload",
           "search", "page", "found", "per", "file"}
#: a word as written (accented letters included); one with a digit or an underscore is a code, not a word
WORD = re.compile(r"[\w'’]+")


def plain(text: str) -> str:
    """Text without the backslashes that escape Markdown (``rich\\-poor`` is ``rich-poor``)."""
    return text.replace("\\", "")


def english_words(text: str, keep: list[str] = ()) -> list[str]:
    """The English function words left in ``text`` once every string of ``keep`` (longest first) is taken out."""
    text = plain(text)
    for allowed in keep:
        allowed = plain(allowed)
        if allowed and allowed in text:
            text = text.replace(allowed, " ")
    return [w for w in WORD.findall(text)
            if w.lower() in ENGLISH and not any(c.isdigit() or c == "_" for c in w)]


def is_english(text: str, keep: list[str] = ()) -> bool:
    return len(english_words(text, keep)) >= 2


def page_texts(at) -> list[str]:
    """Every text a finished AppTest run shows, main area and sidebar."""
    found: list[str] = []

    def add(value) -> None:
        if isinstance(value, str) and value.strip():
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                add(v)
        elif isinstance(value, pd.DataFrame):
            found.extend(str(c) for c in value.columns)
            for column in value.columns:
                found.extend(str(v) for v in value[column].dropna().tolist() if isinstance(v, str))

    def walk(node) -> None:
        for name in ("value", "label", "options", "placeholder", "help", "body"):
            try:
                add(getattr(node, name, None))
            except Exception:  # an element type without that attribute, or one AppTest cannot read
                pass
        proto = getattr(node, "proto", None)
        for name in ("label", "help", "placeholder", "body", "text"):
            value = getattr(proto, name, None) if proto is not None else None
            if isinstance(value, str):
                add(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found
