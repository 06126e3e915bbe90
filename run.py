#!/usr/bin/env python3
"""Run Capmap from a fresh clone with nothing but Python 3.11+.

    python3 run.py demo     create the database, load the demo story, serve it
    python3 run.py test     run the whole test suite (extra arguments go to pytest)

It installs uv (into .tools/) if it is not on the PATH, then builds .venv from the
committed uv.lock, so every machine runs the same versions.
"""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
UV_VERSION = "0.13.9"
CHROMIUM = Path("/usr/bin/chromium")


def _fail(message: str) -> None:
    print(f"run.py: {message}", file=sys.stderr)
    raise SystemExit(1)


def _uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    tools = ROOT / ".tools"
    uv = tools / "bin" / "uv"
    if not uv.exists():
        print("Installing uv into .tools/ (once) ...", flush=True)
        venv.create(tools, with_pip=True)
        subprocess.run(
            [tools / "bin" / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"],
            check=True,
        )
    return str(uv)


def _sync_environment() -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    command = [_uv(), "sync", "--frozen", "--quiet", "--python", sys.executable]
    if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
        _fail("could not install the dependencies from uv.lock (see the messages above).")


def _ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it when we are allowed to."""
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Chromium for the browser tests (once) ...", flush=True)
        quiet = {"stdout": subprocess.DEVNULL}
        subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            **quiet,
        )
        return
    _fail("the browser tests need Chromium at /usr/bin/chromium: `sudo apt-get install chromium`.")


def _bin(name: str) -> str:
    return str(ROOT / ".venv" / "bin" / name)


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):
        _fail("Capmap needs Python 3.11 or newer.")
    if not argv or argv[0] not in {"demo", "test"}:
        _fail("usage: python3 run.py demo | test [pytest arguments]")
    _sync_environment()
    os.chdir(ROOT)
    if argv[0] == "demo":
        os.execv(_bin("capmap"), [_bin("capmap"), "demo", *argv[1:]])
    _ensure_chromium()
    # Serial by default (measured no faster with xdist on a busy 2-core machine); pass
    # `-n auto --dist loadfile` to spread test files over the cores.
    os.execv(_bin("pytest"), [_bin("pytest"), *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
