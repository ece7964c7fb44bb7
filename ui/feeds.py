"""The campaign feeds as a web route beside the pages: ``/feeds/campaign.atom?city=<city>&list=<id>&lang=es``.

Served by ``serve.py`` (Starlette, outside any Streamlit session): it opens the city's tracker store the way the
pages do (``$HRC_TRACKER_URL``, else ``[tracker] url`` in the secrets, else the city's SQLite file) and answers
with :func:`indicators.tracker.feed.atom_xml`. Unknown cities, lists and malformed parameters get a plain 404 or
400, never a traceback.
"""

from __future__ import annotations

import json
import threading

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from indicators.core.i18n import normalise

# the store and the feed's writer (SQLAlchemy, pandas) are imported when a feed is asked for: the server imports
# this module before it serves its first page
_stores: dict = {}
_lock = threading.Lock()


def _store(url: str):
    from indicators.tracker.store import Store

    with _lock:
        if url not in _stores:
            _stores[url] = Store.open(url)
        return _stores[url]


def _city_name(city: str) -> str:
    from indicators.snapshot.read import default_snapshot_dir

    try:
        manifest = json.loads((default_snapshot_dir(city) / "manifest.json").read_text(encoding="utf-8"))
        return str(manifest["city"]["name"])
    except (OSError, ValueError, KeyError):
        return city


def campaign_feed(request: Request) -> Response:
    from indicators.tracker.db import SharedStoreError, configured_store_url, resolve_url
    from indicators.tracker.errors import NotFound
    from indicators.tracker.feed import MEDIA_TYPE, atom_xml
    from ui.data import cities

    known = cities()
    city = request.query_params.get("city") or known[0]
    wanted = request.query_params.get("list", "")
    if city not in known or not wanted.isdigit() or len(wanted) > 9:
        return PlainTextResponse("Not found", status_code=404)  # i18n: not shown
    lang = normalise(request.query_params.get("lang"))
    try:
        store = _store(resolve_url(None, configured_store_url(), city=city, default_city=known[0]))
        body = atom_xml(store, city, int(wanted), base_url=str(request.base_url), city_name=_city_name(city),
                        lang=lang)
    except (NotFound, SharedStoreError):
        return PlainTextResponse("Not found", status_code=404)  # i18n: not shown
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "public, max-age=300"})  # i18n: not shown


ROUTES = [Route("/feeds/campaign.atom", campaign_feed, methods=["GET"])]
