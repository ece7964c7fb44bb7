"""Check that ``stclient.py`` times reruns as the server serves a real browser: ``python bench/check_rerun_timing.py``.

A dashboard server runs behind a small TCP relay on loopback. Chromium (through the relay) opens the map page and
changes the sidebar's indicator through the UI, twice through the same six (the second pass is kept, its
computations cached); the relay stamps, at the socket, the browser's
``rerun_script`` message and the ``script_finished`` that ends the run. Then ``stclient.py`` (straight to the
server) makes the same six changes and times them its own way. If the client is truthful the two columns agree
within the machine's noise; the browser's own in-page view (message events) is shown too, which is later because
the page handles messages on its busy main thread (drawing the map) before it sees ``script_finished``.

Not part of ``run.py``: it validates the method, it is not a figure.
"""

from __future__ import annotations

import asyncio
import struct
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DASHBOARD, VIEWPORT, Server, chromium, free_port, stop_everything  # noqa: E402
from stclient import StreamlitClient  # noqa: E402


class Relay:
    """Loopback TCP relay that reads the websocket frames of ``/_stcore/stream`` passing through it."""

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self.sent_rerun: list[float] = []       # browser → server rerun_script, time at the relay
        self.finished: list[float] = []         # server → browser script_finished (successful), time at the relay
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)

        async def main():
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
            self.ready.set()
            await self.server.serve_forever()

        try:
            self.loop.run_until_complete(main())
        except (asyncio.CancelledError, RuntimeError):
            pass

    async def _handle(self, reader, writer):
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        head = await reader.readuntil(b"\r\n\r\n")
        stream = b"/_stcore/stream" in head.split(b"\r\n", 1)[0]
        up_w.write(head)
        await asyncio.gather(self._pipe(reader, up_w, stream, to_server=True),
                             self._pipe(up_r, writer, stream, to_server=False), return_exceptions=True)

    async def _pipe(self, src, dst, stream, to_server):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        buf, upgraded = b"", to_server
        try:
            while data := await src.read(65536):
                now = time.perf_counter()
                dst.write(data)             # no drain(): the relay buffers, so a slow reader does not hold
                                            # back the server's side, and the stamps are the server's
                if not stream:
                    continue
                buf += data
                if not upgraded:                      # the server's 101 answer comes first
                    if b"\r\n\r\n" not in buf:
                        continue
                    buf, upgraded = buf.split(b"\r\n\r\n", 1)[1], True
                while (frame := _frame(buf)) is not None:
                    payload, buf = frame
                    if to_server:
                        msg = BackMsg()
                        msg.ParseFromString(payload)
                        if msg.WhichOneof("type") == "rerun_script":
                            self.sent_rerun.append(now)
                    else:
                        msg = ForwardMsg()
                        msg.ParseFromString(payload)
                        if msg.WhichOneof("type") == "script_finished" and \
                                msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                            self.finished.append(now)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            dst.close()

    def close(self):
        self.loop.call_soon_threadsafe(self.server.close)


def _frame(buf: bytes):
    """One complete websocket frame's (unmasked) payload and the rest, or None (binary frames, no fragmentation
    assumed: Streamlit sends each message in one frame)."""
    if len(buf) < 2:
        return None
    masked, n, i = buf[1] & 0x80, buf[1] & 0x7F, 2
    if n == 126:
        if len(buf) < 4:
            return None
        n, i = struct.unpack(">H", buf[2:4])[0], 4
    elif n == 127:
        if len(buf) < 10:
            return None
        n, i = struct.unpack(">Q", buf[2:10])[0], 10
    key = b""
    if masked:
        if len(buf) < i + 4:
            return None
        key, i = buf[i:i + 4], i + 4
    if len(buf) < i + n:
        return None
    payload = buf[i:i + n]
    if masked:
        payload = bytes(b ^ key[j % 4] for j, b in enumerate(payload))
    return payload, buf[i + n:]


HOOK = """
(() => {
  const x = window.__x = {recv: [], sent: []};
  const O = window.WebSocket;
  window.WebSocket = class extends O {
    constructor(...a) { super(...a); this.addEventListener('message', () => x.recv.push(performance.now())); }
    send(d) { x.sent.push(performance.now()); return super.send(d); }
  };
})();
"""


def main() -> int:
    from render import _frame_kind

    srv = Server(DASHBOARD, "check-rerun").start()
    try:
        srv.wait_healthy()
        relay = Relay(srv.port)
        names, at_relay, in_page = [], [], []
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.add_init_script(HOOK)
            frames: list[str] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(_frame_kind(p))))
            page.goto(f"http://127.0.0.1:{relay.port}/")
            page.wait_for_selector('[class*="st-key-figure_"]', timeout=120_000)  # the map page's figures
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=120_000)
            page.wait_for_timeout(1500)
            box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Indicator")
            for step in range(12):            # twice through the same six: the second pass is timed (warm caches)
                k = step % 6
                n_frames, n_sent = len(frames), page.evaluate("window.__x.sent.length")
                n_relay_sent, n_relay_done = len(relay.sent_rerun), len(relay.finished)
                page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                       timeout=120_000)
                for _ in range(5):
                    box.click()
                    try:
                        page.wait_for_selector('[role="option"]', timeout=3000)
                        break
                    except Exception:  # noqa: BLE001 - the list did not open: click again
                        page.keyboard.press("Escape")
                option = page.locator('[role="option"]').nth(k + 1)
                name = option.inner_text()
                option.click()
                for _ in range(600):
                    page.wait_for_timeout(50)
                    x = page.evaluate("window.__x")
                    done = [i for i in range(n_frames, min(len(frames), len(x["recv"])))
                            if frames[i] == "script_finished:0"]
                    if done and len(relay.finished) > n_relay_done:
                        break
                if step >= 6:
                    names.append(name)
                    in_page.append(x["recv"][done[-1]] - x["sent"][n_sent])
                    at_relay.append((relay.finished[-1] - relay.sent_rerun[n_relay_sent]) * 1000)
                page.wait_for_timeout(1000)
        relay.close()

        async def client_times():
            out = []
            async with StreamlitClient(srv.url) as c:
                await c.open_page("")
                widget = c.widget_by_key("selectbox", "sb_indicator")
                for name in names:
                    out.append((await c.set_widget(widget.id, "string_value", name)).seconds * 1000)
                    await asyncio.sleep(1.0)      # the same pause as the browser's
            return out

        client = asyncio.run(client_times())
    finally:
        srv.stop()
        stop_everything()
    print("indicator change (ms): browser's rerun at the relay | stclient | browser's own view (in-page)")
    for name, a, b, c in zip(names, at_relay, client, in_page):
        print(f"  {name[:45]:45s} {a:7.0f} | {b:7.0f} | {c:7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
