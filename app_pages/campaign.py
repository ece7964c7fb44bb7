"""A priority list's public campaign page at a stable address (``/campaign?list=<id>&city=<city>``): where each
recommendation stands, who must act by when (overdue flagged), what the coalition did, residents' words; the
address to share, an embeddable card (``&card=1&embed=true``, for an iframe, without the sidebar) and the feed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.tracker.campaign import list_subject
from indicators.tracker.errors import NotFound
from indicators.tracker.progress import overview_table
from indicators.tracker.vocabularies import ACTION_KINDS
from ui import campaign as uc
from ui import tables
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import _

CARD_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
.block-container {padding: 0.6rem 0.9rem !important; max-width: 100% !important;}
</style>"""  # i18n: not shown

city = ut.current_city()
store = ut.store_or_stop()
card = st.query_params.get("card") == "1"
if card:
    st.html(CARD_STYLE)
lists = store.priority_lists(city)
wanted = st.query_params.get("list", "")

if not wanted.isdigit():
    st.title(_("Campaigns"))
    st.caption(_("Each local priority list of {city} is a campaign: open one to see where it stands.",
                 city=ut.md_escape(ut.city_name(city))))
    if not lists:
        st.info(_("No local priority list yet. Editors can create one on the Edit page."))
    for plist in lists:
        st.page_link(ut.page("campaign.py"), label=plist.name, icon=":material/campaign:",
                     query_params=ut.kept_params(list=str(plist.list_id)))
    st.stop()

try:
    plist = store.priority_list(int(wanted))
    if plist.city != city or plist.archived:
        raise NotFound(wanted)
except NotFound:
    st.title(_("Campaigns"))
    st.error(_("There is no campaign {id} for {city}.", id=ut.md_escape(wanted), city=ut.md_escape(ut.city_name(city))))
    st.stop()

today = dt.date.today()
table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city), [plist])
community = {(c, n): s for c, n, s in zip(table["cycle"], table["number"], table["community_status"], strict=True)}
items = store.campaign.campaign_items(plist, community, today=today)
actions = store.campaign.actions(city, subjects=store.campaign.list_subjects(plist))
done = int(items["community_status"].isin(["implemented"]).sum()) if len(items) else 0
overdue = int(items["overdue"].sum()) if len(items) else 0

if card:
    # small enough for a 420 × 520 frame on another site: the name, three numbers, the latest actions, a link
    st.subheader(plist.name[:120], anchor=False)
    st.caption(_("A campaign of the human rights city coalition of {city}.", city=ut.md_escape(ut.city_name(city))))
    st.progress(done / len(items) if len(items) else 0.0, text=_(
        "{done} of {n} recommendations implemented, says the community", done=done, n=len(items)))
    st.markdown(_("**{overdue}** overdue targets · **{actions}** campaign actions", overdue=overdue,
                  actions=len(actions)))
    uc.action_lines(actions, limit=2)
    st.link_button(_("Open the whole campaign"), uc.campaign_url(uc.base_url(), city, plist.list_id,
                                                                  st.query_params.get("lang", "en")),
                   icon=":material/open_in_new:")
    st.stop()

st.title(plist.name, anchor=False)
if plist.description:
    st.text(plist.description)
left, middle, right = st.columns(3)
left.metric(_("Implemented, says the community"), _("{done} of {n}", done=done, n=len(items)))
middle.metric(_("Overdue targets"), overdue)
right.metric(_("Campaign actions"), len(actions))

target = store.campaign.target(city, list_subject(plist.list_id))
st.subheader(_("Who must act, and by when"))
open_items = [s for s in items["community_status"] if s not in ("implemented", "not_applicable")]
uc.target_line(target.target_date if target else None, target.body_name if target else "",
               "implemented" if not open_items else None)
shown = pd.DataFrame({
    "number": items["number"].map(lambda n: ut.rec_link(n, "recommendations")),
    "community": items["community_status"].map(ut.status_label),
    "city": table.set_index("number").loc[items["number"], "city_status"].map(ut.status_label).to_list(),
    "responsible": items["responsible"], "target": items["target"],
    "flag": items["overdue"].map(lambda o: _("overdue") if o else ""),
    "last": [f"{d.isoformat()} · {_(ACTION_KINDS[k])}" if d else "" for d, k in
             zip(items["last_action"], items["last_action_kind"], strict=True)]})
tables.dataframe(shown, hide_index=True, width="stretch", column_config={
    "number": st.column_config.LinkColumn(_("No."), display_text=r"rec=([0-9.]+)", width="small"),
    "community": st.column_config.TextColumn(ut.track_label("community")),
    "city": st.column_config.TextColumn(ut.track_label("city")),
    "responsible": st.column_config.TextColumn(_("Responsible local body")),
    "target": st.column_config.DateColumn(_("Target date")),
    "flag": st.column_config.TextColumn(_("Overdue")),
    "last": st.column_config.TextColumn(_("Latest action"))})

st.subheader(_("What the coalition did"))
uc.action_lines(actions, limit=12)
tm.public_quotes(store, city, numbers=set(items["number"]), limit=3, heading=_("In residents' words"))
st.divider()
uc.share_panel(city, plist.list_id)
