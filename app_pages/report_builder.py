"""Report builder (sign in): compile a stakeholder submission to the UN's Universal Periodic Review, or a local
report to city officials, from a priority list or chosen recommendations — with a live word count against the
limit, drafts saved as versions, what changed since the previous report, and Word and PDF files in both languages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.briefs.report import report_text
from indicators.tracker.auth import WRITE_REPORTS
from indicators.tracker.errors import ConflictError, ValidationError
from indicators.tracker.reports import EMPTY_OUTLINE
from indicators.tracker.vocabularies import REPORT_TEMPLATES
from ui import auth, tables
from ui import reports as ur
from ui import tracker as ut
from ui.i18n import _, lang

city = ut.current_city()
store = ut.store_or_stop()

st.title(_("Report builder"))
st.caption(_("Compile what the coalition knows about {city} — statuses, figures with their margins of error, "
             "residents' consented words, the campaign — into a report the coalition can keep editing.",
             city=ut.md_escape(ut.city_name(city))))
actor = auth.page_actor("/report", sign_in=_("Sign in to compile reports."),
                        not_allowed=_("Your role does not compile reports. Ask an editor of the coalition."),
                        allowed=lambda person: person.can(WRITE_REPORTS))


def save(action) -> object | None:
    try:
        return action()
    except ValidationError as exc:
        ut.show_problems(exc)
    except ConflictError as exc:
        ut.show_conflict(exc)
        st.info(_("Nothing was saved. Load the newest version, then apply your change again."))
    return None


drafts = store.reports.drafts(city)
ids = [0, *(d.report_id for d in drafts)]
words = {d.report_id: f"{d.title} · {_(REPORT_TEMPLATES[d.template])} · v{d.version}" for d in drafts}
if "rb_next" in st.session_state:
    st.session_state["rb_pick"] = st.session_state.pop("rb_next")
if st.session_state.get("rb_pick") not in ids:
    st.session_state["rb_pick"] = ids[1] if drafts else 0
chosen = st.selectbox(_("Report"), ids, key="rb_pick", format_func=ut.shown_as(
    ids, lambda i: words.get(i, _("Start a new report…"))))

if chosen == 0:
    templates = list(REPORT_TEMPLATES)
    template = st.radio(_("Kind of report"), templates, format_func=ut.shown_as(
        templates, lambda t: _(REPORT_TEMPLATES[t])))
    lists = {pl.list_id: pl for pl in store.priority_lists(city)}
    scope = st.selectbox(_("Recommendations from"), [0, *lists], format_func=ut.shown_as(
        [0, *lists], lambda i: lists[i].name if i else _("recommendations I choose")))
    recs = store.recommendations()
    options = {r.number: ut.rec_option(r) for r in recs}
    numbers = ([i.number for i in lists[scope].items] if scope else
               st.multiselect(_("Recommendations"), list(options), format_func=options.get,
                              placeholder=_("Choose options")))
    title = st.text_input(_("Title"), max_chars=300, placeholder=_("e.g. Joint submission of the human rights city "
                                                                   "coalition"))
    if st.button(_("Create the draft"), type="primary"):
        quotes = {n: [t.testimony_id for t in store.testimony.shared(city, "report", number=n)] for n in numbers}
        outline = {**EMPTY_OUTLINE, "lang": lang(), "list_id": scope or None, "numbers": numbers, "quotes": quotes}
        created = save(lambda: store.reports.create(actor, city=city, template=template, title=title,
                                                    outline=outline))
        if created is not None:
            st.session_state["rb_next"] = created.report_id
            ut.flash(_("Created the draft {title}.", title=created.title))
            st.rerun()
    st.stop()

draft = store.reports.draft(chosen)
opened_key = f"rb_opened::{chosen}"
st.session_state.setdefault(opened_key, draft.version)
opened = st.session_state[opened_key]
if opened != draft.version:
    st.warning(_("Someone saved version {newest} after you opened version {opened}.", newest=draft.version,
                 opened=opened))
    if st.button(_("Load the newest version")):
        st.session_state[opened_key] = draft.version
        st.rerun()
base = store.reports.draft(chosen, opened)
st.caption(_("{template} · version {version}, saved by {by} on {when}", template=_(REPORT_TEMPLATES[base.template]),
             version=base.version, by=ut.md_escape(base.recorded_by), when=ut.when(base.recorded_at))
           + (" · " + _("sent on {date}", date=base.issued_on.isoformat()) if base.issued_on else ""))

edit, check = st.columns([3, 2], gap="large")
with edit:
    title, values = ur.outline_editor(store, city, base, f"rb_{chosen}_{opened}")
with check:
    report = ur.preview(store, city, base, title, values)
    if report is not None:
        ur.word_meter(report, ur.dropped_quotes(store, city, base))
        st.markdown(_("**What changed since the previous report**"))
        if report.previous:
            st.caption(_("The previous report: {previous}.", previous=ut.md_escape(report.previous)))
            st.markdown("\n".join(f"- {ut.md_escape(line)}" for line in report.changes))
        else:
            st.caption(_("No report has been marked as sent yet: this one will be the first."))
        ur.downloads(store, city, base, report, f"rb_{chosen}")
        with st.expander(_("The report as it stands")):
            st.text(report_text(report))
    sent_on = st.date_input(_("Sent on (to mark this version as the report that was sent)"), value=None,
                            max_value=dt.date.today(), format="YYYY-MM-DD", key=f"rb_sent_{chosen}")
    if st.button(_("Save the draft"), type="primary", key=f"rb_save_{chosen}"):
        saved = save(lambda: store.reports.save(actor, chosen, expected_version=opened, title=title,
                                                outline=values, issued_on=sent_on))
        if saved is not None:
            st.session_state[opened_key] = saved.version
            ut.flash(_("Saved version {version} of {title}.", version=saved.version, title=saved.title))
            st.rerun()

with st.expander(_("Versions of this report")):
    tables.dataframe(pd.DataFrame([{_("Version"): d.version, _("Title"): d.title, _("By"): d.recorded_by,
                                _("Saved"): ut.when(d.recorded_at),
                                _("Sent on"): d.issued_on.isoformat() if d.issued_on else ""}
                               for d in reversed(store.reports.history(chosen))]), hide_index=True, width="stretch")
