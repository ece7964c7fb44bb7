"""A campaign's Atom feed: every change of the list's campaign as an entry with a permanent id, newest first, text
escaped by the XML writer, no resident's words; the route answers 404 for what does not exist."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from indicators.tracker.auth import Actor
from indicators.tracker.campaign import list_subject, rec_subject
from indicators.tracker.feed import ATOM, atom_xml, campaign_url, feed_url

from .conftest import EDITOR

PGH = "pittsburgh"
BASE = "https://rights.example.org"
NS = {"a": ATOM}


@pytest.fixture
def campaign(seeded_store):
    store = seeded_store
    plist = store.create_priority_list(EDITOR, city=PGH, name="Housing first", items=[
        {"number": "26.286", "cycle": 3}, {"number": "26.284", "cycle": 3}])
    store.set_status(EDITOR, "26.286", city=PGH, track="community", status="in_progress", as_of="2025-02-01",
                     author="Housing coalition", expected_version=0)
    store.set_status(EDITOR, "26.7", city=PGH, track="community", status="implemented", as_of="2025-02-01",
                     author="Elsewhere", expected_version=0)
    hearing = store.campaign.log_action(EDITOR, city=PGH, subject=rec_subject(3, "26.286"), kind="council_hearing",
                                        happened_on="2025-03-04", who="Tenant union",
                                        note="Rents < incomes & evictions up")
    wrong = store.campaign.log_action(EDITOR, city=PGH, subject=list_subject(plist.list_id), kind="petition",
                                      happened_on="2025-03-05", who="Coalition")
    store.campaign.update_action(EDITOR, wrong.action_id, expected_version=1, kind="petition",
                                 happened_on="2025-03-05", who="Coalition", retracted=True)
    store.campaign.set_target(EDITOR, city=PGH, subject=list_subject(plist.list_id), body_id=None,
                              target_date="2026-06-30", expected_version=0)
    given = store.testimony.submit(city=PGH, kind="harm", story="Private words that never enter a feed.",
                                   consent_use="reports")
    store.testimony.decide(Actor("rita", "reviewer"), given.testimony.testimony_id, decision="accepted",
                           expected_version=1, recommendation_numbers=["26.286"])
    return store, plist, hearing


def entries(xml: bytes) -> list[dict]:
    root = ET.fromstring(xml)
    return [{"id": e.findtext("a:id", namespaces=NS), "title": e.findtext("a:title", namespaces=NS),
             "summary": e.findtext("a:summary", default="", namespaces=NS),
             "updated": e.findtext("a:updated", namespaces=NS),
             "link": e.find("a:link", NS).get("href")} for e in root.findall("a:entry", NS)]


def test_the_feed_has_every_change_of_the_campaign_newest_first(campaign):
    store, plist, hearing = campaign
    xml = atom_xml(store, PGH, plist.list_id, base_url=BASE, city_name="Pittsburgh")
    root = ET.fromstring(xml)
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.findtext("a:title", namespaces=NS) == "Housing first — campaign in Pittsburgh"
    tag = root.findtext("a:id", namespaces=NS)
    assert tag.startswith("tag:rights.example.org,") and tag.endswith(f":campaign/{PGH}/{plist.list_id}")
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    assert links == {"self": feed_url(BASE, PGH, plist.list_id), "alternate": campaign_url(BASE, PGH, plist.list_id)}
    assert links["alternate"] == f"{BASE}/campaign?list={plist.list_id}&city={PGH}"
    found = entries(xml)
    titles = [e["title"] for e in found]
    assert "Council hearing on 2025-03-04 — 26.286" in titles
    assert "Retracted: Petition on 2025-03-05 — Housing first" in titles
    assert "26.286: the community now assesses “In progress” (as of 2025-02-01)" in titles
    assert "New target for Housing first: 2026-06-30" in titles
    assert "The list “Housing first” was saved (version 1, 2 recommendations)" in titles
    assert "A resident's testimony on 26.286 was accepted" in titles
    assert not any("26.7" in t for t in titles)   # a recommendation of no list of this campaign
    assert b"Private words" not in xml
    assert b"Rents &lt; incomes &amp; evictions up" in xml
    hearing_entry = next(e for e in found if e["title"].startswith("Council hearing"))
    assert hearing_entry["id"] == f"{tag}/action:{hearing.action_id}"
    assert hearing_entry["summary"] == "Tenant union · Rents < incomes & evictions up"
    updated = [dt.datetime.fromisoformat(e["updated"].replace("Z", "+00:00")) for e in found]
    assert updated == sorted(updated, reverse=True)
    assert len({e["id"] for e in found}) == len(found)


def test_the_feed_speaks_the_readers_language(campaign):
    store, plist, _hearing = campaign
    xml = atom_xml(store, PGH, plist.list_id, base_url=BASE, city_name="Pittsburgh", lang="es")
    root = ET.fromstring(xml)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert root.findtext("a:title", namespaces=NS) == "Housing first: campaña en Pittsburgh"
    assert "Audiencia del concejo el 2025-03-04: 26.286" in [e["title"] for e in entries(xml)]
    assert "lang=es" in root.find("a:link[@rel='self']", NS).get("href")
