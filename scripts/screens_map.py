"""Screenshots of the capability map for docs/screens/, taken from a live demo.

Loads the demo into a scratch data folder, serves it on a free port, signs the PCN
manager in with Playwright (Debian's Chromium) and saves:

    docs/screens/capability-map.png         at 1280 px
    docs/screens/capability-map-phone.png   at 375 px

Run from the repository root: `.venv/bin/python scripts/screens_map.py [DATA_DIR]`
(give a data folder that already holds the demo to skip loading it again, or set
CAPMAP_SCREENS_BASE to the address of a demo already being served).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
EMAIL = "samir.haddad@demo.capmap.uk"
PASSWORD = "capmap-demo-2026"  # noqa: S105 - the published demo password
TEAM = "Leaside PCN"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 400) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The demo did not answer at {url}.")


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_map(page: Page) -> None:
    page.goto("/capability/")
    page.get_by_role("link", name=TEAM, exact=True).click()
    page.locator("table.app-heatmap").wait_for()


def take_screens(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, size in (
            ("capability-map.png", {"width": 1280, "height": 1000}),
            ("capability-map-phone.png", {"width": 375, "height": 812}),
        ):
            context = browser.new_context(base_url=base, viewport=size, locale="en-GB")
            context.set_default_timeout(120_000)  # a busy machine serves slowly
            page = context.new_page()
            sign_in(page)
            open_map(page)
            page.locator(".app-heatmap-summary").evaluate("e => e.scrollIntoView()")
            # Show a column's full name as a keyboard user would see it.
            page.locator(".app-heat-col__code").nth(2).focus()
            page.screenshot(path=SCREENS / name)
            context.close()
            print(f"Saved {SCREENS / name}")
        browser.close()


def main() -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    if base := os.environ.get("CAPMAP_SCREENS_BASE"):  # a demo already being served
        take_screens(base)
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        data = sys.argv[1] if len(sys.argv) > 1 else scratch
        env = os.environ | {"CAPMAP_DATA_DIR": data}
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "capmap.cli", "demo", "--addrport", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/accounts/login/")
            take_screens(base)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
