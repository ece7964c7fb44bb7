"""A minimal Streamlit client speaking the browser's websocket protocol, for timing reruns without a browser.

It connects to ``/_stcore/stream`` as the browser does (subprotocol ``streamlit``), sends ``BackMsg.rerun_script``
with a ``ClientState`` (page, query string, widget values, the hashes of the messages it keeps cached) and reads
``ForwardMsg`` frames until ``script_finished`` ends the run. Like the browser it

- keeps the elements it received (by delta path) so it can find a widget by label and read its options;
- keeps every widget value it sent and sends them all again on the next rerun, dropping the values of widgets
  the last run no longer drew (as the browser drops the state of widgets that left the page);
- keeps the messages marked cacheable and lists their hashes in the next rerun, so the server answers with a
  short reference instead of the element when the element has not changed, and resolves references from its
  own cache; a message not received or referenced in the last ``maxCachedMessageAge`` runs (2, sent by the
  server) is dropped, as the browser's message cache drops it.

What a rerun's time covers: from the moment the rerun message is written to the socket to the moment the
``script_finished`` message that ends the run has arrived — the script run on the server, every element
serialised and carried over loopback, the final status. It does not include drawing in a browser.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FINISHED_OK = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


class RunError(RuntimeError):
    """A run that did not finish successfully (exception on the page, compile error, page not found)."""


@dataclass
class Run:
    """What one script run (or a chain of runs ended by ``st.switch_page``/``st.rerun``) sent back."""

    seconds: float = 0.0
    frames: int = 0
    bytes: int = 0
    page_script_hash: str = ""
    query_string: str = ""
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False
    runs_in_chain: int = 0


class StreamlitClient:
    def __init__(self, base_url: str, timeout: float = 60.0):
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.ws = None
        self.session_id = ""
        self.pages: dict[str, str] = {}            # url path -> page script hash
        self.page_script_hash = ""
        self.query_string = ""
        self.elements: dict[tuple, object] = {}    # delta path -> Element proto of the current run
        self.widget_values: dict[str, object] = {} # widget id -> WidgetState proto (what we sent)
        self.cache: dict[str, ForwardMsg] = {}     # hash -> cacheable message
        self.cache_used: dict[str, int] = {}       # hash -> run count when last received or referenced
        self.runs = 0                              # script runs finished in this session
        self.max_cached_age = 2                    # from the server's config in new_session

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None,
                                           origin=self.base_url)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self):
        await self.connect()
        return self

    async def __aexit__(self, *exc):
        await self.close()

    # ------------------------------------------------------------------ sending
    def _client_state(self, page_name: str, query_string: str, page_script_hash: str):
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query_string
        cs.page_name = page_name
        cs.page_script_hash = page_script_hash
        for state in self.widget_values.values():
            cs.widget_states.widgets.append(state)
        cs.cached_message_hashes.extend(self.cache)
        ctx = cs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "America/New_York", 240, "en-US"
        ctx.url = f"{self.base_url}/{page_name}" + (f"?{query_string}" if query_string else "")
        ctx.color_scheme = "light"
        return msg

    async def open_page(self, url_path: str = "", query_string: str = "") -> Run:
        """What the browser sends when it opens ``/<url_path>?<query_string>``: a rerun naming the page by URL."""
        self.widget_values.clear()
        return await self._rerun(self._client_state(url_path, query_string, ""))

    async def switch_page(self, url_path: str, query_string: str = "") -> Run:
        """What the browser sends on a click in the navigation: a rerun naming the page by its script hash."""
        return await self._rerun(self._client_state("", query_string, self.pages[url_path]))

    async def follow(self, link) -> Run:
        """What the browser sends on a click on a page link (``st.page_link``): a rerun naming its page, with its
        query string."""
        return await self._rerun(self._client_state("", link.query_string, link.page_script_hash))

    async def set_widget(self, widget_id: str, kind: str, value) -> Run:
        """Change one widget's value and rerun, as the browser does when the reader changes it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState()
        state.id = widget_id
        setattr(state, kind, value)
        self.widget_values[widget_id] = state
        return await self._rerun(self._client_state("", self.query_string, self.page_script_hash))

    # ------------------------------------------------------------------ receiving
    async def _rerun(self, msg: BackMsg) -> Run:
        run = Run()
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._read_until_finished(run), timeout=self.timeout)
        run.seconds = time.perf_counter() - started
        run.page_script_hash = self.page_script_hash
        run.query_string = self.query_string
        if run.page_not_found:
            raise RunError("page not found")
        return run

    async def _read_until_finished(self, run: Run) -> None:
        while True:
            data = await self.ws.recv()
            run.frames += 1
            run.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.HasField("ref_hash"):
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    raise RunError(f"reference to a message not in the cache: {msg.ref_hash}")
                full = ForwardMsg()
                full.CopyFrom(cached)
                full.metadata.CopyFrom(msg.metadata)
                self.cache_used[msg.ref_hash] = self.runs
                msg = full
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
                self.cache_used[msg.hash] = self.runs
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                ns = msg.new_session
                self.session_id = ns.initialize.session_id or self.session_id
                self.page_script_hash = ns.page_script_hash
                self.pages.update({p.url_pathname: p.page_script_hash for p in ns.app_pages})
                if ns.config.max_cached_message_age:
                    self.max_cached_age = ns.config.max_cached_message_age
                self.elements.clear()
                run.runs_in_chain += 1
            elif kind == "navigation":
                self.pages.update({p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages})
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                self.elements[tuple(msg.metadata.delta_path)] = element
                if element.WhichOneof("type") == "exception":
                    message = element.exception.message
                    if "redacted" in message:     # client.showErrorDetails hides it; the server log has it
                        message = "exception on the page (details only in the server log)"
                    run.exceptions.append(f"{element.exception.type}: {message}".lstrip(": "))
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                run.exceptions.append(msg.session_event.script_compilation_exception.message)
            elif kind == "script_finished":
                if msg.script_finished == FINISHED_EARLY:
                    continue
                if msg.script_finished not in FINISHED_OK:
                    run.exceptions.append(f"script finished with status {msg.script_finished}")
                self._after_run()
                return

    def _after_run(self) -> None:
        self.runs += 1
        for h in [h for h, used in self.cache_used.items() if self.runs - used > self.max_cached_age]:
            self.cache.pop(h, None)
            self.cache_used.pop(h, None)
        drawn = {self._widget_id(e) for e in self.elements.values()} - {""}
        for wid in [w for w in self.widget_values if w not in drawn]:
            del self.widget_values[wid]

    @staticmethod
    def _widget_id(element) -> str:
        kind = element.WhichOneof("type")
        return getattr(getattr(element, kind), "id", "") if kind else ""

    # ------------------------------------------------------------------ reading what the page shows
    def widget(self, kind: str, label: str):
        """The current run's widget of type ``kind`` (``selectbox``, ``radio`` …) with this label."""
        for element in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind)
        raise KeyError(f"no {kind} labelled {label!r} on the page")

    def widget_by_key(self, kind: str, key: str):
        """The current run's widget of type ``kind`` created with ``key=`` (its id ends with the key)."""
        for element in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).id.endswith("-" + key):
                return getattr(element, kind)
        raise KeyError(f"no {kind} with key {key!r} on the page")

    def element_of(self, kind: str):
        return [getattr(e, kind) for e in self.elements.values() if e.WhichOneof("type") == kind]

    def deck_json(self) -> dict | None:
        decks = self.element_of("deck_gl_json_chart")
        return json.loads(decks[0].json) if decks else None
