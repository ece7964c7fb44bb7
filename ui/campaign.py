"""The campaign on the pages: a recommendation's target, actions and one time axis of everything that happened to
it; a list's actions; the shareable address, the embeddable card and the feed of a campaign page.

Typed text (notes, who acted, names of bodies) is escaped before any markdown and set as plain text in charts.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from indicators.tracker.campaign import is_overdue, rec_subject, timeline_frame
from indicators.tracker.feed import campaign_url, feed_url
from indicators.tracker.records import Recommendation
from indicators.tracker.vocabularies import ACTION_KINDS, MIN_CELL
from ui import charts, data, tables
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import N_, _, indicator, lang, words

#: the rows of the time axis, top to bottom
LANES = {"target": N_("Target"), "action": N_("Campaign actions"), "city": N_("City government claims"),
         "community": N_("Community assessment"), "testimony": N_("Testimony accepted"),
         "indicator": N_("Indicator figures")}
LANE_COLOURS = {"target": "#c62828", "action": "#6a1b9a", "city": "#1f77b4", "community": "#2e7d32",
                "testimony": "#e6a700", "indicator": "#546e7a"}


def base_url() -> str:
    """The address the reader opened the app at, without path or query (for links to copy)."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def action_lines(actions, limit: int = 10) -> None:
    """Actions, newest first, as a list: date, kind, who and note (escaped), link where given."""
    if not actions:
        st.caption(_("No action logged yet."))
        return
    lines, link = [], _("link")
    for action in actions[:limit]:
        line = f"**{action.happened_on.isoformat()}** · " + _(ACTION_KINDS[action.kind])
        if action.who:
            line += f" · {ut.md_escape(action.who)}"
        if action.note:
            line += f": {ut.md_escape(action.note)}"
        if action.link:
            line += f" ([{link}]({ut.safe_href(action.link)}))"
        lines.append(f"- {line}")
    st.markdown("\n".join(lines))
    if len(actions) > limit:
        st.caption(_("{shown} of {total} actions shown.", shown=limit, total=len(actions)))


def target_line(target_date: dt.date | None, body: str, community_status: str | None) -> None:
    """Who must act and by when, flagged when overdue."""
    if not (target_date or body):
        st.caption(_("No responsible body or target date set yet."))
        return
    parts = [_("Responsible: **{body}**", body=ut.md_escape(body))] if body else []
    if target_date:
        parts.append(_("target date: **{date}**", date=target_date.isoformat()))
    st.markdown(" · ".join(parts))
    if is_overdue(target_date, community_status, dt.date.today()):
        st.badge(_("Overdue since {date}", date=target_date.isoformat()), icon=":material/alarm:", color="red")


def indicator_points(city: str, indicator_ids) -> list[tuple[dt.date, str, str]]:
    """The city figure of each indicator in every period the snapshot holds, dated at the period's end."""
    points = []
    fmt = words()
    for indicator_id in indicator_ids:
        title = ut.indicator_title(indicator_id)
        try:
            years = data.vintages(city, indicator_id, "city") or [None]
            ind = indicator(indicator_id)
        except Exception:  # an indicator the snapshot lacks: nothing to draw for it
            continue
        for year in years:
            value = data.city_value(city, indicator_id, year)
            if not value or pd.isna(value.get("estimate")):
                continue
            end = str(value["period"])[-4:]
            if end.isdigit():
                points.append((dt.date(int(end), 12, 31), title,
                               fmt.value_with_margin(ind, value["estimate"], value.get("moe"))))
    return points


def timeline_chart(frame: pd.DataFrame, *, key: str = "timeline") -> None:
    """Every event on one time axis, one row per kind; the same events as a table below. ``key`` names the chart
    (and its picture, ``{key}.png``)."""
    if frame.empty:
        st.caption(_("Nothing has been recorded on this recommendation yet."))
        return
    shown = frame.assign(lane_words=frame["lane"].map(lambda x: _(LANES[x])), what=[_label(r) for r in
                                                                                    frame.itertuples()])
    lanes = [lane for lane in LANES if lane in set(shown["lane"])]
    # full colour: Streamlit's theme draws scatter points at 0.8 opacity, which changes the lanes' colours
    drawn = [{"type": "scatter", "name": charts.plain(_(LANES[lane])), "symbolSize": 13,
              "symbol": "diamond" if lane == "target" else "circle",
              "itemStyle": {"color": LANE_COLOURS[lane], "opacity": 1},
              "data": [{"value": [d.isoformat(), lanes.index(lane)],
                        "tooltip": {"formatter": charts.tip(f"{d.isoformat()} · {w}")}}
                       for d, w in zip(mine["date"], mine["what"])]}
             for lane in lanes for mine in [shown[shown["lane"] == lane]]]
    chart = charts.Chart({"animation": False, "series": drawn, "tooltip": {"trigger": "item", "confine": True},
                          # room at the top for the toolbar's icon, at the right for the last date
                          "grid": {"left": 10, "right": 48, "top": 32, "bottom": 10, "containLabel": True},
                          # dates, at least a day apart, however short the span
                          "xAxis": {"type": "time", "minInterval": 24 * 3600 * 1000,
                                    "axisLabel": {"formatter": "{yyyy}-{MM}-{dd}", "hideOverlap": True},
                                    "splitLine": {"lineStyle": {"color": charts.GRID_LINE}}},
                          "yAxis": {"type": "category", "inverse": True,
                                    "data": [charts.plain(_(LANES[lane])) for lane in lanes]},
                          "toolbox": charts.toolbox()},
                         height=112 + 42 * len(lanes))
    charts.draw(chart, key=key,
                alt=_("Time line of the recommendation's events, one row per kind; the table below lists them."))
    table = shown[["date", "lane_words", "what"]].iloc[::-1]
    tables.dataframe(table, hide_index=True, width="stretch",
                 column_config={"date": st.column_config.DateColumn(_("Date")),
                                "lane_words": st.column_config.TextColumn(_("Kind")),
                                "what": st.column_config.TextColumn(_("What"), width="large")})


def _label(row) -> str:
    if row.lane in ("city", "community"):
        return _("{status} (according to {author})", status=ut.status_label(row.label), author=row.detail)
    if row.lane == "action":
        return " · ".join(x for x in (_(ACTION_KINDS.get(row.label, row.label)), row.detail) if x)
    if row.lane == "testimony":
        return _("{n} accepted", n=row.detail)
    if row.lane == "target":
        body = f" · {row.detail}" if row.detail else ""
        return _("Target date{body}", body=body)
    return f"{row.label}: {row.detail}"


def show_recommendation_campaign(store, city: str, rec: Recommendation) -> None:
    """A recommendation's campaign: target, actions, residents' testimony and the time axis."""
    subject = rec_subject(rec.cycle, rec.number)
    target = store.campaign.target(city, subject)
    community = store.current_status(rec.number, city=city, track="community", cycle=rec.cycle)
    st.subheader(_("The campaign"))
    target_line(target.target_date if target else None, target.body_name if target else "",
                community.status if community else None)
    actions = store.campaign.actions(city, subjects=[subject])
    action_lines(actions, limit=6)
    linked = [t for t in store.testimony.shared(city, "count") if rec.number in t.recommendation_numbers]
    st.caption(_("Residents' testimony on this recommendation: {n}.", n=len(linked)) if len(linked) >= MIN_CELL
               else _("Residents' testimony on this recommendation: fewer than {n}.", n=MIN_CELL))
    tm.public_quotes(store, city, number=rec.number, limit=3, heading=_("In residents' words"))
    st.subheader(_("Timeline"))
    st.caption(_("Statuses, campaign actions, accepted testimony and the city figures of the linked indicators on "
                 "one time axis."))
    history = store.status_versions_frame(city)
    history = history[history["number"] == rec.number] if len(history) else history
    events = store.testimony.events(city)
    if len(events):
        events = events[(events["event"] == "accepted") & events["numbers"].map(lambda n: rec.number in n)]
    indicator_ids = sorted({i for v in store.status_history(rec.number, city=city, cycle=rec.cycle)
                            for i in v.indicator_ids})
    frame = timeline_frame(statuses=history, actions=actions, testimony=events,
                           indicators=indicator_points(city, indicator_ids),
                           targets=store.campaign.target_history(city, subject))
    timeline_chart(frame, key=f"timeline_{rec.cycle}_{rec.number}".replace(".", "_"))


def share_panel(city: str, list_id: int) -> None:
    """The campaign page's stable address, the embeddable card's iframe code and the Atom feed."""
    base = base_url()
    page = campaign_url(base, city, list_id, lang())
    card = campaign_url(base, city, list_id, lang(), card="1", embed="true")
    feed = feed_url(base, city, list_id, lang())
    st.markdown(_("**Share this campaign** — this address always opens this page:"))
    st.code(page, language=None, wrap_lines=True)
    st.markdown(_("**Put the campaign card on your website** (copy this into the page):"))
    title = _("Campaign card")
    st.code(f'<iframe src="{html.escape(card)}" title="{html.escape(title)}" width="420" height="520" '  # i18n: not shown
            f'style="border:0" loading="lazy"></iframe>', language="html", wrap_lines=True)  # i18n: not shown
    st.markdown(_("**Follow it without an account** in any feed reader: [Atom feed]({url})", url=ut.safe_href(feed)))
