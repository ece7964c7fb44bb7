"""Campaign log (sign in): log the coalition's actions on a recommendation or a priority list, set who must act and
by when, and keep the list of responsible city bodies — every change versioned."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.tracker.auth import EDIT_CAMPAIGN
from indicators.tracker.vocabularies import ACTION_KINDS
from ui import auth, tables
from ui import campaign_forms as cf
from ui import tracker as ut
from ui.i18n import _

city = ut.current_city()
store = ut.store_or_stop()

st.title(_("Campaign log"))
st.caption(_("The campaign behind each recommendation and priority list of {city}: actions, responsible bodies, "
             "target dates. What is logged here shows on the recommendation's timeline, the public campaign page, "
             "its feed and the progress brief.", city=ut.md_escape(ut.city_name(city))))
actor = auth.page_actor("/campaign-log", sign_in=_("Sign in to log campaign actions."),
                        not_allowed=_("Your role does not log campaign actions. Ask an editor of the coalition."),
                        allowed=lambda person: person.can(EDIT_CAMPAIGN))

log, actions_tab, targets_tab, bodies_tab = st.tabs([_("Log an action"), _("Actions"), _("Targets"),
                                                     _("Responsible bodies")])
with log:
    subject, name = cf.subject_picker(store, city, "log")
    cf.action_form(store, actor, city, subject)

with actions_tab:
    every = store.campaign.actions(city, include_retracted=True)
    if not every:
        st.info(_("No action logged yet."))
    else:
        ids = [a.action_id for a in every]
        kinds, retracted = {k: _(label) for k, label in ACTION_KINDS.items()}, _("retracted")
        words = {a.action_id: " · ".join([a.happened_on.isoformat(), kinds[a.kind], a.subject]
                                         + ([retracted] if a.retracted else [])) for a in every}
        chosen = st.selectbox(_("Action"), ids, format_func=ut.shown_as(ids, words.get), key="actions_pick")
        current = store.campaign.action(chosen)
        base = cf.opened(f"opened_action::{chosen}", current.version)
        if base != current.version:
            st.warning(_("Someone saved version {newest} after you opened version {opened}.", newest=current.version,
                         opened=base))
            if st.button(_("Load the newest version"), key="action_reload"):
                st.session_state[f"opened_action::{chosen}"] = current.version
                st.rerun()
        cf.action_form(store, actor, city, current.subject, current=store.campaign.action(chosen))
        with st.expander(_("Versions of this action")):
            tables.dataframe(pd.DataFrame([{_("Version"): v.version, _("Date"): v.happened_on.isoformat(),
                                        _("What"): _(ACTION_KINDS[v.kind]), _("Who"): v.who, _("Note"): v.note,
                                        _("Retracted"): v.retracted, _("By"): v.recorded_by,
                                        _("Saved"): ut.when(v.recorded_at)}
                                       for v in reversed(store.campaign.action_history(chosen))]),
                         hide_index=True, width="stretch")

with targets_tab:
    subject, name = cf.subject_picker(store, city, "target")
    cf.target_form(store, actor, city, subject)
    history = store.campaign.target_history(city, subject)
    if history:
        tables.dataframe(pd.DataFrame([{_("Version"): t.version, _("Responsible city body"): t.body_name,
                                    _("Target date"): t.target_date, _("Note"): t.note, _("By"): t.recorded_by,
                                    _("Saved"): ut.when(t.recorded_at)} for t in reversed(history)]),
                     hide_index=True, width="stretch")

with bodies_tab:
    bodies = store.campaign.bodies(city, include_archived=True)
    if bodies:
        tables.dataframe(pd.DataFrame([{_("Name"): b.name, _("What it does"): b.description, _("Web page"): b.url,
                                    _("No longer on the list"): b.archived, _("Version"): b.version}
                                   for b in bodies]), hide_index=True, width="stretch")
        ids = [0, *(b.body_id for b in bodies)]
        names = {b.body_id: b.name for b in bodies}
        chosen = st.selectbox(_("Change"), ids, key="body_pick",
                              format_func=ut.shown_as(ids, lambda i: names.get(i, _("Add a new body…"))))
    else:
        chosen = 0
    cf.body_form(store, actor, city, current=store.campaign.body(chosen) if chosen else None)
