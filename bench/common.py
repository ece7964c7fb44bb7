"""What every benchmark shares: the figure record, servers on their own ports, the browser, clean-up.

Every server is ``python -m streamlit run <script>`` started the same way (same flags, same working directory, so
the project's ``.streamlit/config.toml`` applies to the bench apps too), without the file watcher (as a deployment
runs: no reloading, so an edit to the tree during a run cannot disturb it), on a free port in 8700–8799, in its own
process group, with its output in ``bench/results/logs/``. Every process this module starts is recorded and stopped
by :func:`stop_everything`, which ``run.py`` calls on the way out (normal end, error, Ctrl-C, SIGTERM or its own
time limit).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
APPS = BENCH / "apps"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
# the dashboard as scripts/dashboard.sh starts it: serve.py runs dashboard.py after a start-up step
DASHBOARD = ROOT / "serve.py"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
PORTS = range(8700, 8800)


@dataclass
class Figure:
    """One line of the final table."""

    group: str                  # the --only name that produces it
    name: str                   # what is measured, in words
    measured: float | None      # None when it could not be measured
    unit: str                   # "x", "s", "ms", "MB", "KB", "count"
    target: str                 # the target in words ("≤ 1.15x"), "" for context figures
    met: bool | None            # None for context figures (no target)
    detail: str = ""            # the raw numbers behind a ratio, the sample size
    error: str = ""             # why it is missing or not trustworthy
    extra: dict = field(default_factory=dict)

    def shown(self) -> str:
        if self.measured is None:
            return "—"
        v = self.measured
        if self.unit == "x":
            return f"{v:.2f}×"
        if self.unit == "count":
            return f"{int(v)}"
        if self.unit in ("ms", "KB", "MB"):
            return f"{v:,.0f} {self.unit}" if v >= 100 else f"{v:.1f} {self.unit}"
        return f"{v:.2f} {self.unit}"

    def as_dict(self) -> dict:
        return asdict(self)


def judged(group, name, measured, unit, limit, *, op="≤", detail="", error="", extra=None) -> Figure:
    """A figure with a numeric target; not met when it is missing or came with an error."""
    suffix = "×" if unit == "x" else "" if unit == "count" else " " + unit
    target = f"{op} {limit:g}{suffix}"
    if measured is None or error:
        met = False
    else:
        met = measured <= limit if op == "≤" else measured < limit
    return Figure(group, name, measured, unit, target, met, detail, error, extra or {})


def context(group, name, measured, unit, detail="", error="", extra=None) -> Figure:
    """A figure shown for context, without a target."""
    return Figure(group, name, measured, unit, "", None, detail, error, extra or {})


# ---------------------------------------------------------------------------------------------------- processes
_started: list[subprocess.Popen] = []
_ports_taken: set[int] = set()


def compile_project() -> None:
    """Compile the dashboard's own modules to bytecode, as ``scripts/dashboard.sh`` does when it installs: the
    bench measures the dashboard as installed. (An editable install leaves them as source; where
    ``PYTHONDONTWRITEBYTECODE`` is set, every launch compiled them again: the landing page's own modules imported
    in 0.16 s, 0.05 s from bytecode.) Python checks each file's bytecode against its source, so
    an edited module is compiled again, never read stale."""
    import compileall

    for part in ("indicators", "ui"):
        compileall.compile_dir(str(ROOT / part), quiet=1)
    compileall.compile_file(str(ROOT / "serve.py"), quiet=1)


def free_port() -> int:
    """A port in 8700–8799 that nothing listens on and this run has not handed out yet."""
    for port in PORTS:
        if port in _ports_taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_taken.add(port)
        return port
    # every port was used once in this run: start again from the ports now free
    _ports_taken.clear()
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_taken.add(port)
        return port
    raise RuntimeError("no free port in 8700–8799")


def _stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def stop_everything() -> list[str]:
    """Stop every server this run started, then any process still descending from this one (the browsers
    and Playwright drivers it launched). Returns what had to be stopped here."""
    stopped = []
    for proc in list(_started):
        if proc.poll() is None:
            stopped.append(f"server pid {proc.pid}")
            _stop(proc)
        _started.remove(proc)
    leftovers = psutil.Process().children(recursive=True)
    for child in leftovers:
        try:
            stopped.append(f"{child.name()} pid {child.pid}")
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(leftovers, timeout=5)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    return stopped


class Server:
    """``streamlit run <script>`` on its own port; ``launched`` is the moment the process was started."""

    def __init__(self, script: Path, name: str, env: dict | None = None):
        self.script, self.name = Path(script), name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-")
        # the tracker store of this server alone (the UPR pages seed it from the snapshot on first use)
        self.env = {**os.environ, "HRC_TRACKER_URL": f"sqlite:///{self._tmp.name}/tracker.sqlite",
                    "HRC_OFFLINE": "1", **(env or {})}
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.launched = 0.0

    def start(self) -> "Server":
        log = open(self.log_path, "wb")
        self.launched = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        _started.append(self.proc)
        return self

    def wait_listening(self, timeout: float = 60.0) -> float:
        """Wait until the port accepts connections (polled every 20 ms); returns the time since launch."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return time.time() - self.launched
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
                time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not listen within {timeout:.0f} s; see {self.log_path}")

    def wait_healthy(self, timeout: float = 60.0) -> None:
        self.wait_listening(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy within {timeout:.0f} s; see {self.log_path}")

    def rss_bytes(self) -> int:
        """Resident memory of the server and every process under it."""
        proc = psutil.Process(self.proc.pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and every process under it."""
        proc = psutil.Process(self.proc.pid)
        total = sum(proc.cpu_times()[:2])
        for child in proc.children(recursive=True):
            try:
                total += sum(child.cpu_times()[:2])
            except psutil.NoSuchProcess:
                pass
        return total

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def last_error(self) -> str:
        """The last line of the last traceback in the server's log (the page only shows a redacted message)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
        if not starts:
            return ""
        tail = [line for line in lines[starts[-1]:] if line and not line.startswith((" ", "Traceback"))]
        return tail[0][:200] if tail else ""

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
            if self.proc in _started:
                _started.remove(self.proc)
        self._tmp.cleanup()


@contextmanager
def server(script: Path, name: str, env: dict | None = None, healthy: bool = True):
    s = Server(script, name, env).start()
    try:
        if healthy:
            s.wait_healthy()
        yield s
    finally:
        s.stop()


@contextmanager
def chromium():
    """A fresh headless Chromium (Debian's, the project's flags) from Playwright; closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def median(values):
    import statistics

    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, q: float):
    """The q-th percentile (0–100), nearest-rank."""
    values = sorted(values)
    if not values:
        return None
    import math

    rank = max(1, math.ceil(q / 100 * len(values)))
    return values[min(rank, len(values)) - 1]
