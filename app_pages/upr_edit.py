"""Edit the UPR tracker: sign in, then set statuses with evidence, restore versions, manage priority lists, import.

Every form sends the version the editor opened; if someone saved in between, the store refuses
and both versions are shown. The role decides which forms appear, and the store checks it again.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.tracker.auth import EDIT_PRIORITIES, IMPORT, STATUS_PERMISSION
from indicators.tracker.errors import ConflictError, PermissionDenied, ValidationError
from indicators.tracker.importer import import_bytes, parse_recommendations
from indicators.tracker.priorities import with_item_added, with_item_changed, with_item_moved, without_item
from indicators.tracker.records import PriorityItem
from indicators.tracker.validation import NOTE_LIMIT, SHORT_TEXT_LIMIT, STATUSES, TRACKS
from ui import auth
from ui import tracker as ut

city = ut.current_city()
store = ut.store_or_stop()

st.title("Edit the UPR tracker")
actor = auth.current_actor()
if actor is None:
    st.info("Sign in to edit. Everything in the tracker is public to read; editing needs an account from the "
            "coalition.")
    auth.sign_in_panel()
    st.stop()
auth.signed_in_bar(actor)
ut.show_flash()
if actor.role == "viewer":
    st.info("Your account can read the tracker but not edit it. Ask an editor to give you a role.")
    st.stop()


def opened(key: str, newest: int) -> int:
    """The version this editor opened (kept across reruns, so a save can detect newer versions)."""
    st.session_state.setdefault(key, newest)
    return st.session_state[key]


def report(action) -> object | None:
    """Run a store write; show refused input, permission and conflict errors on the page."""
    try:
        return action()
    except ValidationError as exc:
        ut.show_problems(exc)
    except ConflictError as exc:
        ut.show_conflict(exc)
        st.info("Nothing was saved. Load the newest version, then apply your change again.")
    except PermissionDenied as exc:
        st.error(ut.md_escape(str(exc)))
    return None


recs = store.recommendations()
tracks = [t for t in TRACKS if actor.can(STATUS_PERMISSION[t])]
tab_names = []
if tracks and recs:
    tab_names += ["Status and evidence", "History and restore"]
if actor.can(EDIT_PRIORITIES):
    tab_names.append("Priority lists")
if actor.can(IMPORT):
    tab_names.append("Import recommendations")
if not recs and not actor.can(IMPORT):
    st.info("No recommendations yet: an editor imports the official list first.")
    st.stop()
tabs = dict(zip(tab_names, st.tabs(tab_names), strict=True))


def pick_recommendation() -> str:
    """The recommendation being edited; follows ``?rec=`` when the editor arrives from a recommendation."""
    numbers = [r.number for r in recs]
    options = {r.number: ut.rec_option(r) for r in recs}
    wanted = st.query_params.get("rec")
    if wanted in options and st.session_state.get("edit_rec_from_url") != wanted:
        st.session_state["edit_rec"] = wanted
        st.session_state["edit_rec_from_url"] = wanted
    number = st.selectbox("Recommendation", numbers, format_func=options.get, key="edit_rec")
    if st.query_params.get("rec") != number:
        st.query_params["rec"] = number
        st.session_state["edit_rec_from_url"] = number
    return number


def status_tab(number: str, track: str) -> None:
    current = store.current_status(number, city=city, track=track)
    newest = current.version if current else 0
    key = f"opened::{city}::{number}::{track}"
    base_version = opened(key, newest)
    if base_version != newest:
        st.warning(f"Someone saved version {newest} after you opened version {base_version}.")
        if st.button("Load the newest version", key=f"reload_{key}"):
            st.session_state[key] = newest
            st.rerun()
    base = store.status_version(number, city=city, track=track, version=base_version) if base_version else None
    st.caption(f"Editing on top of version {base_version}" if base_version else "No version yet: this is the first.")
    form_key = f"status::{number}::{track}::{base_version}"
    with st.form(form_key):
        status = st.selectbox("Status", list(STATUSES), format_func=ut.status_label,
                              index=list(STATUSES).index(base.status) if base else 0)
        as_of = st.date_input("As of (the date the claim or assessment refers to)",
                              value=base.as_of if base else dt.date.today(), max_value=dt.date.today(),
                              min_value=dt.date(1945, 1, 1))
        default_author = base.author if base else (actor.label if track == "community" else "")
        author = st.text_input("According to (who makes this claim)", value=default_author,
                               max_chars=SHORT_TEXT_LIMIT,
                               placeholder="e.g. Office of the Mayor" if track == "city" else "e.g. the coalition")
        note = st.text_area("Note", value=base.note if base else "", max_chars=NOTE_LIMIT, height=140)
        evidence = st.text_area("Evidence links, one per line (a URL, then an optional label)",
                                value=ut.evidence_lines(base), height=100,
                                placeholder="https://example.org/report.pdf Annual report 2023, p. 12")
        choices = ut.indicator_choices()
        if choices:
            indicators = st.multiselect("Indicators whose trend counts as evidence", list(choices),
                                        default=[i for i in (base.indicator_ids if base else ()) if i in choices],
                                        format_func=lambda i: choices.get(i, i))
        else:
            typed = st.text_input("Indicator ids whose trend counts as evidence (comma-separated)",
                                  value=", ".join(base.indicator_ids) if base else "")
            indicators = [i.strip() for i in typed.split(",") if i.strip()]
        submitted = st.form_submit_button(f"Save the {TRACKS[track].lower()}", type="primary")
    if submitted:
        saved = report(lambda: store.set_status(
            actor, number, city=city, track=track, status=status, as_of=as_of, author=author, note=note,
            evidence=ut.parse_evidence_lines(evidence), indicator_ids=indicators, expected_version=base_version))
        if saved is not None:
            st.session_state[key] = saved.version
            ut.flash(f"Saved version {saved.version} of the {TRACKS[track].lower()} for {number}.")
            st.rerun()


def history_tab(number: str, track: str) -> None:
    history = store.status_history(number, city=city, track=track)
    if not history:
        st.caption("No version yet.")
        return
    st.dataframe(ut.timeline_frame(history), hide_index=True, width="stretch")
    newest = history[-1].version
    key = f"opened::{city}::{number}::{track}"
    base_version = opened(key, newest)
    earlier = [v.version for v in reversed(history) if v.version != newest]
    if not earlier:
        st.caption("Only one version so far: nothing to restore.")
        return
    version = st.selectbox("Version to restore", earlier, key=f"restore_pick::{number}::{track}")
    ut.show_status(next(v for v in history if v.version == version), track)
    if st.button(f"Restore version {version} (saved as a new version)", key=f"restore::{number}::{track}"):
        restored = report(lambda: store.restore_status(actor, number, city=city, track=track, version=version,
                                                       expected_version=base_version))
        if restored is not None:
            st.session_state[key] = restored.version
            ut.flash(f"Version {version} restored as version {restored.version}.")
            st.rerun()


def priorities_tab() -> None:
    lists = store.priority_lists(city, include_archived=True)
    options = {pl.list_id: pl.name + (" (archived)" if pl.archived else "") for pl in lists}
    if "plist_pick_next" in st.session_state:   # a list just created: select it before the widget exists
        st.session_state["plist_pick"] = st.session_state.pop("plist_pick_next")
    choice = st.selectbox("Priority list", [*options, 0], format_func=lambda i: options.get(i, "New list…"),
                          key="plist_pick")
    if choice == 0:
        with st.form("new_list"):
            name = st.text_input("Name", max_chars=SHORT_TEXT_LIMIT, placeholder="e.g. 20 for 2020")
            description = st.text_area("Description (campaign, who made it, when)", max_chars=NOTE_LIMIT)
            if st.form_submit_button("Create the list", type="primary"):
                created = report(lambda: store.create_priority_list(actor, city=city, name=name,
                                                                    description=description))
                if created is not None:
                    st.session_state["plist_pick_next"] = created.list_id
                    ut.flash(f"Created the list {created.name}.")
                    st.rerun()
        return
    current = next(pl for pl in lists if pl.list_id == choice)
    key = f"opened_list::{choice}"
    base_version = opened(key, current.version)
    if base_version != current.version:
        st.warning(f"Someone saved version {current.version} after you opened version {base_version}.")
        if st.button("Load the newest version", key=f"reload_{key}"):
            st.session_state[key] = current.version
            st.rerun()
    base = store.priority_list(choice, base_version)

    def save(**changes) -> None:
        saved = report(lambda: store.update_priority_list(actor, choice, expected_version=base_version, **changes))
        if saved is not None:
            st.session_state[key] = saved.version
            ut.flash(f"Saved version {saved.version} of the list {saved.name}.")
            st.rerun()

    titles = {r.number: ut.rec_option(r) for r in recs}
    if base.items:
        st.dataframe(pd.DataFrame([{"#": i, "recommendation": titles.get(item.number, item.number),
                                    "why it matters here": item.rationale, "responsible": item.responsible_body,
                                    "target": item.target_date} for i, item in enumerate(base.items, start=1)]),
                     hide_index=True, width="stretch")
    else:
        st.caption("No recommendation on this list yet.")

    left, right = st.columns(2)
    with left.form(f"add_item::{choice}::{base_version}"):
        st.markdown("**Add a recommendation**")
        listed = {item.number for item in base.items}
        number = st.selectbox("Recommendation", [r.number for r in recs if r.number not in listed],
                              format_func=titles.get)
        rationale = st.text_area("Why it matters here", max_chars=NOTE_LIMIT)
        body = st.text_input("Local body responsible", max_chars=SHORT_TEXT_LIMIT)
        target = st.date_input("Target date", value=None, min_value=dt.date(1945, 1, 1))
        if st.form_submit_button("Add to the list"):
            save(items=with_item_added(base.items, PriorityItem(number, None, rationale, body, target)))
    if base.items:
        with right.form(f"change_item::{choice}::{base_version}"):
            st.markdown("**Change, move or remove a recommendation**")
            number = st.selectbox("Recommendation on the list", [i.number for i in base.items],
                                  format_func=titles.get)
            item = next(i for i in base.items if i.number == number)
            position = st.number_input("Position", min_value=1, max_value=len(base.items),
                                       value=[i.number for i in base.items].index(number) + 1)
            rationale = st.text_area("Why it matters here", value=item.rationale, max_chars=NOTE_LIMIT)
            body = st.text_input("Local body responsible", value=item.responsible_body, max_chars=SHORT_TEXT_LIMIT)
            target = st.date_input("Target date", value=item.target_date, min_value=dt.date(1945, 1, 1))
            save_item, move, remove = st.columns(3)
            if save_item.form_submit_button("Save"):
                save(items=with_item_changed(base.items, number, rationale=rationale, responsible_body=body,
                                             target_date=target))
            if move.form_submit_button("Move"):
                save(items=with_item_moved(base.items, number, int(position)))
            if remove.form_submit_button("Remove"):
                save(items=without_item(base.items, number))

    with st.form(f"list_details::{choice}::{base_version}"):
        st.markdown("**Name and description**")
        name = st.text_input("Name", value=base.name, max_chars=SHORT_TEXT_LIMIT)
        description = st.text_area("Description", value=base.description, max_chars=NOTE_LIMIT)
        archived = st.checkbox("Archived (hidden from the public list; never deleted)", value=base.archived)
        if st.form_submit_button("Save name and description"):
            save(name=name, description=description, archived=archived)

    history = store.priority_list_history(choice)
    earlier = [v.version for v in reversed(history) if v.version != current.version]
    if earlier:
        with st.expander("Restore an earlier version of this list"):
            version = st.selectbox("Version", earlier, key=f"plist_restore_pick::{choice}")
            old = next(v for v in history if v.version == version)
            st.caption(f"Version {old.version}: {ut.md_escape(old.name)}, saved by {ut.md_escape(old.recorded_by)} "
                       f"on {ut.when(old.recorded_at)} · {', '.join(i.number for i in old.items) or 'no items'}")
            if st.button(f"Restore version {version}", key=f"plist_restore::{choice}"):
                restored = report(lambda: store.restore_priority_list(actor, choice, version=version,
                                                                      expected_version=base_version))
                if restored is not None:
                    st.session_state[key] = restored.version
                    ut.flash(f"Version {version} restored as version {restored.version}.")
                    st.rerun()


def import_tab() -> None:
    st.markdown("Import the official list (the format of `us_upr_cycle3_recommendations.csv`) or a plain CSV "
                "with the columns number, recommending state, text, response, theme. Recommendations are "
                "matched on cycle and number: importing the same file again changes nothing. A file with any "
                "problem is rejected whole.")
    upload = st.file_uploader("CSV file (UTF-8)", type=["csv"], key="import_file")
    cycle = st.number_input("UPR cycle (only for a plain CSV without a cycle column)", min_value=1, max_value=9,
                            value=3)
    if upload is not None:
        data = upload.getvalue()
        try:
            frame = parse_recommendations(data, upload.name, int(cycle))
        except ValidationError as exc:
            ut.show_problems(exc)
        else:
            st.success(f"{len(frame)} recommendations read from {ut.md_escape(upload.name)}; nothing is written "
                       "until you import.")
            st.dataframe(frame.head(20), hide_index=True, width="stretch")
            if st.button(f"Import {len(frame)} recommendations", type="primary", key="import_go"):
                bar = st.progress(0.0, text="Importing…")

                def progress(done: int, total: int, _record) -> None:
                    if done % 25 == 0 or done == total:
                        bar.progress(done / total, text=f"{done} of {total} written (not yet committed)")

                result = report(lambda: import_bytes(store, data, actor, source=upload.name, cycle=int(cycle),
                                                     city=city, on_row=progress))
                if result is not None:
                    ut.flash(f"{result.rows} recommendations: {result.added} added, {result.updated} updated, "
                             f"{result.unchanged} unchanged.")
                    st.rerun()
    runs = store.import_runs()
    if not runs.empty:
        st.markdown("**Earlier imports**")
        runs = runs.assign(recorded_at=runs["recorded_at"].map(ut.when)).sort_values("run", ascending=False)
        st.dataframe(runs.rename(columns={"recorded_by": "by", "recorded_at": "when"}), hide_index=True,
                     width="stretch")


if tracks and recs:
    with tabs["Status and evidence"]:
        number = pick_recommendation()
        track = st.radio("Track", tracks, format_func=TRACKS.get, horizontal=True, key="edit_track")
        status_tab(number, track)
    with tabs["History and restore"]:
        history_track = st.radio("Track", tracks, format_func=TRACKS.get, horizontal=True, key="history_track")
        st.caption(f"Recommendation {number} (choose another on the first tab).")
        history_tab(number, history_track)
if "Priority lists" in tabs:
    with tabs["Priority lists"]:
        if recs:
            priorities_tab()
        else:
            st.info("Import the recommendations first.")
if "Import recommendations" in tabs:
    with tabs["Import recommendations"]:
        import_tab()
