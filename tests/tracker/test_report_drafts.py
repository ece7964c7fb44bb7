"""Report drafts are versioned in the store; the version that was sent is the 'previous report' of the next one;
words are counted as a reader counts them; the limits applied say where they come from."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.tracker.errors import ConflictError, PermissionDenied, ValidationError
from indicators.tracker.reports import SUBMISSION_LIMITS, clean_outline, count_words

from .conftest import COMMUNITY, EDITOR

PGH = "pittsburgh"
OUTLINE = {"numbers": ["26.214", "26.5"], "coalition": "Human Rights City Coalition",
           "members": "Tenant Union\nFaith Network\n", "summary": "Rents rose faster than incomes.",
           "paragraphs": {"26.214": "The city adopted an inclusionary zoning rule in 2019."},
           "quotes": {"26.214": [3, 3, 5]}, "asks": ["Fund the right to counsel."]}


def test_words_are_counted_as_a_reader_counts_them():
    assert count_words("") == 0
    assert count_words("Recommendation 26.214 (Croatia): supported.") == 4
    assert count_words("45.3% ± 1.8 points – ACS 2020–2024") == 5
    assert count_words("  one\ttwo\nthree  ") == 3
    assert count_words("¿Qué pasó? — “nada”") == 3


def test_the_limits_applied_say_where_they_come_from():
    assert (SUBMISSION_LIMITS["individual"].words, SUBMISSION_LIMITS["joint"].words) == (2_815, 5_630)
    assert (SUBMISSION_LIMITS["individual"].pages, SUBMISSION_LIMITS["joint"].pages) == (5, 10)
    for limit in SUBMISSION_LIMITS.values():
        assert "OHCHR" in limit.source and not limit.checked and "could not be checked" in limit.note


def test_an_outline_is_checked_whole():
    cleaned = clean_outline(OUTLINE)
    assert cleaned["members"] == ["Tenant Union", "Faith Network"]
    assert cleaned["quotes"] == {"26.214": [3, 5], "26.5": []}
    assert cleaned["paragraphs"]["26.5"] == "" and cleaned["submission"] == "joint"
    with pytest.raises(ValidationError) as refused:
        clean_outline({**OUTLINE, "numbers": ["26.214", "twelve"], "summary": "<b>bold</b>", "lang": "fr",
                       "word_limit": 5, "quotes": {"26.214": ["one"]}})
    message = str(refused.value)
    for reason in ("'twelve' is not a recommendation number", "contains HTML markup", "not a language",
                   "between 100 and 100,000", "must be testimony numbers"):
        assert reason in message


def test_drafts_are_versioned_and_two_editors_saving_at_once_conflict(seeded_store):
    drafts = seeded_store.reports
    with pytest.raises(PermissionDenied):
        drafts.create(COMMUNITY, city=PGH, template="stakeholder", title="Submission", outline=OUTLINE)
    first = drafts.create(EDITOR, city=PGH, template="stakeholder", title="Joint submission 2025", outline=OUTLINE)
    second = drafts.save(EDITOR, first.report_id, expected_version=1, title="Joint submission 2025",
                         outline={**OUTLINE, "summary": "Rents rose faster than incomes, again."})
    with pytest.raises(ConflictError) as info:
        drafts.save(EDITOR, first.report_id, expected_version=1, title="Other", outline=OUTLINE)
    assert info.value.current.version == 2
    assert [d.outline["summary"] for d in drafts.history(first.report_id)] == [
        "Rents rose faster than incomes.", "Rents rose faster than incomes, again."]
    assert second.version == 2 and drafts.drafts(PGH)[0].report_id == first.report_id


def test_the_previous_report_is_the_last_one_sent(seeded_store):
    drafts = seeded_store.reports
    old = drafts.create(EDITOR, city=PGH, template="local", title="Report to council 2023", outline=OUTLINE)
    assert drafts.previous_issued(PGH, before=old) is None
    sent = drafts.save(EDITOR, old.report_id, expected_version=1, title=old.title, outline=OUTLINE,
                       issued_on="2023-10-02")
    drafts.save(EDITOR, old.report_id, expected_version=2, title=old.title, outline=OUTLINE)
    new = drafts.create(EDITOR, city=PGH, template="stakeholder", title="Joint submission 2025", outline=OUTLINE)
    previous = drafts.previous_issued(PGH, before=new)
    assert (previous.report_id, previous.version, previous.issued_on) == (sent.report_id, 2, dt.date(2023, 10, 2))
    resent = drafts.save(EDITOR, new.report_id, expected_version=1, title=new.title, outline=OUTLINE,
                         issued_on="2025-03-01")
    assert drafts.previous_issued(PGH, before=resent).version == 2
    assert drafts.previous_issued("dc") is None
