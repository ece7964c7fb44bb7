"""The review queue's pieces: one testimony in full for a reviewer, and the decision form.

A reviewer sees everything a person gave (contact behind a switch, files after their metadata was stripped),
decides with a reason, may shorten the words that can be quoted, and links the testimony to recommendations and
indicators. Each decision names the version it was made on: a reviewer who decided first wins, the other is told.
"""

from __future__ import annotations

import streamlit as st

from indicators.tracker.errors import ConflictError, NotFound, TrackerError, ValidationError
from indicators.tracker.vocabularies import CHANNELS, CONSENT_USES, DECISIONS, TESTIMONY_KINDS, TESTIMONY_STATES
from ui import data
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import _, topics


def describe(t) -> str:
    return _("No. {id} · given {given} · {state}", id=t.testimony_id, given=ut.when(t.created_at),
             state=_(TESTIMONY_STATES[t.state]))


def show_testimony(store, actor, t, city: str) -> None:
    """Everything of one testimony, for a reviewer; its words as plain text."""
    level = tm.area_level(city)
    names = data.area_names(city, level) if level else {}
    topic_names = topics()
    with st.container(border=True):
        st.markdown(f"**{_(TESTIMONY_KINDS[t.kind])}**")
        st.text(t.story or _("(erased: withdrawn)"))
        facts = [_("Neighborhood: {area}", area=ut.md_escape(names.get(t.area_id, t.area_id) or _("not said"))),
                 _("When: {date}", date=t.occurred_on.isoformat() if t.occurred_on else _("not said")),
                 _("Gathered {channel}", channel=_(CHANNELS[t.channel]))
                 + (f" ({ut.md_escape(t.gathered_by)})" if t.gathered_by else "")]
        st.caption(" · ".join(facts))
        if t.topics or t.upr_themes:
            st.caption(_("Topics: {topics}", topics=ut.md_escape("; ".join(
                [topic_names.get(x, x) for x in t.topics] + list(t.upr_themes)))))
        st.markdown(_("**Consent:** {use} · {area}", use=_(CONSENT_USES[t.consent_use]),
                      area=_("neighborhood may be shown") if t.consent_area else _("neighborhood not to be shown")))
        if t.contact and st.toggle(_("Show the contact"), key=f"contact_{t.testimony_id}"):
            st.text(t.contact)
        for attachment in (a for a in t.attachments if not a.removed):
            try:
                payload = store.testimony.attachment_bytes(actor, attachment.attachment_id)
            except (NotFound, TrackerError) as exc:
                ut.show_error(exc)
                continue
            if attachment.is_image:
                st.image(payload, caption=attachment.file_name, width=320)
            st.download_button(_("Download {name} ({kb} kB)", name=attachment.file_name,
                                 kb=max(1, attachment.size // 1024)), payload, file_name=attachment.file_name,
                               mime=attachment.media_type, key=f"file_{attachment.attachment_id}",
                               on_click="ignore", icon=":material/download:")
            st.caption(_("SHA-256 {sha}", sha=attachment.sha256))


def suggested_numbers(store, t) -> list[str]:
    """Recommendations on the themes the testimony names (its UN themes, and the themes of its topics)."""
    from indicators.metrics.catalog import UPR_THEMES_BY_TOPIC

    themes = set(t.upr_themes) | {theme for topic in t.topics for theme in UPR_THEMES_BY_TOPIC.get(topic, ())}
    recs = store.recommendation_frame()
    return recs[recs["theme"].isin(themes)]["number"].tolist()


def decision_form(store, actor, t) -> None:
    """Accept, ask for changes or reject, with a reason, the quotable words and the links."""
    opened_key = f"review_opened::{t.testimony_id}"
    st.session_state.setdefault(opened_key, t.version)
    opened = st.session_state[opened_key]
    if opened != t.version:
        st.warning(_("Someone decided on this testimony (now version {newest}) after you opened version {opened}.",
                     newest=t.version, opened=opened))
        if st.button(_("Load the newest version"), key=f"reload_{t.testimony_id}"):
            st.session_state[opened_key] = t.version
            st.rerun()
    numbers = store.recommendation_frame()["number"].tolist()
    suggested = suggested_numbers(store, t)
    choices = ut.indicator_choices()
    with st.form(f"decide_{t.testimony_id}_{opened}"):
        decisions = list(DECISIONS)
        decision = st.radio(_("Decision"), decisions, horizontal=True,
                            format_func=ut.shown_as(decisions, lambda d: _(DECISIONS[d])))
        reason = st.text_area(_("Reason (the person reads it with their receipt code; required to ask for changes "
                                "or reject)"), value=t.reason, max_chars=2_000, height=90)
        excerpt = st.text_area(_("Words that may be quoted (shorten them to leave out anything that could identify "
                                 "someone)"), value=t.excerpt or t.story, max_chars=1_500, height=110)
        linked = st.multiselect(_("Recommendations it bears on"), numbers, default=list(t.recommendation_numbers),
                                placeholder=_("Choose options"),
                                help=_("Suggested from its themes: {numbers}", numbers=", ".join(suggested[:12]) or
                                       _("none")))
        indicators = st.multiselect(_("Indicators that show the same thing"), list(choices),
                                    default=[i for i in t.indicator_ids if i in choices],
                                    format_func=ut.shown_as(choices, choices.get), placeholder=_("Choose options"))
        sent = st.form_submit_button(_("Save the decision"), type="primary")
    if not sent:
        return
    try:
        saved = store.testimony.decide(actor, t.testimony_id, decision=decision, reason=reason,
                                       excerpt="" if excerpt.strip() == t.story.strip() else excerpt,
                                       recommendation_numbers=linked, indicator_ids=indicators,
                                       expected_version=opened)
    except ValidationError as exc:
        ut.show_problems(exc)
    except ConflictError as exc:
        ut.show_conflict(exc)
        st.info(_("Nothing was saved. Load the newest version, then decide again."))
    else:
        st.session_state[opened_key] = saved.version
        ut.flash(_("Saved: testimony {id} is now “{state}”.", id=saved.testimony_id,
                   state=_(TESTIMONY_STATES[saved.state])))
        st.rerun()
