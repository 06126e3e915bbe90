"""Time issuing and verifying Open Badges 3.0 credentials (eddsa-rdfc-2022).

    .venv/bin/python bench/bench_credentials.py [--count 1000] [--repeat 5]

Prints, for one credential (median of --repeat runs) and for --count credentials in a
row: the time to build and sign (RDFC-1.0 canonicalisation by pyld, Ed25519 by PyNaCl),
the time to verify (proof, status list, dates, schema), and both together. The status
list is signed once and handed to the verifier, as a verifier holding it would. The VC-JWT
form is timed too. No assertion on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capmap.credentials.vc import vcjwt
from capmap.credentials.vc.dataintegrity import sign
from capmap.credentials.vc.ob3 import Alignment, Award, achievement_credential
from capmap.credentials.vc.statuslist import status_entry, status_list_credential
from capmap.credentials.vc.verify import verify

SEED = bytes(range(32))
LIST_URL = "https://capmap.example.nhs.uk/credentials/status/7/1"
ISSUER = {
    "id": "https://capmap.example.nhs.uk/credentials/issuers/7",
    "type": ["Profile"],
    "name": "Riverside PCN",
}


def award(i: int) -> Award:
    return Award(
        credential_id=f"https://capmap.example.nhs.uk/credentials/c/{i}",
        issuer=ISSUER,
        valid_from="2026-11-30T10:00:00Z",
        achievement_id=f"https://capmap.example.nhs.uk/credentials/achievements/{i % 40}",
        achievement_name=f"MED.{i % 40} Reconcile medicines",
        achievement_description="Reconciles medicines at transfers of care.",
        criteria="Verified and signed off by the practitioner's mentor on evidence.",
        holder_email=f"person{i}@example.nhs.uk",
        holder_salt=f"{i:016x}",
        level_value=3,
        level_name="Level 3: Proficient",
        scale_name="Proficiency",
        alignments=(Alignment("Reconcile medicines", f"urn:uuid:{i:032x}", f"MED.{i % 40}"),),
        status=status_entry(list_url=LIST_URL, index=i),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    status_list = sign(
        status_list_credential(
            url=LIST_URL, issuer=ISSUER, revoked={3}, valid_from="2026-11-30T10:00:00Z"
        ),
        seed=SEED,
    )

    def lists(url):
        return status_list if url == LIST_URL else None

    # Warm pyld's context cache, as a running server would have it.
    verify(sign(achievement_credential(award(0)), seed=SEED), status_lists=lists)

    sign_one, verify_one = [], []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        signed = sign(achievement_credential(award(i)), seed=SEED)
        t1 = time.perf_counter()
        report = verify(signed, status_lists=lists)
        t2 = time.perf_counter()
        assert report.verified or report.revoked, report.problems
        sign_one.append(t1 - t0)
        verify_one.append(t2 - t1)
    s, v = statistics.median(sign_one), statistics.median(verify_one)
    print(f"one credential (median of {args.repeat}):")
    print(f"  issue (build + sign)   {s * 1000:8.1f} ms")
    print(f"  verify (all checks)    {v * 1000:8.1f} ms")
    print(f"  issue + verify         {(s + v) * 1000:8.1f} ms")

    c0 = time.process_time()
    t0 = time.perf_counter()
    signed_all = [sign(achievement_credential(award(i)), seed=SEED) for i in range(args.count)]
    t1 = time.perf_counter()
    c1 = time.process_time()
    revoked = sum(verify(doc, status_lists=lists).revoked for doc in signed_all)
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(f"{args.count} credentials in a row (one process, one core):")
    print(
        f"  issue                  {t1 - t0:8.2f} s  ({(t1 - t0) / args.count * 1000:.1f} ms each)"
    )
    print(
        f"  verify                 {t2 - t1:8.2f} s  ({(t2 - t1) / args.count * 1000:.1f} ms each)"
    )
    print(f"  issue + verify         {t2 - t0:8.2f} s  ({revoked} found revoked, as expected: 1)")
    print(
        f"  CPU time: issue {c1 - c0:.2f} s, verify {c2 - c1:.2f} s, together {c2 - c0:.2f} s "
        "(wall time above includes waiting on a shared machine)"
    )

    import nacl.signing

    public = bytes(nacl.signing.SigningKey(SEED).verify_key)
    t0 = time.perf_counter()
    _ = [
        vcjwt.encode(achievement_credential(award(i)), seed=SEED, public_key=public)
        for i in range(args.count)
    ]
    t1 = time.perf_counter()
    print(f"  VC-JWT form, {args.count} signed  {t1 - t0:8.2f} s")


if __name__ == "__main__":
    main()
