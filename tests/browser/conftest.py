"""Browser tests: Debian's chromium, driven by Playwright, against `smartkampung serve` (Granian +
whitenoise) on a throwaway SQLite database filled by `synth`. Nothing is downloaded."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
import urllib.request

import pytest

from tests.fresh_db import COMMAND, run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    import os

    tmp = tmp_path_factory.mktemp("served")
    db_path = tmp / "browser.sqlite3"
    env = {**os.environ, "SMARTKAMPUNG_DATABASE_URL": f"sqlite:///{db_path}", "SMARTKAMPUNG_VAR_DIR": str(tmp / "var"), "PYTHONWARNINGS": "ignore"}
    for args in (("migrate", "-v0"), ("load_areas",), ("synth", "--people", "4000", "--seed", "3", "--no-progress"), ("demo_users",)):
        run(env, *args)
    port = _free_port()
    server = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read() if server.poll() is not None else ""
                server.kill()
                raise RuntimeError(f"smartkampung serve did not start:\n{output}") from None
            time.sleep(0.3)
    yield {"base": base, "db": sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)}
    server.terminate()
    try:
        server.wait(timeout=60)  # the server's graceful stop and its task worker; slow on a loaded machine
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915})  # a mid-range phone
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base: str, username: str, *, next_url: str = "", landing=None) -> None:
    """Log a demo user in through the login form (password "demo-" + username) and wait
    for the page they land on: `landing` (a URL, glob or predicate, as Playwright's wait_for_url takes),
    else next_url, else the registry."""
    page.goto(f"{base}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", f"demo-{username}")
    page.click("#login-submit")
    page.wait_for_url(landing or f"{base}{next_url or '/registry/'}")
