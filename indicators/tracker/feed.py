"""An Atom feed (RFC 4287) of a priority list's campaign, so supporters follow it in any feed reader, without an
account: campaign actions (a retraction is an updated entry), status changes of its recommendations, new targets,
new versions of the list, and residents' testimony accepted on its recommendations (counted, never quoted: the
feed carries no resident's words).

Each entry has a permanent ``tag:`` id (RFC 4151) built from the store's own ids and versions, so a reader never
shows the same change twice. Text is set as XML text (escaped by the writer), never as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree as ET

from indicators.core.i18n import N_, normalise, translator
from indicators.tracker.campaign import list_subject, rec_subject
from indicators.tracker.validation import STATUSES
from indicators.tracker.vocabularies import ACTION_KINDS

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TRACK_NEWS = {"city": N_("{number}: the city government now claims “{status}” (as of {date})"),
              "community": N_("{number}: the community now assesses “{status}” (as of {date})")}


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    updated: dt.datetime
    summary: str
    link: str = ""


def campaign_url(base_url: str, city: str, list_id: int, lang: str = "en", **extra: str) -> str:
    """The campaign page's stable address: ``<base>/campaign?list=<id>&city=<city>`` (and ``lang``)."""
    params = {"list": str(list_id), "city": city, **({"lang": lang} if lang != "en" else {}), **extra}
    return f"{base_url.rstrip('/')}/campaign?{urlencode(params)}"


def feed_url(base_url: str, city: str, list_id: int, lang: str = "en") -> str:
    params = {"list": str(list_id), "city": city, **({"lang": lang} if lang != "en" else {})}
    return f"{base_url.rstrip('/')}/feeds/campaign.atom?{urlencode(params)}"


def campaign_entries(store, city: str, list_id: int, *, base_url: str, lang: str = "en") -> list[Entry]:
    """Every change of a list's campaign, newest first."""
    _ = translator(lang)
    plist = store.priority_list(list_id)
    page = campaign_url(base_url, city, list_id, lang)
    entries: list[Entry] = []
    numbers = {rec_subject(i.cycle, i.number): i.number for i in plist.items}
    for action in store.campaign.actions(city, subjects=store.campaign.list_subjects(plist), include_retracted=True):
        about = numbers.get(action.subject, plist.name)
        title = _("{kind} on {date} — {about}", kind=_(ACTION_KINDS[action.kind]),
                  date=action.happened_on.isoformat(), about=about)
        if action.retracted:
            title = _("Retracted: {title}", title=title)
        summary = " · ".join(x for x in (action.who, action.note) if x)
        entries.append(Entry(f"action:{action.action_id}", title, action.recorded_at, summary, action.link or page))
    versions = store.status_versions_frame(city)
    mine = versions[versions["number"].isin(numbers.values())] if len(versions) else versions
    for _i, v in mine.iterrows():
        status = _(STATUSES[v["status"]]) if v["status"] in STATUSES else v["status"]
        entries.append(Entry(
            f"status:{v['cycle']}:{v['number']}:{v['track']}:{v['version']}",
            _(TRACK_NEWS[v["track"]], number=v["number"], status=status, date=v["as_of"].isoformat()),
            v["recorded_at"].to_pydatetime() if hasattr(v["recorded_at"], "to_pydatetime") else v["recorded_at"],
            _("According to {author}.", author=v["author"]), page))
    for subject in [list_subject(list_id), *numbers]:
        for target in store.campaign.target_history(city, subject):
            about = numbers.get(subject, plist.name)
            when = target.target_date.isoformat() if target.target_date else _("no date")
            entries.append(Entry(f"target:{subject}:{target.version}",
                                 _("New target for {about}: {date}", about=about, date=when), target.recorded_at,
                                 _("Responsible: {body}", body=target.body_name) if target.body_name else "", page))
    for version in store.priority_list_history(list_id):
        entries.append(Entry(f"list:{list_id}:{version.version}",
                             _("The list “{name}” was saved (version {version}, {n} recommendations)",
                               name=version.name, version=version.version, n=len(version.items)),
                             version.recorded_at, version.description, page))
    events = store.testimony.events(city)
    for _i, event in (events[events["event"] == "accepted"].iterrows() if len(events) else []):
        shared = [n for n in event["numbers"] if n in numbers.values()]
        if shared:
            entries.append(Entry(f"testimony:{event['testimony_id']}",
                                 _("A resident's testimony on {numbers} was accepted", numbers=", ".join(shared)),
                                 event["at"], "", page))
    return sorted(entries, key=lambda e: (e.updated, e.key), reverse=True)


def atom_xml(store, city: str, list_id: int, *, base_url: str, city_name: str, lang: str = "en",
             limit: int = 50) -> bytes:
    """The Atom feed of a list's campaign (its ``limit`` newest changes)."""
    lang = normalise(lang)
    _ = translator(lang)
    plist = store.priority_list(list_id)
    entries = campaign_entries(store, city, list_id, base_url=base_url, lang=lang)[:limit]
    host = urlsplit(base_url).hostname or "localhost"
    started = plist.recorded_at if plist.version == 1 else store.priority_list_history(list_id)[0].recorded_at
    tag = f"tag:{host},{started.date().isoformat()}:campaign/{city}/{list_id}"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})

    def add(parent, name, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", tag)
    add(feed, "title", _("{name} — campaign in {city}", name=plist.name, city=city_name))
    add(feed, "subtitle", _("What the coalition did, and what changed, on the UN recommendations of this list."))
    updated = max([e.updated for e in entries] + [plist.recorded_at])
    add(feed, "updated", _stamp(updated))
    add(feed, "link", rel="self", href=feed_url(base_url, city, list_id, lang), type="application/atom+xml")
    add(feed, "link", rel="alternate", href=campaign_url(base_url, city, list_id, lang), type="text/html")
    author = add(feed, "author")
    add(author, "name", _("Human rights city dashboard"))
    for entry in entries:
        item = add(feed, "entry")
        add(item, "id", f"{tag}/{entry.key}")
        add(item, "title", entry.title)
        add(item, "updated", _stamp(entry.updated))
        add(item, "link", rel="alternate", href=entry.link, type="text/html")
        if entry.summary:
            add(item, "summary", entry.summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
