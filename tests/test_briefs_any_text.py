"""Briefs hold any text the tracker store holds. The store now refuses U+FFFE, U+FFFF and other characters no
document can hold, but a store written before that (or by hand) may still have them: a slide deck and a PDF are
made all the same, with U+FFFD where such a character was."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import text

from indicators import briefs
from indicators.briefs import content
from indicators.core.exports import document_text
from indicators.tracker.auth import Actor
from indicators.tracker.errors import ValidationError

CITY = "pittsburgh"
HOOD = "Bloomfield"
EDITOR = Actor("alice", "editor", "Alice Organizer")
#: what an older store may hold: both non-characters of the Basic Multilingual Plane, one of plane 1, a control
BROKEN = "Rent\ufffe report\uffff of 2025\U0001fffe \x07done"
SHOWN = "Rent\ufffd report\ufffd of 2025\ufffd \ufffddone"


@pytest.fixture(scope="module")
def store_with_old_text(snapshot, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('any-text') / 'tracker.sqlite'}"
    store = content.open_store(url, snapshot=snapshot)
    recs = store.recommendation_frame()
    housing = recs[recs["theme"] == "Right to adequate housing"]["number"].iloc[0]
    store.set_status(EDITOR, housing, city=CITY, track="community", status="in_progress", as_of="2025-06-01",
                     author="Housing coalition", note="placeholder", expected_version=0)
    store.create_priority_list(EDITOR, city=CITY, name="Housing first", items=[{"number": housing}])
    # written the way an older version of the store let it through
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE status_versions SET note = :t, author = :t"), {"t": BROKEN})
        connection.execute(text("UPDATE priority_list_versions SET name = :t, description = :t"), {"t": BROKEN})
        connection.execute(text("UPDATE recommendations SET recommending_state = :t WHERE number = :n"),
                           {"t": BROKEN, "n": housing})
    yield store
    store.close()


def deck_text(data: bytes) -> str:
    parts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text_frame.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_store_refuses_a_non_character_in_a_note_and_a_list_name(store_with_old_text):
    number = store_with_old_text.recommendation_frame()["number"].iloc[0]
    with pytest.raises(ValidationError, match="note: contains U\\+FFFE at position 5, a Unicode non-character"):
        store_with_old_text.set_status(EDITOR, number, city=CITY, track="city", status="in_progress",
                                       as_of="2025-01-01", author="Mayor", note="Rent\ufffe", expected_version=0)
    with pytest.raises(ValidationError, match="name: contains U\\+FFFF at position 1"):
        store_with_old_text.create_priority_list(EDITOR, city=CITY, name="\uffffSchools")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_neighborhood_deck_and_pdf_are_made_from_a_store_holding_non_characters(snapshot, store_with_old_text,
                                                                                   lang):
    brief = briefs.neighborhood_brief(snapshot, HOOD, lang=lang, store=store_with_old_text)
    deck = deck_text(briefs.neighborhood_pptx(brief))
    assert SHOWN in deck and "\ufffe" not in deck
    pdf = briefs.neighborhood_pdf(brief)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2


def test_a_progress_deck_and_pdf_are_made_from_a_list_named_with_non_characters(snapshot, store_with_old_text):
    list_id = store_with_old_text.priority_lists(CITY)[0].list_id
    brief = briefs.progress_brief(snapshot, store_with_old_text, list_id, lang="en")
    data = briefs.progress_pptx(brief)
    assert SHOWN in deck_text(data)
    assert Presentation(io.BytesIO(data)).core_properties.title.startswith(SHOWN)
    reader = PdfReader(io.BytesIO(briefs.progress_pdf(brief)))
    assert reader.metadata.title.startswith(SHOWN)


def test_every_character_a_document_cannot_hold_becomes_the_replacement_character():
    cannot = ["\x00", "\x08", "\x0b", "\x1f", "\ud800", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0010ffff"]
    can = ["\t", "\n", "\r", "é", "\u202e", "\U0001f3e0", "\ufffd"]
    assert document_text("".join(cannot)) == "\ufffd" * len(cannot)
    assert document_text("".join(can)) == "".join(can)
    assert document_text(None) == ""
