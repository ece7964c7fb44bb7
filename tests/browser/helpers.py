"""Shared helpers for the real-browser tests: start the app on a free loopback port, drive Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "screenshots"


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(env: dict | None = None, script: str = "dashboard.py", timeout: float = 60):
    """Start ``streamlit run`` on 127.0.0.1 and yield its base URL; stop it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode(errors="replace"))
                time.sleep(0.2)
        else:
            raise RuntimeError("the app did not start in time")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_rendered(page, timeout_ms: int = 90_000) -> None:
    """Wait until Streamlit has run the script for the current view to its end and drawn it: the app says its
    script is not running, a heading (or an exception) is on the page, and no spinner or skeleton is left.
    Conditions only, never a fixed time."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] [data-testid=\"stHeading\"],"
        " [data-testid=\"stMain\"] h1, [data-testid=\"stException\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def assert_no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
