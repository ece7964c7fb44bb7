"""The report builder's pieces: the outline editor, the live word count against the limit, and the downloads.

The words counted are those of the document as it would be made now (the same blocks the Word and PDF files are
written from), whenever a field changes. Testimony is offered for quoting only where its giver consented to
reports; the files read that consent again when they are made.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from indicators import briefs
from indicators.briefs.report import Report, build_report
from indicators.core.i18n import LANGUAGES
from indicators.tracker.errors import ValidationError
from indicators.tracker.reports import PAGE_LIMIT_SOURCE, SUBMISSION_LIMITS, ReportDraft, clean_outline
from ui import data
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def outline_editor(store, city: str, draft: ReportDraft, prefix: str) -> tuple[str, dict]:
    """Every field of a draft's outline as widgets (a change reruns the page and the count)."""
    outline = draft.outline
    stakeholder = draft.template == "stakeholder"
    title = st.text_input(_("Title"), value=draft.title, max_chars=300, key=f"{prefix}_title")
    left, right = st.columns(2)
    languages = list(LANGUAGES)
    values = {"lang": left.radio(_("Language of the report"), languages, horizontal=True, key=f"{prefix}_lang",
                                 index=languages.index(outline.get("lang") or "en"), format_func=LANGUAGES.get),
              "list_id": outline.get("list_id"), "numbers": list(outline.get("numbers") or [])}
    if stakeholder:
        kinds = list(SUBMISSION_LIMITS)
        values["submission"] = right.radio(_("Kind of submission"), kinds, horizontal=True, key=f"{prefix}_kind",
                                           index=kinds.index(outline.get("submission") or "joint"),
                                           format_func=ut.shown_as(kinds, lambda k: _(SUBMISSION_LIMITS[k].label)))
    else:
        values["addressee"] = right.text_input(_("Addressed to"), value=outline.get("addressee", ""), max_chars=200,
                                               key=f"{prefix}_addressee",
                                               placeholder=_("e.g. the Mayor and the City Council"))
    values["coalition"] = st.text_input(_("Coalition (as it signs the report)"), value=outline.get("coalition", ""),
                                        max_chars=200, key=f"{prefix}_coalition")
    values["members"] = st.text_area(_("Members, one per line"), value="\n".join(outline.get("members") or []),
                                     height=90, key=f"{prefix}_members")
    c1, c2 = st.columns(2)
    values["contact"] = c1.text_input(_("Contact (name and e-mail)"), value=outline.get("contact", ""), max_chars=200,
                                      key=f"{prefix}_contact")
    values["keywords"] = c2.text_input(_("Keywords"), value=outline.get("keywords", ""), max_chars=200,
                                       key=f"{prefix}_keywords")
    if stakeholder:
        values["review"] = st.text_input(_("Review (cycle and session)"), value=outline.get("review", ""),
                                         max_chars=200, key=f"{prefix}_review",
                                         placeholder=_("e.g. 4th cycle, 50th session of the Working Group"))
    values["summary"] = st.text_area(_("Executive summary (a blank line starts a new numbered paragraph)"),
                                     value=outline.get("summary", ""), height=150, key=f"{prefix}_summary")
    values["paragraphs"], values["quotes"], values["indicators"] = {}, {}, {}
    choices = ut.indicator_choices()
    for number in values["numbers"]:
        with st.expander(_("Recommendation {number}", number=number)):
            values["paragraphs"][number] = st.text_area(
                _("The coalition's assessment"), value=(outline.get("paragraphs") or {}).get(number, ""),
                height=120, key=f"{prefix}_para_{number}")
            offered = {t.testimony_id: t.text for t in store.testimony.shared(city, "report", number=number)}
            chosen = [i for i in (outline.get("quotes") or {}).get(number, []) if i in offered]
            values["quotes"][number] = st.multiselect(
                _("Quotes from testimony (only testimony whose givers allowed reports)"), list(offered),
                default=chosen, key=f"{prefix}_quotes_{number}", placeholder=_("Choose options"),
                format_func=ut.shown_as(offered, lambda i: f"{i}: {offered[i][:80]}"))
            values["indicators"][number] = st.multiselect(
                _("More indicators to cite (those named by its statuses are cited already)"), list(choices),
                default=[i for i in (outline.get("indicators") or {}).get(number, []) if i in choices],
                format_func=ut.shown_as(choices, choices.get), key=f"{prefix}_ind_{number}",
                placeholder=_("Choose options"))
    values["asks"] = st.text_area(_("The coalition's own recommendations, one per line"),
                                  value="\n".join(outline.get("asks") or []), height=110, key=f"{prefix}_asks")
    limit = st.number_input(_("Word limit of your own (leave at 0 for the UN's)") if stakeholder
                            else _("Word limit (optional, 0 for none)"), min_value=0, max_value=100_000, step=100,
                            value=int(outline.get("word_limit") or 0), key=f"{prefix}_limit")
    values["word_limit"] = int(limit) or None
    return title, values


def preview(store, city: str, draft: ReportDraft, title: str, values: dict) -> Report | None:
    """The report as it would be made from the fields now (None, with the problems said, where they are refused)."""
    try:
        outline = clean_outline(values)
    except ValidationError as exc:
        ut.show_problems(exc)
        return None
    level = tm.area_level(city)
    names = data.area_names(city, level) if level else {}
    return build_report(data.snapshot(city), store, replace(draft, title=title or draft.title, outline=outline),
                        area_names=names)


def dropped_quotes(store, city: str, draft: ReportDraft) -> int:
    """How many quotes the saved draft chose that may no longer be used (withdrawn, or consent not for reports)."""
    usable = {t.testimony_id for t in store.testimony.shared(city, "report")}
    return sum(1 for ids in (draft.outline.get("quotes") or {}).values() for i in ids if i not in usable)


def word_meter(report: Report, dropped: int = 0) -> None:
    """The live word count against the limit, where the limit comes from, and quotes the report may no longer
    hold (``dropped``, counted on the saved draft)."""
    limit = report.word_limit
    count = report.word_count
    if limit:
        st.progress(min(1.0, count / limit), text=_("{count} of {limit} words", count=f"{count:,}",
                                                      limit=f"{limit:,}"))
        if count > limit:
            st.error(_("{over} words over the limit.", over=f"{count - limit:,}"), icon=":material/warning:")
    else:
        st.metric(_("Words"), f"{count:,}")
    st.caption(_("{n} numbered paragraphs. Every word of the document is counted — cover page, headings, numbers and "
                 "sources included.", n=report.paragraph_count))
    if report.template == "stakeholder" and not report.draft.outline.get("word_limit"):
        kind = SUBMISSION_LIMITS[report.draft.outline.get("submission") or "joint"]
        with st.expander(_("Where the limit comes from")):
            st.markdown(ut.md_escape(_(kind.source), inline=False))
            st.markdown(ut.md_escape(_(PAGE_LIMIT_SOURCE), inline=False))
            st.caption(_(kind.note))
    dropped = max(dropped, report.dropped_quotes)
    if dropped:
        st.warning(_("Chosen quotes no longer in the report: {n}. Their givers withdrew them or do not allow "
                     "reports.", n=dropped))


def downloads(store, city: str, draft: ReportDraft, report: Report, key: str) -> None:
    """The report as Word and PDF, in each language, made when clicked."""
    from indicators.briefs import file_stem

    level = tm.area_level(city)
    names = data.area_names(city, level) if level else {}
    snapshot = data.snapshot(city)
    made = replace(draft, title=report.title, outline=report.draft.outline)

    def make(fmt: str, language: str):
        def build() -> bytes:
            compiled = build_report(snapshot, store, made, lang=language, area_names=names)
            return briefs.report_docx(compiled) if fmt == "docx" else briefs.report_pdf(compiled)
        return build

    with st.container(horizontal=True):
        for language, name in LANGUAGES.items():
            stem = file_stem("report", city, str(draft.report_id), report.title, language)
            st.download_button(_("Word ({language})", language=name), data=make("docx", language),
                               file_name=f"{stem}.docx", mime=DOCX, on_click="ignore", icon=":material/description:",
                               key=f"{key}_docx_{language}")
            st.download_button(_("PDF ({language})", language=name), data=make("pdf", language),
                               file_name=f"{stem}.pdf", mime="application/pdf", on_click="ignore",
                               icon=":material/picture_as_pdf:", key=f"{key}_pdf_{language}")
