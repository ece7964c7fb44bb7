"""The campaign log's forms for editors: what a campaign is about, an action, a target, a responsible body.

Every form keeps the version the editor opened; a save on top of an older version is refused with both versions
shown (the store checks it, and the role, again).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from indicators.tracker.campaign import list_subject, rec_subject
from indicators.tracker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from indicators.tracker.vocabularies import ACTION_KINDS
from ui import tracker as ut
from ui.i18n import _


def run(action) -> object | None:
    """A store write; refused input, permissions and conflicts are said on the page."""
    try:
        return action()
    except ValidationError as exc:
        ut.show_problems(exc)
    except ConflictError as exc:
        ut.show_conflict(exc)
        st.info(_("Nothing was saved. Load the newest version, then apply your change again."))
    except (PermissionDenied, NotFound) as exc:
        ut.show_error(exc)
    return None


def opened(key: str, newest: int) -> int:
    st.session_state.setdefault(key, newest)
    return st.session_state[key]


def subject_picker(store, city: str, key: str) -> tuple[str, str]:
    """A recommendation or a priority list: (subject, name in words). Follows ``?rec=`` when given."""
    kinds = ["rec", "list"]
    kind = st.radio(_("About"), kinds, horizontal=True, key=f"{key}_kind",
                    format_func=ut.shown_as(kinds, lambda k: _("a recommendation") if k == "rec"
                                            else _("a priority list")))
    if kind == "list":
        lists = store.priority_lists(city)
        if not lists:
            st.info(_("No local priority list yet."))
            st.stop()
        names = {pl.list_id: pl.name for pl in lists}
        list_id = st.selectbox(_("Priority list"), list(names), key=f"{key}_list",
                               format_func=ut.shown_as(names, names.get))
        return list_subject(list_id), names[list_id]
    recs = store.recommendations()
    numbers = [r.number for r in recs]
    wanted = st.query_params.get("rec")
    if wanted in numbers and f"{key}_rec" not in st.session_state:
        st.session_state[f"{key}_rec"] = wanted
    options = {r.number: ut.rec_option(r) for r in recs}
    number = st.selectbox(_("Recommendation"), numbers, key=f"{key}_rec", format_func=options.get)
    rec = next(r for r in recs if r.number == number)
    return rec_subject(rec.cycle, number), number


def action_form(store, actor, city: str, subject: str, current=None) -> None:
    """Log a new action, or (``current``) change or retract one."""
    kinds = list(ACTION_KINDS)
    form_key = f"action_{current.action_id}_{current.version}" if current else f"action_new_{subject}"
    with st.form(form_key):
        kind = st.selectbox(_("What"), kinds, index=kinds.index(current.kind) if current else 0,
                            format_func=ut.shown_as(kinds, lambda k: _(ACTION_KINDS[k])))
        happened = st.date_input(_("When"), value=current.happened_on if current else dt.date.today(),
                                 max_value=dt.date.today(), min_value=dt.date(1945, 1, 1), format="YYYY-MM-DD")
        who = st.text_input(_("Who (the coalition, a member group, a council member…)"),
                            value=current.who if current else "", max_chars=200)
        link = st.text_input(_("Link (minutes, video, article, petition)"), value=current.link if current else "",
                             max_chars=2_000, placeholder="https://")
        note = st.text_area(_("Note"), value=current.note if current else "", max_chars=10_000, height=90)
        retracted = st.checkbox(_("Retract this action (it leaves every public view; its history stays)"),
                                value=current.retracted) if current else False
        sent = st.form_submit_button(_("Save the action") if current else _("Log the action"), type="primary")
    if not sent:
        return
    if current is None:
        saved = run(lambda: store.campaign.log_action(actor, city=city, subject=subject, kind=kind,
                                                      happened_on=happened, who=who, link=link, note=note))
    else:
        base = opened(f"opened_action::{current.action_id}", current.version)
        saved = run(lambda: store.campaign.update_action(actor, current.action_id, expected_version=base, kind=kind,
                                                         happened_on=happened, who=who, link=link, note=note,
                                                         retracted=retracted))
    if saved is not None:
        st.session_state[f"opened_action::{saved.action_id}"] = saved.version
        ut.flash(_("Saved the action of {date}.", date=saved.happened_on.isoformat()))
        st.rerun()


def target_form(store, actor, city: str, subject: str) -> None:
    current = store.campaign.target(city, subject)
    base = opened(f"opened_target::{city}::{subject}", current.version if current else 0)
    bodies = store.campaign.bodies(city)
    ids = [None, *(b.body_id for b in bodies)]
    names = {b.body_id: b.name for b in bodies}
    if not bodies:
        st.caption(_("Add the city bodies the coalition holds responsible under “Responsible bodies”."))
    with st.form(f"target_{subject}_{base}"):
        body = st.selectbox(_("Responsible city body"), ids,
                            index=ids.index(current.body_id) if current and current.body_id in ids else 0,
                            format_func=ut.shown_as(ids, lambda i: names.get(i, _("not named yet"))))
        when = st.date_input(_("Target date"), value=current.target_date if current else None,
                             min_value=dt.date(1945, 1, 1), format="YYYY-MM-DD")
        note = st.text_area(_("Note"), value=current.note if current else "", max_chars=10_000, height=80)
        sent = st.form_submit_button(_("Save the target"), type="primary")
    if sent:
        saved = run(lambda: store.campaign.set_target(actor, city=city, subject=subject, body_id=body,
                                                      target_date=when, note=note, expected_version=base))
        if saved is not None:
            st.session_state[f"opened_target::{city}::{subject}"] = saved.version
            ut.flash(_("Saved version {version} of the target.", version=saved.version))
            st.rerun()


def body_form(store, actor, city: str, current=None) -> None:
    with st.form(f"body_{current.body_id}_{current.version}" if current else "body_new"):
        name = st.text_input(_("Name"), value=current.name if current else "", max_chars=200,
                             placeholder=_("e.g. City Council, Housing Authority, Office of the Mayor"))
        description = st.text_area(_("What it does (optional)"), value=current.description if current else "",
                                   max_chars=10_000, height=70)
        url = st.text_input(_("Web page (optional)"), value=current.url if current else "", max_chars=2_000)
        archived = st.checkbox(_("No longer on the list"), value=current.archived) if current else False
        sent = st.form_submit_button(_("Save") if current else _("Add to the list"), type="primary")
    if not sent:
        return
    if current is None:
        saved = run(lambda: store.campaign.add_body(actor, city=city, name=name, description=description, url=url))
    else:
        base = opened(f"opened_body::{current.body_id}", current.version)
        saved = run(lambda: store.campaign.update_body(actor, current.body_id, expected_version=base, name=name,
                                                       description=description, url=url, archived=archived))
    if saved is not None:
        st.session_state[f"opened_body::{saved.body_id}"] = saved.version
        ut.flash(_("Saved {name}.", name=saved.name))
        st.rerun()
