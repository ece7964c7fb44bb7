"""Every kind of bad input is refused with a clear message and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from indicators.tracker.errors import ImportRejected, ValidationError
from indicators.tracker.importer import import_bytes

from .conftest import EDITOR

PGH = "pittsburgh"
TABLES = ("recommendations", "recommendation_revisions", "import_runs", "status_versions", "priority_lists",
          "priority_list_versions", "priority_list_items")


def row_counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}


GOOD = dict(city=PGH, track="community", status="in_progress", as_of="2022-01-01", author="Coalition",
            note="Fine note", evidence=[{"url": "https://example.org/a", "label": "A"}],
            indicator_ids=["rent_burden_share"], expected_version=0)


@pytest.mark.parametrize("change, message", [
    ({"note": "x" * 10_001}, "note: is 10,001 characters long; the limit is 10,000"),
    ({"author": "y" * 201}, "author: is 201 characters long; the limit is 200"),
    ({"author": ""}, "author: is required"),
    ({"status": "done"}, "unknown status 'done'"),
    ({"status": None}, "unknown status"),
    ({"track": "mayor"}, "unknown track 'mayor'"),
    ({"as_of": "2021-02-30"}, "'2021-02-30' is not a date"),
    ({"as_of": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "is in the future"),
    ({"note": "<script>alert('x')</script>"}, "note: contains HTML markup"),
    ({"author": "<b>Mayor</b>"}, "author: contains HTML markup"),
    ({"note": "<img src=x onerror=alert(1)>"}, "contains HTML markup"),
    ({"note": "bell \x07 and nul \x00"}, "note: contains control characters"),
    ({"evidence": ["javascript:alert(1)"]}, "only http and https links are allowed, not 'javascript'"),
    ({"evidence": ["ftp://example.org/file"]}, "only http and https links are allowed, not 'ftp'"),
    ({"evidence": ["example.org/report"]}, "only http and https links are allowed"),
    ({"evidence": ["https://"]}, "has no host name"),
    ({"evidence": ["https://exa mple.org"]}, "URL contains spaces"),
    ({"evidence": ["https://example.org:99999/"]}, "is not a valid URL"),
    ({"evidence": [{"url": "https://example.org", "label": "<a href=x>x</a>"}]}, "label: contains HTML markup"),
    ({"evidence": ["https://example.org/" + "a" * 2_000]}, "URL is longer than 2,000 characters"),
    ({"indicator_ids": ["Rent Burden!"]}, "is not an indicator id"),
    ({"expected_version": -1}, "expected_version"),
])
def test_bad_status_input_is_refused_and_nothing_is_written(seeded_store, change, message):
    before = row_counts(seeded_store)
    with pytest.raises(ValidationError) as info:
        seeded_store.set_status(EDITOR, "26.214", **{**GOOD, **change})
    assert message in str(info.value)
    assert row_counts(seeded_store) == before


def test_all_problems_of_one_form_are_reported_together(seeded_store):
    with pytest.raises(ValidationError) as info:
        seeded_store.set_status(EDITOR, "26.214", **{**GOOD, "status": "done", "note": "x" * 10_001,
                                                     "evidence": ["javascript:alert(1)"]})
    fields = [p.field for p in info.value.problems]
    assert fields == ["status", "note", "evidence link 1"]


def test_plain_text_with_markdown_and_angle_brackets_is_kept_as_typed(seeded_store):
    note = "Rent < 30% of income for **most**; see [this](javascript:alert(1)) & <3"
    saved = seeded_store.set_status(EDITOR, "26.214", **{**GOOD, "note": note})
    assert seeded_store.current_status("26.214", city=PGH, track="community").note == note == saved.note


@pytest.mark.parametrize("change, message", [
    ({"name": ""}, "name: is required"),
    ({"name": "<script>x</script>"}, "name: contains HTML markup"),
    ({"description": "d" * 10_001}, "description: is 10,001 characters long"),
    ({"items": [{"number": "26.1"}, {"number": "26.1"}]}, "recommendation 26.1 is on the list twice"),
    ({"items": [{"number": "26.999"}]}, "no recommendation 26.999"),
    ({"items": [{"number": "26.1", "rationale": "r" * 10_001}]}, "item 1 rationale: is 10,001 characters"),
    ({"items": [{"number": "26.1", "target_date": "soon"}]}, "item 1 target date: 'soon' is not a date"),
    ({"items": [{"number": "26.1", "responsible_body": "City\nCouncil"}]}, "must be a single line"),
])
def test_bad_priority_list_input_is_refused_and_nothing_is_written(seeded_store, change, message):
    before = row_counts(seeded_store)
    with pytest.raises(ValidationError) as info:
        seeded_store.create_priority_list(EDITOR, **{"city": PGH, "name": "Housing", **change})
    assert message in str(info.value)
    assert row_counts(seeded_store) == before


def test_second_list_with_the_same_name_is_refused(seeded_store):
    seeded_store.create_priority_list(EDITOR, city=PGH, name="Housing")
    before = row_counts(seeded_store)
    with pytest.raises(ValidationError, match="a list named 'housing' already exists"):
        seeded_store.create_priority_list(EDITOR, city=PGH, name="housing")
    assert row_counts(seeded_store) == before


@pytest.mark.parametrize("data, message", [
    (b"PK,ARRESTTIME,RACE\n1,2016-08-01,B\n", "missing columns"),
    ("number,recommending state,text,response,theme\n26.1,Somalia,Consider ratifying “all”,supported,T\n"
     .encode("cp1252"), "line 2: not UTF-8 text"),
    (b"number,recommending state,text,response,theme\n26.1,Somalia,Text,supported,T\n26.2,Ghana,Text,yes,T\n",
     "line 3, response: unknown response 'yes'"),
])
def test_bad_files_are_rejected_whole_and_nothing_is_written(seeded_store, data, message):
    before = row_counts(seeded_store)
    with pytest.raises(ImportRejected) as info:
        import_bytes(seeded_store, data, EDITOR, source="upload.csv", cycle=3)
    assert message in str(info.value)
    assert row_counts(seeded_store) == before


def test_a_frame_with_one_bad_row_in_the_middle_writes_nothing(store, official_frame):
    broken = official_frame.copy()
    broken.loc[200, "response"] = "rejected"
    with pytest.raises(ImportRejected, match="row 201|line 201"):
        store.import_recommendations(broken, EDITOR, source="broken")
    assert row_counts(store) == dict.fromkeys(TABLES, 0)
