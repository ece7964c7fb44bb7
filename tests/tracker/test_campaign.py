"""The campaign log: responsible bodies from the coalition's list, targets and actions versioned, retractions kept,
overdue targets flagged by the community's assessment, and one time axis per recommendation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.tracker.campaign import is_overdue, list_subject, parse_subject, rec_subject, timeline_frame
from indicators.tracker.errors import ConflictError, NotFound, PermissionDenied, ValidationError

from .conftest import COMMUNITY, EDITOR, VIEWER

PGH = "pittsburgh"
TODAY = dt.date(2025, 6, 30)
REC = rec_subject(3, "26.214")


def test_subjects_name_a_recommendation_or_a_list():
    assert REC == "rec:3:26.214" and list_subject(7) == "list:7"
    assert parse_subject(REC) == ("rec", (3, "26.214")) and parse_subject("list:7") == ("list", 7)
    with pytest.raises(ValidationError):
        parse_subject("rec:3:26.214; DROP TABLE")


def test_the_coalitions_list_of_bodies_is_versioned_and_names_each_body_once(seeded_store):
    campaign = seeded_store.campaign
    council = campaign.add_body(EDITOR, city=PGH, name="City Council", url="https://example.org/council")
    campaign.add_body(EDITOR, city=PGH, name="Housing Authority")
    with pytest.raises(ValidationError, match="already on the list"):
        campaign.add_body(EDITOR, city=PGH, name="city council")
    renamed = campaign.update_body(EDITOR, council.body_id, expected_version=1, name="City Council (Land Use "
                                   "Committee)", url="https://example.org/council")
    assert renamed.version == 2
    with pytest.raises(ConflictError):
        campaign.update_body(EDITOR, council.body_id, expected_version=1, name="Council")
    campaign.update_body(EDITOR, council.body_id, expected_version=2, name=renamed.name, archived=True)
    assert [b.name for b in campaign.bodies(PGH)] == ["Housing Authority"]
    assert len(campaign.bodies(PGH, include_archived=True)) == 2
    assert campaign.bodies("dc") == []
    with pytest.raises(PermissionDenied):
        campaign.add_body(COMMUNITY, city=PGH, name="Mayor's Office")


def test_targets_are_versioned_and_two_editors_saving_at_once_conflict(seeded_store):
    campaign = seeded_store.campaign
    council = campaign.add_body(EDITOR, city=PGH, name="City Council")
    first = campaign.set_target(EDITOR, city=PGH, subject=REC, body_id=council.body_id, target_date="2025-01-31",
                                note="Inclusionary zoning vote", expected_version=0)
    assert (first.version, first.body_name, first.target_date) == (1, "City Council", dt.date(2025, 1, 31))
    campaign.set_target(EDITOR, city=PGH, subject=REC, body_id=council.body_id, target_date="2025-12-31",
                        expected_version=1)
    with pytest.raises(ConflictError) as info:
        campaign.set_target(EDITOR, city=PGH, subject=REC, body_id=None, target_date="2026-01-31", expected_version=1)
    assert info.value.current.target_date == dt.date(2025, 12, 31)
    assert [t.target_date.isoformat() for t in campaign.target_history(PGH, REC)] == ["2025-01-31", "2025-12-31"]
    with pytest.raises(NotFound):
        campaign.set_target(EDITOR, city=PGH, subject="rec:3:26.999", body_id=None, target_date=None,
                            expected_version=0)
    with pytest.raises(NotFound):
        campaign.set_target(EDITOR, city=PGH, subject="list:42", body_id=None, target_date=None, expected_version=0)


def test_actions_are_checked_versioned_and_retracted_without_being_deleted(seeded_store):
    campaign = seeded_store.campaign
    hearing = campaign.log_action(EDITOR, city=PGH, subject=REC, kind="council_hearing", happened_on="2025-03-04",
                                  who="Tenant union", link="https://example.org/hearing-2025-03-04",
                                  note="Twelve residents testified.")
    assert (hearing.version, hearing.kind_label) == (1, "Council hearing")
    for bad, reason in [({"kind": "riot"}, "is not one of council_hearing"),
                        ({"link": "javascript:alert(1)"}, "only http and https links"),
                        ({"happened_on": "2099-01-01"}, "is in the future"),
                        ({"note": "<img src=x onerror=alert(1)>"}, "contains HTML markup")]:
        fields = {"kind": "letter", "happened_on": "2025-03-05", **bad}
        with pytest.raises(ValidationError, match=reason):
            campaign.log_action(EDITOR, city=PGH, subject=REC, **fields)
    with pytest.raises(PermissionDenied):
        campaign.log_action(VIEWER, city=PGH, subject=REC, kind="letter", happened_on="2025-03-05")
    campaign.update_action(EDITOR, hearing.action_id, expected_version=1, kind="council_hearing",
                           happened_on="2025-03-04", who="Tenant union", note="Eleven residents testified.")
    with pytest.raises(ConflictError):
        campaign.update_action(EDITOR, hearing.action_id, expected_version=1, kind="letter",
                               happened_on="2025-03-04")
    campaign.update_action(EDITOR, hearing.action_id, expected_version=2, kind="council_hearing",
                           happened_on="2025-03-04", retracted=True)
    assert campaign.actions(PGH) == []
    assert [a.version for a in campaign.actions(PGH, include_retracted=True)] == [3]
    assert [(a.note, a.retracted) for a in campaign.action_history(hearing.action_id)] == [
        ("Twelve residents testified.", False), ("Eleven residents testified.", False), ("", True)]


def test_a_target_is_overdue_until_the_community_says_it_is_implemented():
    assert is_overdue(dt.date(2025, 1, 1), "in_progress", TODAY)
    assert is_overdue(dt.date(2025, 1, 1), None, TODAY)
    assert not is_overdue(dt.date(2025, 1, 1), "implemented", TODAY)
    assert not is_overdue(dt.date(2025, 1, 1), "not_applicable", TODAY)
    assert not is_overdue(TODAY, "in_progress", TODAY)
    assert not is_overdue(None, "in_progress", TODAY)


def test_overdue_targets_of_recommendations_list_items_and_lists(seeded_store):
    campaign = seeded_store.campaign
    plist = seeded_store.create_priority_list(EDITOR, city=PGH, name="Housing first", items=[
        {"number": "26.214", "cycle": 3, "responsible_body": "City Council", "target_date": "2025-03-31"},
        {"number": "26.5", "cycle": 3}])
    campaign.set_target(EDITOR, city=PGH, subject=list_subject(plist.list_id), body_id=None,
                        target_date="2025-06-01", expected_version=0)
    campaign.set_target(EDITOR, city=PGH, subject=rec_subject(3, "26.7"), body_id=None, target_date="2025-02-01",
                        expected_version=0)
    campaign.set_target(EDITOR, city=PGH, subject=rec_subject(3, "26.8"), body_id=None, target_date="2026-02-01",
                        expected_version=0)
    community = {(3, "26.214"): "in_progress", (3, "26.5"): "implemented", (3, "26.7"): "regressed"}
    overdue = campaign.overdue(PGH, community, [plist], today=TODAY)
    assert overdue[["subject", "list_name", "target", "days_late"]].to_dict("records") == [
        {"subject": "rec:3:26.214", "list_name": "Housing first", "target": dt.date(2025, 3, 31), "days_late": 91},
        {"subject": f"list:{plist.list_id}", "list_name": "Housing first", "target": dt.date(2025, 6, 1),
         "days_late": 29},
        {"subject": "rec:3:26.7", "list_name": "", "target": dt.date(2025, 2, 1), "days_late": 149}]
    community[(3, "26.214")] = "implemented"
    assert campaign.overdue(PGH, community, [plist], today=TODAY)["subject"].tolist() == ["rec:3:26.7"]
    items = campaign.campaign_items(plist, community, today=TODAY)
    assert items[["number", "responsible", "overdue"]].to_dict("records") == [
        {"number": "26.214", "responsible": "City Council", "overdue": False},
        {"number": "26.5", "responsible": "", "overdue": False}]


def test_statuses_actions_testimony_indicators_and_targets_share_one_time_axis(seeded_store):
    campaign = seeded_store.campaign
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="community", status="not_started",
                            as_of="2021-03-01", author="Coalition", expected_version=0)
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="city", status="in_progress", as_of="2022-05-01",
                            author="Mayor's office", expected_version=0)
    action = campaign.log_action(EDITOR, city=PGH, subject=REC, kind="petition", happened_on="2021-09-15",
                                 who="Coalition", note="1,200 signatures")
    target = campaign.set_target(EDITOR, city=PGH, subject=REC, body_id=None, target_date="2024-12-31",
                                 expected_version=0)
    testimony = pd.DataFrame({"at": pd.to_datetime(["2022-01-10T15:00:00Z", "2022-01-10T16:00:00Z",
                                                    "2023-02-01T09:00:00Z"], utc=True)})
    statuses = seeded_store.status_versions_frame(PGH)
    frame = timeline_frame(statuses=statuses[statuses["number"] == "26.214"], actions=[action], testimony=testimony,
                           indicators=[(dt.date(2023, 12, 31), "Rent burden", "45.3% ± 1.8 points")],
                           targets=[target])
    assert frame[["date", "lane", "label", "detail"]].values.tolist() == [
        [dt.date(2021, 3, 1), "community", "not_started", "Coalition"],
        [dt.date(2021, 9, 15), "action", "petition", "Coalition · 1,200 signatures"],
        [dt.date(2022, 1, 10), "testimony", "accepted", "2"],
        [dt.date(2022, 5, 1), "city", "in_progress", "Mayor's office"],
        [dt.date(2023, 2, 1), "testimony", "accepted", "1"],
        [dt.date(2023, 12, 31), "indicator", "Rent burden", "45.3% ± 1.8 points"],
        [dt.date(2024, 12, 31), "target", "target", ""]]
