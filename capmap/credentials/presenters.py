"""What the credential pages show: a verification answer as headings, rows and tags."""

from __future__ import annotations

from dataclasses import dataclass

from .models import IssuedCredential
from .vc.verify import Report


@dataclass(frozen=True)
class VerificationPresenter:
    report: Report

    @property
    def heading(self) -> str:
        if self.report.verified and self.report.status_unchecked:
            return "This credential is genuine, but whether it still holds could not be checked"
        if self.report.verified:
            return "This credential is genuine and still holds"
        if self.report.revoked:
            return "This credential has been revoked"
        return "This credential cannot be relied on"

    @property
    def tag(self) -> dict[str, str]:
        if self.report.verified:
            return {"text": "Verified", "classes": "nhsuk-tag--green"}
        if self.report.revoked:
            return {"text": "Revoked", "classes": "nhsuk-tag--red"}
        return {"text": "Not verified", "classes": "nhsuk-tag--red"}

    @property
    def rows(self) -> list[dict]:
        r = self.report
        pairs = [
            ("What is certified", r.achievement or "Not stated"),
            ("Level reached", r.level or "Not stated"),
            ("Issued by", r.issuer or "Not stated"),
            ("Issued on", r.valid_from[:10] or "Not stated"),
            ("Form", r.form),
            ("Signing key found through", r.key_source or "No key found"),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in pairs]


@dataclass(frozen=True)
class CredentialRow:
    credential: IssuedCredential
    may_revoke: bool = False

    @property
    def status(self) -> dict[str, str]:
        if getattr(self.credential, "revocation", None) is not None:
            return {"text": "Revoked", "classes": "nhsuk-tag--red"}
        return {"text": "Valid", "classes": "nhsuk-tag--green"}

    @property
    def verified_elsewhere_by(self) -> list[str]:
        """The other issuers whose credentials a completion rests on (docs/adr/0016)."""
        return sorted({counted.accepted.issuer_name for counted in self.credential.rests_on.all()})


def credential_rows(credentials) -> list[CredentialRow]:
    """Rows from credentials, or from (credential, may revoke) pairs."""
    return [CredentialRow(*c) if isinstance(c, tuple) else CredentialRow(c) for c in credentials]
