"""Full-page screenshots of Capmap's pages for docs/screens/, taken from the demo.

    .venv/bin/python scripts/screens.py                 # every shot, on a fresh demo
    .venv/bin/python scripts/screens.py home-supervisor # only the shots named
    .venv/bin/python scripts/screens.py --base-url http://127.0.0.1:8000  # a demo already running

Without --base-url it loads the demo into a throw-away database (a temporary
CAPMAP_DATA_DIR), serves it with `capmap demo` on a free port, and stops it at the end.
To add a shot, add a `Shot` to SHOTS: (file name without .png, persona, path, width, and
the links to follow from that path when the page's address holds a database id).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
DESKTOP, PHONE = 1280, 375


@dataclass(frozen=True)
class Shot:
    name: str  # docs/screens/<name>.png
    persona: str  # a demo persona key: practitioner, supervisor, pcn_manager...
    path: str  # the page, as the persona reaches it
    width: int = DESKTOP
    follow: tuple[str, ...] = ()  # then these links, by accessible name, in order


SHOTS: list[Shot] = [
    Shot("home-practitioner", "practitioner", "/"),
    Shot("home-supervisor", "supervisor", "/"),
    Shot("home-supervisor-phone", "supervisor", "/", PHONE),
    Shot("home-pcn_manager", "pcn_manager", "/"),
    Shot("home-practice_manager", "practice_manager", "/"),
    Shot("home-programme_lead", "programme_lead", "/"),
    Shot("home-admin", "admin", "/"),
    Shot("circle-person", "practitioner", "/capability/", follow=("Your circle of competence",)),
    Shot(
        "circle-person-phone",
        "practitioner",
        "/capability/",
        PHONE,
        follow=("Your circle of competence",),
    ),
    Shot(
        "circle-team", "pcn_manager", "/capability/", follow=("Team circle of Hackney Downs PCN",)
    ),
    Shot("capability-map", "pcn_manager", "/capability/", follow=("Hackney Downs PCN",)),
    Shot(
        "capability-map-phone", "pcn_manager", "/capability/", PHONE, follow=("Hackney Downs PCN",)
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - our own server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The demo did not answer on {url} within {seconds:.0f} s.")


@contextmanager
def demo_server() -> Iterator[str]:
    """A fresh demo on a free port, in a temporary data folder; stopped on the way out.
    Loading the demo takes a minute or more (longer on a busy machine)."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="capmap-screens-") as data:
        env = {**os.environ, "CAPMAP_DATA_DIR": data, "DATABASE_URL": ""}
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "capmap.cli", "demo", "--addrport", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _sign_in_of(persona_key: str) -> tuple[str, str]:
    """The persona's e-mail and the demo password, from the demo story (no database needed)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from capmap.demo.story import DEMO_PASSWORD, persona

    return persona(persona_key)[0], DEMO_PASSWORD


def take(shots: list[Shot], base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for shot in shots:
            context = browser.new_context(
                base_url=base_url, locale="en-GB", viewport={"width": shot.width, "height": 800}
            )
            page = context.new_page()
            email, password = _sign_in_of(shot.persona)
            page.goto("/accounts/login/")
            page.locator('input[name="login"]').fill(email)
            page.locator('input[name="password"]').fill(password)
            page.locator('input[name="password"]').press("Enter")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            page.goto(shot.path)
            for link in shot.follow:
                page.get_by_role("link", name=link, exact=True).first.click()
            page.wait_for_load_state("networkidle")
            target = OUT / f"{shot.name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    parser.add_argument("--base-url", help="a demo already running, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    shots = [s for s in SHOTS if not args.names or s.name in args.names]
    unknown = set(args.names) - {s.name for s in SHOTS}
    if unknown:
        raise SystemExit(f"No shot called {', '.join(sorted(unknown))}.")
    if args.base_url:
        take(shots, args.base_url.rstrip("/"))
    else:
        with demo_server() as url:
            take(shots, url)


if __name__ == "__main__":
    main()
