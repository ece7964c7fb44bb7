"""Drive the running app as a browser does, without one: its sign-in routes over HTTP and its pages over the
websocket protocol (``/_stcore/stream``), for the sign-in tests."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(secrets: Path, store_url: str, log: Path, timeout: float = 90):
    """``streamlit run serve.py`` on a free loopback port with ``secrets`` and the store at ``store_url``; yields
    its base URL. Uvicorn's own reading of X-Forwarded-For is off, so only the app's trusted-proxy setting
    decides which address a request comes from."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
            cwd=ROOT, env={**os.environ, "HRC_TRACKER_URL": store_url, "FORWARDED_ALLOW_IPS": ""},
            stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if requests.get(url + "/_stcore/health", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")[-3000:])
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One browser's cookies, sending the sign-in form as a person would (the form page first, then the post)."""

    def __init__(self, base_url: str, forwarded_for: str | None = None):
        self.base_url = base_url
        self.http = requests.Session()
        self.forwarded_for = forwarded_for

    def _headers(self) -> dict:
        headers = {"Origin": self.base_url}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        return headers

    def sign_in(self, username: str, password: str, next_path: str = "/edit") -> requests.Response:
        form = self.http.get(f"{self.base_url}/account/sign-in", params={"next": next_path}, timeout=30)
        token = re.search(r'name="form_token" value="([^"]+)"', form.text).group(1)
        return self.http.post(f"{self.base_url}/account/sign-in", timeout=60, allow_redirects=False,
                              headers=self._headers(),
                              data={"form_token": token, "next": next_path, "username": username,
                                    "password": password})

    def sign_out(self) -> requests.Response:
        return self.http.get(f"{self.base_url}/account/sign-out", timeout=30, allow_redirects=False)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies if c.path == "/")


@dataclass
class Page:
    session_id: str = ""
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts).replace("\\", "")


async def _open(base_url: str, path: str, query: str, cookie: str | None, session_id: str | None,
                keep_open: asyncio.Event | None = None) -> Page:
    # what the browser sends: the protocol, its XSRF token (none here), and the page session to resume
    protocols = ["streamlit", "PLACEHOLDER_AUTH_TOKEN", session_id] if session_id else ["streamlit"]
    headers = {"Cookie": cookie} if cookie else {}
    page = Page()
    async with websockets.connect(base_url.replace("http://", "ws://") + "/_stcore/stream",
                                  subprotocols=protocols, additional_headers=headers, origin=base_url,
                                  max_size=None, ping_interval=None, open_timeout=60) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = path.strip("/")
        msg.rerun_script.query_string = query
        msg.rerun_script.context_info.url = f"{base_url}{path}" + (f"?{query}" if query else "")
        await ws.send(msg.SerializeToString())
        while True:
            incoming = ForwardMsg()
            incoming.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            kind = incoming.WhichOneof("type")
            if kind == "new_session":
                page.session_id = incoming.new_session.initialize.session_id or page.session_id
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                element = incoming.delta.new_element
                inner = getattr(element, element.WhichOneof("type") or "", None)
                for attribute in ("body", "label"):
                    value = getattr(inner, attribute, None)
                    if isinstance(value, str) and value:
                        page.texts.append(value)
            elif kind == "script_finished" and incoming.script_finished in FINISHED:
                return page


def open_page(base_url: str, path: str, query: str = "", *, cookie: str | None = None,
              session_id: str | None = None) -> Page:
    """Open ``path`` over a new websocket connection, as a browser tab does (``cookie``: the browser's cookies;
    ``session_id``: a page session to resume, as a reconnecting tab asks), run it to its end and close."""
    return asyncio.run(_open(base_url, path, query, cookie, session_id))
