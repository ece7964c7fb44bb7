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
from indicators.tracker.importer import MAX_IMPORT_BYTES, check_size, import_bytes, parse_recommendations
from indicators.tracker.priorities import numbers_in, with_item_changed, with_item_moved, with_items_added, without_item
from indicators.tracker.records import PriorityItem
from indicators.tracker.validation import STATUSES, TRACKS
from ui import auth
from ui import tables
from ui import tracker as ut
from ui.i18n import N_, _, lang

# words that name a track inside a sentence, one message per track (word order differs between languages)
SAVE_BUTTONS = {"city": N_("Save the city government claims"), "community": N_("Save the community assessment")}
SAVED = {"city": N_("Saved version {version} of the city government claims for {number}."),
         "community": N_("Saved version {version} of the community assessment for {number}.")}
# the tabs, by code; each is drawn with its title in the reader's language
TAB_TITLES = {"status": N_("Status and evidence"), "history": N_("History and restore"),
              "priorities": N_("Priority lists"), "import": N_("Import recommendations")}

city = ut.current_city()
store = ut.store_or_stop()
# dates as the reader writes them (Streamlit's date picker takes its format from here)
DATE_FORMAT = _("YYYY/MM/DD")

st.title(_("Edit the UPR tracker"))
st.caption(_("Statuses and priority lists of {city}; each city keeps its own.", city=ut.md_escape(ut.city_name(city))))
actor = auth.page_actor(
    "/edit", sign_in=_("Sign in to edit. Everything in the tracker is public to read; editing needs an account from "
                       "the coalition."),
    not_allowed=_("Your account can read the tracker but not edit it. Ask an editor to give you a role."),
    allowed=lambda person: person.role != "viewer")


def opened(key: str, newest: int) -> int:
    """The version this editor opened (kept across reruns, so a save can detect newer versions)."""
    st.session_state.setdefault(key, newest)
    return st.session_state[key]


# the fields a refusal names, by the labels of the forms here (the store names them by its own words)
FIELD_LABELS = {N_("author"): N_("According to (who makes this claim)"),
                N_("date"): N_("As of (the date the claim or assessment refers to)"), N_("note"): N_("Note"),
                N_("evidence"): N_("Evidence links, one per line (a URL, then an optional label)"),
                N_("name"): N_("Name"), N_("description"): N_("Description")}


def report(action) -> object | None:
    """Run a store write; show refused input, permission and conflict errors on the page."""
    try:
        return action()
    except ValidationError as exc:
        ut.show_problems(exc, labels={field: _(label) for field, label in FIELD_LABELS.items()})
    except ConflictError as exc:
        ut.show_conflict(exc)
        st.info(_("Nothing was saved. Load the newest version, then apply your change again."))
    except PermissionDenied as exc:
        ut.show_error(exc)
    return None


recs = store.recommendations()
tracks = [t for t in TRACKS if actor.can(STATUS_PERMISSION[t])]
tab_codes = []
if tracks and recs:
    tab_codes += ["status", "history"]
if actor.can(EDIT_PRIORITIES):
    tab_codes.append("priorities")
if actor.can(IMPORT):
    tab_codes.append("import")
if not recs and not actor.can(IMPORT):
    st.info(_("No recommendations yet: an editor imports the official list first."))
    st.stop()
if not tab_codes:
    # a reviewer: testimony has a page of its own
    st.info(_("Your role edits no statuses or priority lists."))
    st.page_link(ut.page("review.py"), label=_("Review testimony (sign in)"), icon=":material/rate_review:")
    st.stop()
# keyed, the tabs remember the open one: a save (which reruns the page) leaves the editor where they were
tabs = dict(zip(tab_codes, st.tabs([_(TAB_TITLES[code]) for code in tab_codes], key="edit_tab", on_change="rerun"),
                strict=True))


def pick_recommendation() -> str:
    """The recommendation being edited; follows ``?rec=`` when the editor arrives from a recommendation."""
    numbers = [r.number for r in recs]
    options = {r.number: ut.rec_option(r) for r in recs}
    wanted = st.query_params.get("rec")
    if wanted in options and st.session_state.get("edit_rec_from_url") != wanted:
        st.session_state["edit_rec"] = wanted
        st.session_state["edit_rec_from_url"] = wanted
    number = st.selectbox(_("Recommendation"), numbers, format_func=options.get, key="edit_rec")
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
        st.warning(_("Someone saved version {newest} after you opened version {opened}.", newest=newest,
                     opened=base_version))
        if st.button(_("Load the newest version"), key=f"reload_{key}"):
            st.session_state[key] = newest
            st.rerun()
    base = store.status_version(number, city=city, track=track, version=base_version) if base_version else None
    st.caption(_("Editing on top of version {version}", version=base_version) if base_version
               else _("No version yet: this is the first."))
    form_key = f"status::{number}::{track}::{base_version}"
    with st.form(form_key):
        status = st.selectbox(_("Status"), list(STATUSES), format_func=ut.shown_as(STATUSES, ut.status_label),
                              index=list(STATUSES).index(base.status) if base else 0)
        as_of = st.date_input(_("As of (the date the claim or assessment refers to)"),
                              value=base.as_of if base else dt.date.today(), max_value=dt.date.today(),
                              min_value=dt.date(1945, 1, 1), format=DATE_FORMAT)
        default_author = base.author if base else (actor.label if track == "community" else "")
        author = st.text_input(_("According to (who makes this claim)"), value=default_author,
                               placeholder=_("e.g. Office of the Mayor") if track == "city"
                               else _("e.g. the coalition"))
        note = st.text_area(_("Note"), value=base.note if base else "", height=140)
        evidence = st.text_area(_("Evidence links, one per line (a URL, then an optional label)"),
                                value=ut.evidence_lines(base), height=100,
                                placeholder=_("https://example.org/report.pdf Annual report 2023, p. 12"))
        choices = ut.indicator_choices()
        if choices:
            indicators = st.multiselect(_("Indicators whose trend counts as evidence"), list(choices),
                                        placeholder=_("Choose options"),
                                        default=[i for i in (base.indicator_ids if base else ()) if i in choices],
                                        format_func=lambda i: choices.get(i, i))
        else:
            typed = st.text_input(_("Indicator ids whose trend counts as evidence (comma-separated)"),
                                  value=", ".join(base.indicator_ids) if base else "")
            indicators = [i.strip() for i in typed.split(",") if i.strip()]
        submitted = st.form_submit_button(_(SAVE_BUTTONS[track]), type="primary")
    if submitted:
        saved = report(lambda: store.set_status(
            actor, number, city=city, track=track, status=status, as_of=as_of, author=author, note=note,
            evidence=ut.parse_evidence_lines(evidence), indicator_ids=indicators, expected_version=base_version))
        if saved is not None:
            st.session_state[key] = saved.version
            ut.flash(_(SAVED[track], version=saved.version, number=number))
            st.rerun()


def history_tab(number: str, track: str) -> None:
    history = store.status_history(number, city=city, track=track)
    if not history:
        st.caption(_("No version yet."))
        return
    ut.show_timeline(history)
    newest = history[-1].version
    key = f"opened::{city}::{number}::{track}"
    base_version = opened(key, newest)
    earlier = [v.version for v in reversed(history) if v.version != newest]
    if not earlier:
        st.caption(_("Only one version so far: nothing to restore."))
        return
    version = st.selectbox(_("Version to restore"), earlier, key=f"restore_pick::{number}::{track}")
    ut.show_status(next(v for v in history if v.version == version), track)
    if st.button(_("Restore version {version} (saved as a new version)", version=version),
                 key=f"restore::{number}::{track}"):
        restored = report(lambda: store.restore_status(actor, number, city=city, track=track, version=version,
                                                       expected_version=base_version))
        if restored is not None:
            st.session_state[key] = restored.version
            ut.flash(_("Version {version} restored as version {restored}.", version=version,
                       restored=restored.version))
            st.rerun()


def priorities_tab() -> None:
    lists = store.priority_lists(city, include_archived=True)
    options = {pl.list_id: _("{name} (archived)", name=pl.name) if pl.archived else pl.name for pl in lists}
    if "plist_pick_next" in st.session_state:   # a list just created: select it before the widget exists
        st.session_state[f"plist_pick::{city}"] = st.session_state.pop("plist_pick_next")
    # keys name the city: list ids are numbered in each city's own store
    choice = st.selectbox(_("Priority list"), [*options, 0], key=f"plist_pick::{city}",
                          format_func=ut.shown_as([*options, 0], lambda i: options.get(i, _("New list…"))))
    if choice == 0:
        with st.form("new_list"):
            name = st.text_input(_("Name"), placeholder=_("e.g. 20 for 2020"))
            description = st.text_area(_("Description (campaign, who made it, when)"))
            if st.form_submit_button(_("Create the list"), type="primary"):
                created = report(lambda: store.create_priority_list(actor, city=city, name=name,
                                                                    description=description))
                if created is not None:
                    st.session_state["plist_pick_next"] = created.list_id
                    ut.flash(_("Created the list {name}.", name=created.name))
                    st.rerun()
        return
    current = next(pl for pl in lists if pl.list_id == choice)
    key = f"opened_list::{city}::{choice}"
    base_version = opened(key, current.version)
    if base_version != current.version:
        st.warning(_("Someone saved version {newest} after you opened version {opened}.", newest=current.version,
                     opened=base_version))
        if st.button(_("Load the newest version"), key=f"reload_{key}"):
            st.session_state[key] = current.version
            st.rerun()
    base = store.priority_list(choice, base_version)

    def save(**changes) -> None:
        saved = report(lambda: store.update_priority_list(actor, choice, expected_version=base_version, **changes))
        if saved is not None:
            st.session_state[key] = saved.version
            ut.flash(_("Saved version {version} of the list {name}.", version=saved.version, name=saved.name))
            st.rerun()

    titles = {r.number: ut.rec_option(r) for r in recs}
    if base.items:
        tables.dataframe(pd.DataFrame([{"position": i, "recommendation": titles.get(item.number, item.number),
                                    "rationale": item.rationale, "responsible": item.responsible_body,
                                    "target": item.target_date} for i, item in enumerate(base.items, start=1)]),
                     hide_index=True, width="stretch",
                     column_config={"position": st.column_config.NumberColumn("#", width="small"),
                                    "recommendation": st.column_config.TextColumn(ut.heading("recommendation")),
                                    "rationale": st.column_config.TextColumn(ut.heading("rationale")),
                                    "responsible": st.column_config.TextColumn(ut.heading("responsible")),
                                    "target": st.column_config.DateColumn(ut.heading("target"))})
    else:
        st.caption(_("No recommendation on this list yet."))

    left, right = st.columns(2)
    with left.form(f"add_items::{choice}::{base_version}"):
        st.markdown(_("**Add recommendations**"))
        listed = {item.number for item in base.items}
        addable = [r.number for r in recs if r.number not in listed]
        # nothing chosen until the editor chooses: no default that would add a recommendation by mistake
        chosen = st.multiselect(_("Recommendations (type a number, a State or a word to find them)"), addable,
                                format_func=titles.get, placeholder=_("Choose recommendations"))
        pasted = st.text_area(_("Or paste their numbers, separated by spaces, commas or lines"), height=80,
                              placeholder=_("e.g. 26.214, 26.286 26.1"))
        rationale = st.text_area(_("Why they matter here (the same for each; optional)"))
        body = st.text_input(_("Local body responsible"))
        target = st.date_input(_("Target date"), value=None, min_value=dt.date(1945, 1, 1), format=DATE_FORMAT)
        if st.form_submit_button(_("Add to the list"), type="primary"):
            numbers, unknown = numbers_in(pasted, known=[r.number for r in recs])
            new = [n for n in dict.fromkeys([*chosen, *numbers]) if n not in listed]
            if unknown:
                st.error(_("Nothing was added: these are not numbers of recommendations in the tracker: {numbers}",
                           numbers=ut.md_escape(", ".join(unknown[:20]))))
            elif not new:
                st.info(_("Choose or paste at least one recommendation that is not on the list yet."))
            else:
                save(items=with_items_added(base.items, [PriorityItem(n, None, rationale, body, target) for n in new]))
    if base.items:
        with right.form(f"change_item::{choice}::{base_version}"):
            st.markdown(_("**Change, move or remove a recommendation**"))
            number = st.selectbox(_("Recommendation on the list"), [i.number for i in base.items],
                                  format_func=titles.get)
            item = next(i for i in base.items if i.number == number)
            position = st.number_input(_("Position"), min_value=1, max_value=len(base.items),
                                       value=[i.number for i in base.items].index(number) + 1)
            rationale = st.text_area(_("Why it matters here"), value=item.rationale)
            body = st.text_input(_("Local body responsible"), value=item.responsible_body)
            target = st.date_input(_("Target date"), value=item.target_date, min_value=dt.date(1945, 1, 1),
                                   format=DATE_FORMAT)
            save_item, move, remove = st.columns(3)
            if save_item.form_submit_button(_("Save")):
                save(items=with_item_changed(base.items, number, rationale=rationale, responsible_body=body,
                                             target_date=target))
            if move.form_submit_button(_("Move")):
                save(items=with_item_moved(base.items, number, int(position)))
            if remove.form_submit_button(_("Remove")):
                save(items=without_item(base.items, number))

    with st.form(f"list_details::{choice}::{base_version}"):
        st.markdown(_("**Name and description**"))
        name = st.text_input(_("Name"), value=base.name)
        description = st.text_area(_("Description"), value=base.description)
        archived = st.checkbox(_("Archived (hidden from the public list; never deleted)"), value=base.archived)
        if st.form_submit_button(_("Save name and description")):
            save(name=name, description=description, archived=archived)

    history = store.priority_list_history(choice)
    earlier = [v.version for v in reversed(history) if v.version != current.version]
    if earlier:
        with st.expander(_("Restore an earlier version of this list")):
            version = st.selectbox(_("Version"), earlier, key=f"plist_restore_pick::{city}::{choice}")
            old = next(v for v in history if v.version == version)
            st.caption(_("Version {version}: {name}, saved by {by} on {when} · {items}", version=old.version,
                         name=ut.md_escape(old.name), by=ut.md_escape(old.recorded_by), when=ut.when(old.recorded_at),
                         items=", ".join(i.number for i in old.items) or _("no items")))
            if st.button(_("Restore version {version}", version=version), key=f"plist_restore::{city}::{choice}"):
                restored = report(lambda: store.restore_priority_list(actor, choice, version=version,
                                                                      expected_version=base_version))
                if restored is not None:
                    st.session_state[key] = restored.version
                    ut.flash(_("Version {version} restored as version {restored}.", version=version,
                               restored=restored.version))
                    st.rerun()


def import_tab() -> None:
    st.markdown(_("Import the official list (the format of `us_upr_cycle3_recommendations.csv`) or a plain CSV "
                  "with the columns number, recommending state, text, response, theme (column names in English, "
                  "as in the list's download for re-import). Recommendations are matched on cycle and number: "
                  "importing the same file again changes nothing. A file with any problem is rejected whole."))
    upload = st.file_uploader(_("CSV file (UTF-8)"), type=["csv"], key="import_file")
    if lang() != "en":
        # Streamlit writes its uploader's own words in English and offers no way to set them: they are hidden and
        # said here instead (fixed rules and this page's own translated words only)
        choose = _("Choose a file")
        st.html("<style>.st-key-import_file [data-testid='stFileUploaderDropzoneInstructions'] {display: none;}"
                ".st-key-import_file section button {font-size: 0 !important;}"
                f".st-key-import_file section button::after {{content: '{choose}'; font-size: 1rem;}}"
                "</style>")  # i18n: not shown
        st.caption(_("A CSV file of at most {size} MB.", size=MAX_IMPORT_BYTES // (1024 * 1024)))
    cycle = st.number_input(_("UPR cycle (only for a plain CSV without a cycle column)"), min_value=1, max_value=9,
                            value=3)
    if upload is not None:
        try:
            check_size(upload.size, upload.name)   # before the bytes are read, decoded or parsed
            data = upload.getvalue()
            frame = parse_recommendations(data, upload.name, int(cycle))
        except ValidationError as exc:
            ut.show_problems(exc)
        else:
            st.success(_("{n} recommendations read from {file}; nothing is written until you import.",
                         n=len(frame), file=ut.md_escape(upload.name)))
            tables.dataframe(frame.head(20), hide_index=True, width="stretch",
                         column_config={c: st.column_config.Column(ut.heading(c)) for c in frame.columns})
            if st.button(_("Import {n} recommendations", n=len(frame)), type="primary", key="import_go"):
                bar = st.progress(0.0, text=_("Importing…"))

                def progress(done: int, total: int, _record) -> None:
                    if done % 25 == 0 or done == total:
                        bar.progress(done / total, text=_("{done} of {total} written (not yet committed)", done=done,
                                                          total=total))

                result = report(lambda: import_bytes(store, data, actor, source=upload.name, cycle=int(cycle),
                                                     city=city, on_row=progress))
                if result is not None:
                    ut.flash(_("{rows} recommendations: {added} added, {updated} updated, {unchanged} unchanged.",
                               rows=result.rows, added=result.added, updated=result.updated,
                               unchanged=result.unchanged))
                    st.rerun()
    runs = store.import_runs()
    if not runs.empty:
        st.markdown(_("**Earlier imports**"))
        runs = runs.assign(recorded_at=runs["recorded_at"].map(ut.when)).sort_values("run", ascending=False)
        tables.dataframe(runs, hide_index=True, width="stretch",
                     column_config={"run": st.column_config.NumberColumn(_("Import run")),
                                    "source": st.column_config.TextColumn(_("File")),
                                    "rows": st.column_config.NumberColumn(_("Rows")),
                                    "added": st.column_config.NumberColumn(_("Added")),
                                    "updated": st.column_config.NumberColumn(_("Updated")),
                                    "unchanged": st.column_config.NumberColumn(_("Unchanged")),
                                    "recorded_by": st.column_config.TextColumn(_("By")),
                                    "recorded_at": st.column_config.TextColumn(_("When"))})


if tracks and recs:
    with tabs["status"]:
        number = pick_recommendation()
        track = st.radio(_("Track"), tracks, format_func=ut.shown_as(tracks, ut.track_label), horizontal=True,
                         key="edit_track")
        status_tab(number, track)
    with tabs["history"]:
        history_track = st.radio(_("Track"), tracks, format_func=ut.shown_as(tracks, ut.track_label), horizontal=True,
                                 key="history_track")
        st.caption(_("Recommendation {number} (choose another on the first tab).", number=number))
        history_tab(number, history_track)
if "priorities" in tabs:
    with tabs["priorities"]:
        if recs:
            priorities_tab()
        else:
            st.info(_("Import the recommendations first."))
if "import" in tabs:
    with tabs["import"]:
        import_tab()
