"""One offline verification of a credential (JSON with a Data Integrity proof, or a
VC-JWT): proof, status list, validity dates and the OB 3.0 schema, with the answer in
plain English. Lookups that need the deployment (its keys, its status lists) are passed
in, so the same code serves the web page, the command line and the tests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pyld import jsonld

from . import baking, vcjwt
from .dataintegrity import KeyResolver, ProofError, ResolvedKey, resolve_offline, verify_proof
from .documents import UnknownContext
from .schema import schema_problems
from .statuslist import StatusListError, bit_is_set

# Given a status list credential's URL, the (signed) status list credential, or None when
# it is not held; may raise StatusListUnavailable when it could not be fetched.
StatusListSource = Callable[[str], "dict[str, Any] | None"]

OPEN_BADGE_TYPES = {"AchievementCredential", "OpenBadgeCredential"}
REVOKED = "Revoked: the issuer has withdrawn this credential; it no longer holds."


class Unreadable(ValueError):
    """The input is neither a JSON credential nor a VC-JWT."""


class StatusListUnavailable(Exception):
    """A status list could not be had now, and why (a sentence). `fallback`: an earlier
    copy to judge by meanwhile; `too_long`: it has been unavailable too long for the
    credential to be relied on."""

    def __init__(
        self, reason: str, *, fallback: dict[str, Any] | None = None, too_long: bool = False
    ):
        super().__init__(reason)
        self.fallback = fallback
        self.too_long = too_long


@dataclass
class Report:
    credential: dict[str, Any] = field(default_factory=dict)
    form: str = ""
    proof_ok: bool = False
    revoked: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_source: str = ""
    key_controller: str = ""
    key_confirmed: bool = False
    key: ResolvedKey | None = None
    status_unchecked: bool = False  # a status list could not be had

    @property
    def verified(self) -> bool:
        return self.proof_ok and not self.problems

    @property
    def issuer_id(self) -> str:
        issuer = self.credential.get("issuer")
        return str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer or "")

    @property
    def issuer(self) -> str:
        issuer = self.credential.get("issuer")
        name = _text(issuer.get("name")) if isinstance(issuer, dict) else ""
        return f"{name} ({self.issuer_id})" if name else self.issuer_id

    @property
    def issuer_name(self) -> str:
        issuer = self.credential.get("issuer")
        return (_text(issuer.get("name")) if isinstance(issuer, dict) else "") or self.issuer_id

    @property
    def achievement(self) -> str:
        subject = _first(self.credential.get("credentialSubject"))
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict):
            return _text(achievement.get("name"))
        return _text(self.credential.get("name"))

    @property
    def level(self) -> str:
        """The name of the level reached, from the result's achievedLevel."""
        subject = _first(self.credential.get("credentialSubject"))
        if not isinstance(subject, dict):
            return ""
        achievement = subject.get("achievement") or {}
        wanted = {
            r.get("achievedLevel") for r in _list(subject.get("result")) if isinstance(r, dict)
        }
        for description in _list(achievement.get("resultDescription")):
            for level in _list(description.get("rubricCriterionLevel")):
                if isinstance(level, dict) and level.get("id") in wanted:
                    return _text(level.get("name"))
        return ""

    @property
    def valid_from(self) -> str:
        return str(self.credential.get("validFrom") or self.credential.get("issuanceDate") or "")

    def as_json(self) -> dict[str, Any]:
        """The stable shape of `capmap verify-credential --json`."""
        return {
            "verified": self.verified,
            "revoked": self.revoked,
            "issuer": self.issuer,
            "achievement": self.achievement,
            "problems": list(self.problems),
        }

    def sentences(self) -> list[str]:
        """What is certified, by whom, and whether it still holds, in plain English."""
        if not self.credential:
            return ["This could not be read as a credential."]
        what = self.achievement or "an achievement"
        if self.level:
            what += f", at {self.level}"
        lines = [f"{self.issuer_name} certifies {what}."]
        if self.valid_from:
            lines.append(f"It was issued on {self.valid_from[:10]}.")
        if self.verified and self.status_unchecked:
            lines.append(
                "The signature holds; whether the issuer has revoked it could not be checked."
            )
        elif self.verified:
            lines.append("The signature holds, and the credential still holds.")
        elif self.revoked:
            lines.append(REVOKED)
        elif not self.proof_ok:
            lines.append("Do not rely on it: the signature does not hold.")
        else:
            lines.append("Do not rely on it: it does not pass every check.")
        return lines


def _text(value: Any) -> str:
    if isinstance(value, dict):  # a language map
        return str(value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _instant(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse(raw: str | bytes) -> tuple[dict[str, Any] | str, str]:
    """(credential or token, form) from file or pasted text; Unreadable if neither."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Unreadable("The file is not text: upload the credential's JSON file.") from None
    text = raw.strip()
    form = "JSON with a Data Integrity proof"
    if baking.looks_like_svg(text):
        try:
            text = baking.extract_from_svg(text)
        except baking.NotBaked as error:
            raise Unreadable(str(error)) from None
        form = "a badge image (SVG) baked with " + (
            "a VC-JWT" if vcjwt.looks_like_jwt(text) else "JSON"
        )
    if vcjwt.looks_like_jwt(text):
        return text, "VC-JWT" if form.startswith("JSON") else form
    try:
        value = json.loads(text)
    except ValueError:
        raise Unreadable(
            "This is not a credential: paste the credential's JSON or a VC-JWT, or upload "
            "its badge image (SVG)."
        ) from None
    if not isinstance(value, dict):
        raise Unreadable("This is not a credential: the JSON must be one object.")
    return value, form


def _check_dates(report: Report, now: datetime) -> None:
    cred = report.credential
    start = _instant(cred.get("validFrom") or cred.get("issuanceDate"))
    end = _instant(cred.get("validUntil") or cred.get("expirationDate"))
    if start and start > now:
        report.problems.append(f"Not valid yet: it holds only from {start:%d %B %Y}.")
    if end and end < now:
        report.problems.append(f"Expired on {end:%d %B %Y}.")


# Content hash of a status list credential -> its proof problem ("" when it holds) and
# the key that signed it. A verifier checking many credentials of one issuer checks the
# list's proof once.
_LIST_PROOFS: dict[str, tuple[str, ResolvedKey | None]] = {}


def _status_list_proof(
    listed: dict[str, Any], resolvers: list[KeyResolver]
) -> tuple[str, ResolvedKey | None]:
    content = json.dumps(listed, sort_keys=True) + repr([id(r) for r in resolvers])
    digest = hashlib.sha256(content.encode()).hexdigest()
    if digest not in _LIST_PROOFS:
        try:
            answer: tuple[str, ResolvedKey | None] = ("", verify_proof(listed, resolvers).key)
        except (ProofError, UnknownContext) as error:
            answer = (str(error), None)
        if len(_LIST_PROOFS) > 256:
            _LIST_PROOFS.clear()
        _LIST_PROOFS[digest] = answer
    return _LIST_PROOFS[digest]


def _status_list_problem(
    report: Report, listed: dict[str, Any], resolvers: list[KeyResolver]
) -> str:
    """Why the status list cannot be believed for this credential ("" when it can): its
    proof must hold, and it must be the credential's issuer's, signed by the credential's
    own key or another key confirmed as that issuer's."""
    problem, key = _status_list_proof(listed, resolvers)
    if problem:
        return f"The status list's signature does not hold: {problem}"
    issuer = listed.get("issuer")
    issuer_id = str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer or "")
    own = report.key
    same_key = key is not None and own is not None and key.public_key == own.public_key
    same_owner = (
        key is not None
        and own is not None
        and key.confirmed
        and bool(key.controller)
        and key.controller == own.controller
    )
    if issuer_id != report.issuer_id or not (same_key or same_owner):
        return "The status list is not signed by the credential's issuer, so it was not believed."
    return ""


def _status_list_for(
    report: Report, url: str, status_lists: StatusListSource | None
) -> dict[str, Any] | None:
    if status_lists is None:
        listed = None
    else:
        try:
            listed = status_lists(url)
        except StatusListUnavailable as unavailable:
            report.status_unchecked = True
            (report.problems if unavailable.too_long else report.notes).append(str(unavailable))
            return unavailable.fallback
    if listed is None:
        report.status_unchecked = True
        report.notes.append(
            f"Its status list ({url}) is not held here, so whether it has been revoked "
            "could not be checked offline."
        )
    return listed


def _check_status(
    report: Report, resolvers: list[KeyResolver], status_lists: StatusListSource | None
) -> None:
    for entry in _list(report.credential.get("credentialStatus")):
        if not isinstance(entry, dict):
            continue
        if entry.get("type") != "BitstringStatusListEntry":
            report.notes.append(f"Its status of type {entry.get('type')} was not checked.")
            continue
        url = str(entry.get("statusListCredential", ""))
        listed = _status_list_for(report, url, status_lists)
        if listed is None:
            continue
        problem = _status_list_problem(report, listed, resolvers)
        if problem:
            report.problems.append(problem)
            continue
        subject = _first(listed.get("credentialSubject")) or {}
        try:
            index = int(entry.get("statusListIndex", -1))
            is_set = bit_is_set(subject.get("encodedList", ""), index)
        except (StatusListError, ValueError, TypeError) as error:
            report.problems.append(f"The status could not be read: {error}")
            continue
        if is_set:
            if entry.get("statusPurpose") == "suspension":
                report.problems.append("Suspended: the issuer has suspended this credential.")
            else:
                report.revoked = True
                report.problems.append(REVOKED)


def verify(
    raw: str | bytes | dict[str, Any],
    *,
    resolvers: list[KeyResolver] | None = None,
    status_lists: StatusListSource | None = None,
    now: datetime | None = None,
) -> Report:
    """Check everything that can be checked offline. Raises Unreadable for non-credentials."""
    resolvers = [*(resolvers or []), resolve_offline]
    value, form = (raw, "JSON with a Data Integrity proof") if isinstance(raw, dict) else parse(raw)
    report = Report(form=form)
    try:
        if isinstance(value, str):
            report.credential, key, _ = vcjwt.decode(value, resolvers)
        else:
            report.credential = value
            key = verify_proof(value, resolvers).key
        report.proof_ok = True
        report.key = key
        report.key_source, report.key_controller = key.source, key.controller
        report.key_confirmed = key.confirmed
    except (ProofError, UnknownContext) as error:
        report.problems.append(str(error))
    except jsonld.JsonLdError as error:  # pyld's own errors on malformed JSON-LD
        report.problems.append(f"The credential is not well-formed JSON-LD: {error}"[:300])
    if isinstance(value, dict):
        report.credential = value
    if report.proof_ok and not (report.key_confirmed and report.key_controller == report.issuer_id):
        report.notes.append(
            f"The signing key was found through {report.key_source}; it is not confirmed "
            "to belong to the issuer. Trust it only if you recognise this issuer."
        )
    _check_dates(report, now or datetime.now(UTC))
    _check_status(report, resolvers, status_lists)
    types = set(_list(report.credential.get("type")))
    if types & OPEN_BADGE_TYPES:
        report.problems.extend(schema_problems(report.credential))
    else:
        report.notes.append("It is not an Open Badge, so the OB 3.0 schema was not applied.")
    return report
