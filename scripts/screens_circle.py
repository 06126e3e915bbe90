"""Screenshots of the circle of competence for docs/screens/, taken from a live demo.

Loads the demo into a throw-away SQLite database, serves it on a free local port, signs
personas in with Playwright (Debian's Chromium) and saves full-page PNGs:

    circle-person.png        Maya's own circle at 1280 px (the practitioner)
    circle-person-phone.png  the same at 375 px
    circle-team.png          Leaside PCN's clinical pharmacists, as Samir (PCN manager) sees them

Run from the repository root: .venv/bin/python scripts/screens_circle.py
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

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The demo did not start at {url}")


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def shrink(path: Path) -> None:
    """A 256-colour palette: flat colours and text stay sharp at a fraction of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DJANGO_SETTINGS_MODULE": "capmap.config.settings.local",
        }
        cli = [PYTHON, "-m", "capmap.cli"]
        subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, cwd=ROOT)  # noqa: S603
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [*cli, "serve", f"127.0.0.1:{port}"], env=env, cwd=ROOT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/accounts/login/")
            # Imported once the demo database exists, with the same settings.
            os.environ.update(env)
            import django

            django.setup()
            from capmap.demo.story import DEMO_PASSWORD, persona
            from capmap.organisations.models import Organisation
            from capmap.people.models import Person

            maya = Person.objects.get(user__email=persona("practitioner")[0])
            leaside = Organisation.objects.get(name="Leaside PCN")
            role = maya.job_role_id
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for key, path, viewport, name in (
                    ("practitioner", f"/capability/people/{maya.pk}/", DESKTOP, "circle-person"),
                    (
                        "practitioner",
                        f"/capability/people/{maya.pk}/",
                        PHONE,
                        "circle-person-phone",
                    ),
                    (
                        "pcn_manager",
                        f"/capability/organisations/{leaside.pk}/circle/?job_role={role}",
                        DESKTOP,
                        "circle-team",
                    ),
                ):
                    context = browser.new_context(viewport=viewport, locale="en-GB")
                    page = context.new_page()
                    sign_in(page, base, persona(key)[0], DEMO_PASSWORD)
                    page.goto(base + path)
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                    shrink(OUT / f"{name}.png")
                    context.close()
                    print(f"saved docs/screens/{name}.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
