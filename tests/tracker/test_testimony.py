"""Residents' testimony in the store: consent decides who sees what, nothing is public before a reviewer accepts it,
counts show only from five, the receipt code withdraws everything, and two reviewers at once lose nothing."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from sqlalchemy import select, text

from indicators.tracker.auth import Actor
from indicators.tracker.errors import ConflictError, NotFound, PermissionDenied, ValidationError, in_language
from indicators.tracker import models
from indicators.tracker.store import Store
from indicators.tracker.testimony import (
    SubmissionLimiter,
    TooManySubmissions,
    normalise_receipt,
    receipt_hash,
    street_address_in,
)

from .conftest import CITY, COMMUNITY, EDITOR, VIEWER

PGH = "pittsburgh"
REVIEWER = Actor("rita", "reviewer", "Rita Reviewer")
OTHER_REVIEWER = Actor("rob", "reviewer", "Rob Reviewer")


def give(store, *, consent="reports", area="Bloomfield", show_area=True, story="The rent went up by half and "
         "three families on our block had to move.", topics=("housing",), **extra):
    return store.testimony.submit(city=PGH, kind="harm", story=story, consent_use=consent, consent_area=show_area,
                                  area_level="neighborhood", area_id=area, topics=list(topics), **extra)


def accept(store, receipt, **links):
    return store.testimony.decide(REVIEWER, receipt.testimony.testimony_id, decision="accepted",
                                  expected_version=receipt.testimony.version, **links)


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (40.0, 27.0, 55.0), 3: "W", 4: (79.0, 56.0, 40.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 40)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_testimony_waits_for_review_and_is_in_no_public_view(store):
    receipt = give(store, consent="public")
    assert receipt.testimony.state == "pending" and receipt.testimony.version == 1
    assert len(normalise_receipt(receipt.code)) == 12
    for purpose in ("public", "report", "count", "coalition"):
        assert store.testimony.shared(PGH, purpose) == []
    assert store.testimony.counts(PGH, min_cell=1).by_area.empty
    assert [t.testimony_id for t in store.testimony.queue(PGH, REVIEWER)] == [receipt.testimony.testimony_id]


def test_the_receipt_code_is_kept_only_as_a_hash_and_read_however_it_is_typed(store):
    receipt = give(store)
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT receipt_hash FROM testimonies")).scalar_one()
    assert stored == receipt_hash(receipt.code) and receipt.code.replace("-", "") not in stored
    typed = receipt.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert store.testimony.by_receipt(typed).testimony_id == receipt.testimony.testimony_id
    with pytest.raises(NotFound):
        store.testimony.by_receipt("AAAA-AAAA-AAAA")
    with pytest.raises(NotFound):
        store.testimony.by_receipt("not a code")


def test_consent_decides_each_purpose(store):
    inside = give(store, consent="coalition", story="Only for the coalition: the landlord ignores repairs.")
    reports = give(store, consent="reports", story="For reports: we waited nine months for a repair.")
    public = give(store, consent="public", story="Quote me: the new library branch changed our evenings.")
    for receipt in (inside, reports, public):
        accept(store, receipt)
    texts = {purpose: [t.text for t in store.testimony.shared(PGH, purpose)]
             for purpose in ("coalition", "report", "count", "public")}
    assert len(texts["coalition"]) == 3
    assert sorted(texts["report"]) == sorted(["For reports: we waited nine months for a repair.",
                                              "Quote me: the new library branch changed our evenings."])
    assert texts["count"] == texts["report"]
    assert texts["public"] == ["Quote me: the new library branch changed our evenings."]


def test_the_neighborhood_is_shown_and_counted_only_with_consent(store):
    for _ in range(5):
        accept(store, give(store, show_area=False))
    shared = store.testimony.shared(PGH, "report")
    assert {t.area_id for t in shared} == {""} and {t.area_level for t in shared} == {""}
    counts = store.testimony.counts(PGH)
    assert counts.by_area.empty and counts.by_area_topic.empty
    assert counts.by_topic.to_dict("records") == [{"topic": "housing", "count": 5}]


def test_a_neighborhood_count_appears_only_from_five(store):
    receipts = [give(store) for _ in range(5)]
    for receipt in receipts[:4]:
        accept(store, receipt)
    give(store, area="Bloomfield")   # pending: never counted
    four = store.testimony.counts(PGH)
    assert four.by_area.empty and four.by_topic.empty and four.total_shown is None
    accept(store, receipts[4])
    five = store.testimony.counts(PGH)
    assert five.by_area.to_dict("records") == [{"area_id": "Bloomfield", "count": 5}]
    assert five.by_area_topic.to_dict("records") == [{"area_id": "Bloomfield", "topic": "housing", "count": 5}]
    assert five.total_shown == 5
    store.testimony.withdraw(receipts[2].code)
    assert store.testimony.counts(PGH).by_area.empty


def test_withdrawal_erases_words_contact_and_files_from_every_version(store):
    story = "Our building lost heat for six weeks; the owner never answered."
    receipt = give(store, story=story, contact="tenant@example.org", files=[("IMG_0042.jpg", gps_jpeg())])
    accept(store, receipt, excerpt="Our building lost heat for six weeks.", recommendation_numbers=["26.214"])
    view = store.testimony.withdraw(receipt.code.lower())
    assert view.state == "withdrawn" and view.story == ""
    assert [action for action, _at in view.history] == ["submitted", "accepted", "withdrawn"]
    with store.engine.connect() as connection:
        versions = connection.execute(select(models.TestimonyVersionRow.story, models.TestimonyVersionRow.excerpt,
                                             models.TestimonyVersionRow.contact)).all()
        files = connection.execute(select(models.TestimonyAttachmentRow.data,
                                          models.TestimonyAttachmentRow.removed_at)).all()
    assert len(versions) == 3 and set(versions) == {("", "", "")}
    assert files[0][0] is None and files[0][1] is not None
    assert store.testimony.shared(PGH, "coalition") == []
    assert list(store.testimony.events(PGH)["event"]) == ["withdrawn"]
    # withdrawing again changes nothing; deciding on it is refused
    assert store.testimony.withdraw(receipt.code).version == 3
    with pytest.raises(ValidationError):
        store.testimony.decide(REVIEWER, receipt.testimony.testimony_id, decision="accepted", expected_version=3)


def test_a_withdrawn_story_leaves_no_trace_in_the_sqlite_file(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    words = "Zanzibar-lilac-mortgage-quietly"
    # long enough to spill over several pages of the file
    receipt = store.testimony.submit(city=PGH, kind="harm", story=f"{words} happened on our street. " * 80,
                                     consent_use="reports", contact=f"{words}@example.org")
    store.testimony.withdraw(receipt.code)
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("tracker.sqlite"))
    assert words.encode() not in raw


def test_a_reviewer_asks_for_changes_and_the_giver_revises_with_the_code(store):
    receipt = give(store, consent="public")
    with pytest.raises(ValidationError) as refused:
        store.testimony.decide(REVIEWER, receipt.testimony.testimony_id, decision="changes_requested",
                               expected_version=1)
    assert "reason: is required" in str(refused.value)
    store.testimony.decide(REVIEWER, receipt.testimony.testimony_id, decision="changes_requested",
                           expected_version=1, reason="Please leave out your neighbour's name.")
    seen = store.testimony.by_receipt(receipt.code)
    assert (seen.state, seen.reason, seen.version) == ("changes_requested", "Please leave out your neighbour's name.",
                                                       2)
    revised = store.testimony.revise(receipt.code, expected_version=2, story="The rent went up by half.",
                                     kind="harm", consent_use="public", consent_area=True,
                                     area_level="neighborhood", area_id="Bloomfield", topics=["housing"])
    assert (revised.state, revised.story, revised.version, revised.reason) == ("pending", "The rent went up by half.",
                                                                               3, "")
    assert store.testimony.review_copy(receipt.testimony.testimony_id, REVIEWER).contact == ""


def test_only_reviewers_and_editors_decide_and_coalition_members_enter_testimony_gathered_elsewhere(store):
    receipt = give(store)
    for actor in (VIEWER, CITY, COMMUNITY):
        with pytest.raises(PermissionDenied):
            store.testimony.decide(actor, receipt.testimony.testimony_id, decision="accepted", expected_version=1)
        with pytest.raises(PermissionDenied):
            store.testimony.queue(PGH, actor)
    assert store.testimony.decide(EDITOR, receipt.testimony.testimony_id, decision="rejected", expected_version=1,
                                  reason="Not about this city.").state == "rejected"
    with pytest.raises(ValidationError, match="only coalition members"):
        store.testimony.submit(city=PGH, kind="harm", story="Heard at the meeting.", consent_use="reports",
                               channel="meeting")
    gathered = store.testimony.submit(city=PGH, kind="good_practice", story="The tenant hotline answered in a day.",
                                      consent_use="reports", channel="phone", actor=COMMUNITY,
                                      gathered_by="Dana, phone bank")
    assert (gathered.testimony.channel, gathered.testimony.gathered_by, gathered.testimony.recorded_by) == (
        "phone", "Dana, phone bank", "dana")


def test_hostile_and_identifying_text_is_refused_and_nothing_is_written(store):
    cases = {
        "<script>alert(1)</script> rent": "contains HTML markup",
        "rent\x00 doubled": "contains control characters",
        "They evicted us from 1234 Penn Ave last May.": "street address ('1234 Penn Ave')",
        "Vivimos en Calle Ocho 455 y subió la renta.": "street address ('Calle Ocho 455')",
        "x" * 5_001: "5,001 characters long; the limit is 5,000",
    }
    for story, reason in cases.items():
        with pytest.raises(ValidationError) as refused:
            give(store, story=story)
        assert reason in str(refused.value)
    with pytest.raises(ValidationError, match="this field must stay empty"):
        give(store, honeypot="http://spam.example")
    with pytest.raises(ValidationError, match="is not one of coalition, reports, public"):
        give(store, consent="everyone")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM testimonies")).scalar_one() == 0
    # prose that merely looks odd is kept as written (pages show it as text)
    kept = give(store, story="Rent < 30% of income is **the goal**; see [link](javascript:alert(1)) #5")
    assert kept.testimony.story == "Rent < 30% of income is **the goal**; see [link](javascript:alert(1)) #5"


def test_street_addresses_are_recognised_but_ordinary_numbers_are_not():
    assert street_address_in("we live at 5 N. Highland Avenue, apt 2") == "5 N. Highland Avenue"
    assert street_address_in("12 Calle Ocho").startswith("12 Calle")
    assert street_address_in("en la Avenida Central 455, segundo piso") == "Avenida Central 455"
    for fine in ("We paid 1,200 a month in 2023", "the 5th Avenue corridor", "about 30 families", "Route 28"):
        assert street_address_in(fine) is None, fine


def test_a_refused_testimony_says_why_in_spanish(store):
    with pytest.raises(ValidationError) as refused:
        give(store, story="", consent="reports")
    spanish = in_language(refused.value.problems[0], "es")
    assert spanish != str(refused.value.problems[0]) and "obligatorio" in spanish


def test_two_reviewers_deciding_the_same_testimony_at_once_keep_one_decision_and_lose_nothing(store, store_url):
    receipt = give(store)
    stores = [Store.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(opened: Store, reviewer: Actor, decision: str, reason: str) -> None:
        barrier.wait()
        try:
            outcomes[reviewer.user_id] = opened.testimony.decide(
                reviewer, receipt.testimony.testimony_id, decision=decision, reason=reason, expected_version=1)
        except ConflictError as exc:
            outcomes[reviewer.user_id] = exc

    threads = [threading.Thread(target=decide, args=(stores[0], REVIEWER, "accepted", "Clear and on topic.")),
               threading.Thread(target=decide, args=(stores[1], OTHER_REVIEWER, "rejected", "Duplicate."))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for opened in stores:
        opened.close()
    conflicts = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    saved = [o for o in outcomes.values() if not isinstance(o, ConflictError)]
    assert len(conflicts) == 1 and len(saved) == 1
    winner, conflict = saved[0], conflicts[0]
    assert conflict.current.version == 2 and conflict.current.state == winner.state
    assert conflict.attempted["state"] in {"accepted", "rejected"} - {winner.state}
    assert "now version 2) after you opened version 1" in str(conflict)
    history = store.testimony.history(receipt.testimony.testimony_id, REVIEWER)
    assert [(v.version, v.state) for v in history] == [(1, "pending"), (2, winner.state)]
    # the second reviewer, told, decides again on the newest version
    retried = store.testimony.decide(REVIEWER, receipt.testimony.testimony_id, decision="accepted",
                                     reason="Reviewed again", expected_version=2)
    assert retried.version == 3 and retried.state == "accepted"


def test_links_to_recommendations_and_indicators_are_checked(store):
    receipt = give(store, consent="public")
    accepted = accept(store, receipt, recommendation_numbers=["26.214", "26.214", "26.5"],
                      indicator_ids=["rent_burden_share"])
    assert accepted.recommendation_numbers == ("26.214", "26.5")
    with pytest.raises(ValidationError, match="not a recommendation number"):
        store.testimony.relink(REVIEWER, receipt.testimony.testimony_id, expected_version=2,
                               recommendation_numbers=["DROP TABLE"])
    relinked = store.testimony.relink(REVIEWER, receipt.testimony.testimony_id, expected_version=2,
                                      recommendation_numbers=["26.5"])
    assert relinked.state == "accepted" and relinked.action == "linked"
    assert [t.testimony_id for t in store.testimony.shared(PGH, "public", number="26.5")] == [
        receipt.testimony.testimony_id]
    assert store.testimony.shared(PGH, "public", number="26.214") == []


def test_files_kept_in_a_shared_folder_are_checked_against_their_checksums(store, tmp_path):
    store.testimony.attachments_dir = tmp_path / "files"
    receipt = give(store, files=[("photo.jpg", gps_jpeg())])
    attachment = receipt.testimony.attachments[0]
    path = tmp_path / "files" / PGH / attachment.sha256[:2] / attachment.sha256
    assert path.exists() and attachment.file_name == "photo.jpg"
    data = store.testimony.attachment_bytes(REVIEWER, attachment.attachment_id)
    assert b"PhoneMaker" not in data and Image.open(io.BytesIO(data)).getexif() == {}
    path.write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(Exception, match="does not match its checksum"):
        store.testimony.attachment_bytes(REVIEWER, attachment.attachment_id)
    with pytest.raises(PermissionDenied):
        store.testimony.attachment_bytes(VIEWER, attachment.attachment_id)
    store.testimony.withdraw(receipt.code)
    assert not path.exists()


def test_the_spam_guard_allows_a_few_submissions_per_client_per_hour():
    now = [1000.0]
    limiter = SubmissionLimiter(limit=3, window_seconds=3600, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("client:203.0.113.9")
    with pytest.raises(TooManySubmissions) as blocked:
        limiter.check("client:203.0.113.9")
    assert blocked.value.retry_after == 3600 and "about 60 minutes" in str(blocked.value)
    limiter.check("client:198.51.100.4")   # another client is not held up
    now[0] += 3601
    limiter.check("client:203.0.113.9")
    # a refused testimony is not counted: only what is saved is recorded
    for _ in range(10):
        limiter.check("client:192.0.2.7", count=False)
    for _ in range(3):
        limiter.record("client:192.0.2.7")
    with pytest.raises(TooManySubmissions):
        limiter.check("client:192.0.2.7", count=False)


@pytest.mark.parametrize("name, data, reason", [
    ("scan.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "is 5.0 MB; the limit is 5 MB per file"),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not really a picture", "not a picture that can be opened"),
    ("invoice.pdf", b"MZ\x90\x00 a program", "is not a JPEG, PNG or WebP picture nor a PDF"),
], ids=["oversized", "damaged", "disguised"])
def test_an_oversized_or_malformed_file_refuses_the_whole_testimony_and_writes_nothing(store, name, data, reason):
    with pytest.raises(ValidationError) as refused:
        give(store, files=[("fine.jpg", gps_jpeg()), (name, data)])
    assert reason in str(refused.value) and repr(name) in str(refused.value)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM testimonies")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM testimony_attachments")).scalar_one() == 0
