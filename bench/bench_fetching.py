"""Time fetching another issuer's status list through the safeguarded fetcher, and what
it adds to checking a credential, against a little site on 127.0.0.1.

    .venv/bin/python bench/bench_fetching.py [--count 200]

Prints the load average beside each figure, wall and CPU time: one status list fetched
(median of --count), a 1 MB document, and --count credential checks that fetch their list
each time against the same checks with the list held (the anchor, in this same run), as a
ratio. The loopback network is the best case: a real issuer adds its round trips. No
assertion on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.conf import settings

settings.configure(
    CAPMAP_FETCH_MAX_BYTES=2 * 1024 * 1024,
    CAPMAP_FETCH_TIMEOUT_SECONDS=10,
    CAPMAP_FETCH_ALLOW_LOCAL=[],
)

from bench_credentials import ISSUER, LIST_URL, SEED, award  # noqa: E402

from capmap.core.fetching import fetch_json  # noqa: E402
from capmap.core.tests.local_site import local_site  # noqa: E402
from capmap.credentials.vc.dataintegrity import sign  # noqa: E402
from capmap.credentials.vc.ob3 import achievement_credential  # noqa: E402
from capmap.credentials.vc.statuslist import status_list_credential  # noqa: E402
from capmap.credentials.vc.verify import verify  # noqa: E402


def timed(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    listed = sign(
        status_list_credential(
            url=LIST_URL, issuer=ISSUER, revoked={3}, valid_from="2026-11-30T10:00:00Z"
        ),
        seed=SEED,
    )
    credentials = [sign(achievement_credential(award(i)), seed=SEED) for i in range(args.count)]
    with local_site() as site:
        settings.CAPMAP_FETCH_ALLOW_LOCAL = [(site.host, site.port)]
        url = site.put_json("/status/1", listed)
        big = site.put_json("/big", {"padding": "x" * (1024 * 1024 - 20)})
        one = [timed(lambda: fetch_json(url))[0] for _ in range(args.count)]
        print(f"one status list fetched: median {statistics.median(one) * 1000:.2f} ms ({load()})")
        wall, cpu = timed(lambda: fetch_json(big))
        print(
            f"1 MB document fetched: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU ({load()})"
        )

        def held() -> None:
            for credential in credentials:
                verify(credential, status_lists=lambda u: listed)

        def fetched() -> None:
            for credential in credentials:
                verify(credential, status_lists=lambda u: fetch_json(url).document)

        held_wall, held_cpu = timed(held)
        print(f"{args.count} checks, list held: {held_wall:.2f} s wall, ", end="")
        print(f"{held_cpu:.2f} s CPU ({load()})")
        fetched_wall, fetched_cpu = timed(fetched)
        print(
            f"{args.count} checks, list fetched each time: {fetched_wall:.2f} s wall, "
            f"{fetched_cpu:.2f} s CPU ({load()}); ratio to held {fetched_wall / held_wall:.2f}"
        )


if __name__ == "__main__":
    main()
