"""Build an Open Badges 3.0 AchievementCredential (VC Data Model 2.0) from plain facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .documents import OB_V3, VC_V2


@dataclass(frozen=True)
class Alignment:
    """The CASE item (CFItem) the achievement stands for."""

    target_name: str
    target_url: str
    target_code: str = ""
    target_framework: str = ""
    target_description: str = ""


@dataclass(frozen=True)
class Award:
    credential_id: str
    issuer: dict[str, Any]  # an OB 3.0 Profile: id, type, name, url...
    valid_from: str
    achievement_id: str
    achievement_name: str
    achievement_description: str
    criteria: str
    holder_email: str
    holder_salt: str
    level_value: int | None  # None: a completion, with no level on a scale
    level_name: str
    scale_name: str
    alignments: tuple[Alignment, ...] = ()
    status: dict[str, Any] | None = None
    name: str = ""
    extra_subject: dict[str, Any] = field(default_factory=dict)
    achievement_type: str = "Competency"
    extra_achievement: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[dict[str, Any], ...] = ()  # OB 3.0 Evidence objects


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 hashed identity: 'sha256$' + hex(sha256(identity + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def achievement_credential(award: Award) -> dict[str, Any]:
    levels_id = f"{award.achievement_id}#levels"
    level_id = f"{award.achievement_id}#level-{award.level_value}"
    achievement: dict[str, Any] = {
        "id": award.achievement_id,
        "type": ["Achievement"],
        "achievementType": award.achievement_type,
        "name": award.achievement_name,
        "description": award.achievement_description,
        "criteria": {"narrative": award.criteria},
        "creator": award.issuer,
        **award.extra_achievement,
    }
    if award.level_value is not None:
        achievement["resultDescription"] = [
            {
                "id": levels_id,
                "type": ["ResultDescription"],
                "name": award.scale_name,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {
                        "id": level_id,
                        "type": ["RubricCriterionLevel"],
                        "name": award.level_name,
                        "level": str(award.level_value),
                    }
                ],
            }
        ]
    if award.alignments:
        achievement["alignment"] = [
            {
                k: v
                for k, v in {
                    "type": ["Alignment"],
                    "targetName": a.target_name,
                    "targetUrl": a.target_url,
                    "targetCode": a.target_code,
                    "targetFramework": a.target_framework,
                    "targetDescription": a.target_description,
                    "targetType": "CFItem",
                }.items()
                if v
            }
            for a in award.alignments
        ]
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": award.credential_id,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": award.name or award.achievement_name,
        "issuer": award.issuer,
        "validFrom": award.valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(award.holder_email, award.holder_salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.holder_salt,
                }
            ],
            "achievement": achievement,
            **award.extra_subject,
        },
    }
    if award.level_value is not None:
        credential["credentialSubject"]["result"] = [
            {"type": ["Result"], "resultDescription": levels_id, "achievedLevel": level_id}
        ]
    if award.evidence:
        credential["evidence"] = list(award.evidence)
    if award.status:
        credential["credentialStatus"] = award.status
    return credential
