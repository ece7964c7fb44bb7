"""A compiled report, opened as the coalition's software opens it: the Word file (python-docx) and the PDF (pypdf)
hold numbered paragraphs, each recommendation's number, both statuses, the indicators with their margins of error
and periods, only the quotes whose givers consented to reports — and as many words as the builder counted.

The figure is read here from the committed snapshot's file by hand: the city's rent burden for 2020–2024 is
0.4526 with a margin of error of 0.0182 (``acs5_city_series``), said "45.3% ± 1.8 points".
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from indicators import briefs
from indicators.briefs.report import build_report
from indicators.tracker.auth import Actor

from .conftest import EDITOR

PGH = "pittsburgh"
REVIEWER = Actor("rita", "reviewer", "Rita Reviewer")
TODAY = dt.date(2026, 1, 15)
QUOTED = "Our rent went up by half and three families on our block had to move."
INSIDE = "Only for the coalition: my landlord threatened me."
PENDING = "Waiting: the shelter turned us away twice."
WITHDRAWN = "Withdrawn later: we slept in the car for a month."
STATUS_LINE = ("Status in Pittsburgh: the city government reports “In progress” (as of 2023-05-01, according to "
               "Office of the Mayor); the community assesses “Not started” (as of 2024-02-01, according to Housing "
               "coalition).")
EVIDENCE = "Renters paying 30% or more of income on rent: 45.3% ± 1.8 points (2020–2024; U.S. Census Bureau)"


def words_in(text: str) -> int:
    """Counted independently of the builder: spaces split words; a word holds a letter or a digit."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def give(store, story: str, consent: str, *, accept: bool = True) -> int:
    given = store.testimony.submit(city=PGH, kind="harm", story=story, consent_use=consent, consent_area=True,
                                   area_level="neighborhood", area_id="Bloomfield", topics=["housing"])
    if accept:
        store.testimony.decide(REVIEWER, given.testimony.testimony_id, decision="accepted", expected_version=1,
                               recommendation_numbers=["26.286"])
    return given


@pytest.fixture
def report_store(seeded_store):
    store = seeded_store
    store.set_status(EDITOR, "26.286", city=PGH, track="city", status="in_progress", as_of="2023-05-01",
                     author="Office of the Mayor", indicator_ids=["rent_burden_share"], expected_version=0)
    store.set_status(EDITOR, "26.286", city=PGH, track="community", status="not_started", as_of="2024-02-01",
                     author="Housing coalition", expected_version=0)
    plist = store.create_priority_list(EDITOR, city=PGH, name="Housing first", items=[
        {"number": "26.286", "cycle": 3, "responsible_body": "City Council", "target_date": "2025-06-30"},
        {"number": "26.284", "cycle": 3}])
    quoted = give(store, QUOTED, "reports")
    inside = give(store, INSIDE, "coalition")
    pending = give(store, PENDING, "public", accept=False)
    withdrawn = give(store, WITHDRAWN, "public")
    store.testimony.withdraw(withdrawn.code)
    store.campaign.log_action(EDITOR, city=PGH, subject="rec:3:26.286", kind="council_hearing",
                              happened_on="2024-03-04", who="Tenant union", note="Twelve residents testified.")
    ids = [t.testimony.testimony_id for t in (quoted, inside, pending, withdrawn)]
    outline = {"list_id": plist.list_id, "numbers": [i.number for i in plist.items], "coalition": "Housing Coalition",
               "members": ["Tenant Union", "Legal Aid"], "submission": "joint",
               "summary": "Rents rose faster than incomes.\n\nEvictions returned.",
               "paragraphs": {"26.286": "The housing fund exists but has not reached the families most at risk."},
               "quotes": {"26.286": ids}, "asks": ["Fund a right to counsel in eviction cases."]}
    store.drafts_for_test = {template: store.reports.create(EDITOR, city=PGH, template=template,
                                                            title=f"{template} report", outline=outline)
                             for template in ("stakeholder", "local")}
    return store


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_the_word_file_holds_numbered_paragraphs_both_statuses_the_margins_and_only_consented_quotes(
        report_store, snapshot):
    report = build_report(snapshot, report_store, report_store.drafts_for_test["stakeholder"], lang="en",
                          today=TODAY)
    paragraphs = docx_paragraphs(briefs.report_docx(report))
    text = "\n".join(paragraphs)
    numbered = [p for p in paragraphs if re.match(r"^\d+\. ", p)]
    assert [int(p.split(".")[0]) for p in numbered] == list(range(1, len(numbered) + 1))
    assert len(numbered) == report.paragraph_count == 9
    assert "Recommendation 26.286 (Ethiopia) — Supported" in paragraphs
    assert "Recommendation 26.284 (Cuba) — Supported" in paragraphs
    assert "5. " + STATUS_LINE in paragraphs
    assert f"7. Evidence in Pittsburgh: {EVIDENCE}." in paragraphs
    assert f"“{QUOTED}” — a resident of Bloomfield" in paragraphs
    for not_consented in (INSIDE, PENDING, WITHDRAWN, "Withdrawn later"):
        assert not_consented not in text
    assert "Members: Tenant Union; Legal Aid" in paragraphs and "Joint submission" in paragraphs
    assert "9. Fund a right to counsel in eviction cases." in paragraphs
    assert report.dropped_quotes == 3
    # the builder's count is the count of the file, and within the UN's limit for a joint submission
    assert words_in(text) == report.word_count
    assert report.word_limit == 5_630 and report.word_count < 5_630


def test_the_pdf_says_the_same_in_english_and_spanish(report_store, snapshot):
    draft = report_store.drafts_for_test["stakeholder"]
    english = build_report(snapshot, report_store, draft, lang="en", today=TODAY)
    pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(
        briefs.report_pdf(english))).pages)
    for expected in ("26.286", "26.284", STATUS_LINE, EVIDENCE, QUOTED):
        assert " ".join(expected.split()) in pdf
    assert INSIDE not in pdf and WITHDRAWN not in pdf
    spanish = build_report(snapshot, report_store, draft, lang="es", today=TODAY)
    paragraphs = docx_paragraphs(briefs.report_docx(spanish))
    assert "Recomendación 26.286 (Ethiopia): Apoyada" in paragraphs
    assert "I. Introducción y resumen ejecutivo" in paragraphs
    assert any("45.3% ± 1.8 puntos (2020–2024; U.S. Census Bureau)" in p for p in paragraphs)
    assert any("«No iniciada» (al 2024-02-01, según Housing coalition)" in p for p in paragraphs)
    assert f"«{QUOTED}» —un residente de Bloomfield" in paragraphs
    assert words_in("\n".join(paragraphs)) == spanish.word_count


def test_the_local_report_names_who_must_act_by_when_and_the_campaign(report_store, snapshot):
    report = build_report(snapshot, report_store, report_store.drafts_for_test["local"], lang="en", today=TODAY)
    paragraphs = docx_paragraphs(briefs.report_docx(report))
    assert "A report to the officials of Pittsburgh" in paragraphs
    assert "III. Where the city stands" in paragraphs and "IV. What we ask" in paragraphs
    assert any(p.endswith("Responsible: City Council. Target date: 2025-06-30 — overdue.") for p in paragraphs)
    assert any(p.endswith("Campaign actions: 2024-03-04: Council hearing — Tenant union (Twelve residents "
                          "testified.).") for p in paragraphs)
    assert report.word_limit is None


def test_a_report_says_what_changed_since_the_previous_report_sent(report_store, snapshot):
    drafts = report_store.reports
    local = report_store.drafts_for_test["local"]
    drafts.save(EDITOR, local.report_id, expected_version=1, title="Report to council, January 2024",
                outline={**local.outline, "numbers": ["26.286", "26.5"]}, issued_on="2024-01-10")
    report = build_report(snapshot, report_store, report_store.drafts_for_test["stakeholder"], lang="en",
                          today=TODAY)
    assert report.previous == "“Report to council, January 2024”, sent on 2024-01-10"
    assert report.changes == (
        "Recommendations followed up for the first time: 26.284.",
        "Recommendations no longer followed up here: 26.5.",
        "26.286: community assessment moved from “No assessment yet” to “Not started”.",
        "Campaign actions since then: 1, the latest on 2024-03-04: Council hearing.",
        "Residents' testimonies on these recommendations accepted since then: 1.")
    paragraphs = docx_paragraphs(briefs.report_docx(report))
    assert "4. Our previous report was “Report to council, January 2024”, sent on 2024-01-10." in paragraphs


def test_typed_markup_and_formulas_print_as_written(report_store, snapshot):
    draft = report_store.drafts_for_test["stakeholder"]
    typed = '=HYPERLINK("http://evil.example") & rent < 30% > none'
    outline = {**draft.outline, "summary": typed}
    saved = report_store.reports.save(EDITOR, draft.report_id, expected_version=1, title="A & B < C",
                                      outline=outline)
    report = build_report(snapshot, report_store, saved, lang="en", today=TODAY)
    assert f"1. {typed}" in docx_paragraphs(briefs.report_docx(report))
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(briefs.report_pdf(report))).pages)
    assert typed in " ".join(pdf.split()) and "A & B < C" in pdf


def test_the_command_line_writes_a_report_as_word_and_pdf(report_store, store_url, tmp_path, capsys):
    from indicators.cli.brief import main as brief_cli

    draft = report_store.drafts_for_test["stakeholder"]
    out = tmp_path / "out"
    assert brief_cli(["brief", "report", str(draft.report_id), "--db", store_url, "--lang", "es",
                      "--out", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"report-pittsburgh-{draft.report_id}-stakeholder-report-es.{ext}" for ext in ("docx", "pdf")]
    paragraphs = docx_paragraphs((out / written[0]).read_bytes())
    assert "Recomendación 26.286 (Ethiopia): Apoyada" in paragraphs
    assert "of 5,630 words, 9 numbered paragraphs" in capsys.readouterr().err
    assert brief_cli(["brief", "report", "no such report", "--db", store_url, "--out", str(out)]) == 2
