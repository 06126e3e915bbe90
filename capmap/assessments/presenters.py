"""View-models for assessment pages, and the small glue that turns posted choices into
service calls (so the views stay thin)."""

from __future__ import annotations

from capmap.core.workflow import history
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people.models import Person
from capmap.portfolio import selectors as portfolio

from . import selectors, services
from .forms import ReviewInput
from .models import Assessment, AssessmentCycle, State

TAG_COLOURS = {
    State.DRAFT: "grey",
    State.SUBMITTED: "blue",
    State.RETURNED: "orange",
    State.SIGNED_OFF: "green",
}
DECIDED = {
    "save": "Your evidence reviews have been saved. Your levels and comments are still here.",
    "return": "The assessment has been returned with your comments.",
    "sign_off": "The assessment has been signed off.",
}


def state_tag(state: str) -> dict:
    return {"text": State(state).label, "classes": f"nhsuk-tag--{TAG_COLOURS[State(state)]}"}


def difference_text(difference: int | None) -> str:
    """Differences in words, so they never depend on colour alone."""
    if difference is None or difference == 0:
        return "Agrees" if difference == 0 else ""
    direction = "higher" if difference > 0 else "lower"
    levels = "level" if abs(difference) == 1 else "levels"
    return f"Self-rating {abs(difference)} {levels} {direction}"


def competency_ids(assessment: Assessment) -> list[int]:
    return list(assessment.role_profile.requirements.values_list("competency_id", flat=True))


def competency_ids_in_domain(assessment: Assessment, domain: int | None) -> list[int]:
    return list(
        assessment.role_profile.requirements.filter(competency__domain_id=domain).values_list(
            "competency_id", flat=True
        )
    )


def _returned_comment(assessment: Assessment) -> str:
    return assessment.state_comment if assessment.state == State.RETURNED else ""


def assessment_page(user, assessment: Assessment) -> dict:
    is_self = assessment.person.user_id == user.pk
    return {
        "assessment": assessment,
        "tag": state_tag(assessment.state),
        "groups": selectors.rating_groups(assessment),
        "scale": selectors.scale_of(assessment),
        "can_edit": is_self and assessment.state in services.EDITABLE,
        "can_review": assessment.state == State.SUBMITTED
        and policy.allows(user, policy.VERIFY_RECORD, assessment.person),
        "returned_comment": _returned_comment(assessment),
        "history": history(assessment),
        "evidence": portfolio.evidence_of(user, assessment.person),
        "difference_text": difference_text,
        "sign_off": getattr(assessment, "sign_off", None)
        if assessment.state == State.SIGNED_OFF
        else None,
    }


def review_input(user, assessment: Assessment, data) -> ReviewInput:
    """The review form as posted (or empty), over the competencies of the assessment and
    the evidence the supervisor can see."""
    competencies = Competency.objects.filter(
        role_requirements__profile=assessment.role_profile
    ).order_by("domain__order", "order")
    return ReviewInput(
        data,
        competencies=competencies,
        evidence=portfolio.evidence_of(user, assessment.person),
        first_name=assessment.person.first_name,
    )


def _error(review: ReviewInput, field: str) -> dict | None:
    return {"text": review.errors[field]} if field in review.errors else None


def review_page(user, assessment: Assessment, review: ReviewInput) -> dict:
    """The review page with every value the supervisor entered, and each field's error."""
    groups = selectors.rating_groups(assessment)
    for group in groups:
        for row in group.rows:
            pk = row.competency.pk
            raw = review.levels.get(pk, "")
            row.posted = raw
            row.posted_comment = review.comments.get(pk, "")
            row.error = _error(review, f"level-{pk}")
            row.preview = (
                difference_text(row.self_level - int(raw))
                if raw.lstrip("-").isdigit() and row.self_level is not None
                else ""
            )
    page = assessment_page(user, assessment)
    page.update(
        {
            "groups": groups,
            "checked": review.action == "check",
            "comment": review.comment,
            "comment_error": _error(review, "comment"),
            "errors": review.error_summary(),
            "evidence_rows": [
                {
                    "item": item,
                    "choice": review.choices.get(item.pk, ""),
                    "reason": review.reasons.get(item.pk, ""),
                    "error": _error(review, f"evidence-comment-{item.pk}"),
                }
                for item in page["evidence"]
            ],
        }
    )
    return page


def competency_sign_off_choices(user, person: Person) -> dict:
    """Competencies of the person's role profile, its scale, and their evidence."""
    profile = selectors.scope_of_practice(person).profile
    competencies = (
        Competency.objects.filter(role_requirements__profile=profile).order_by(
            "domain__order", "order"
        )
        if profile
        else Competency.objects.none()
    )
    scale = list(profile.version.scale.levels.all()) if profile else []
    return {
        "competencies": competencies,
        "scale": scale,
        "evidence": portfolio.evidence_of(user, person),
    }


def sign_off_one(user, person: Person, data: dict) -> None:
    choices = competency_sign_off_choices(user, person)
    competency = choices["competencies"].get(pk=data["competency"])
    evidence = list(choices["evidence"].filter(pk__in=data["evidence"]))
    services.sign_off_competency(
        actor=user,
        person=person,
        competency=competency,
        level=data["level"],
        evidence=evidence,
        comment=data.get("comment", ""),
    )


def open_cycle(user, organisations, data: dict) -> AssessmentCycle:
    return services.open_cycle(
        actor=user,
        organisation=organisations.get(pk=data["organisation"]),
        title=data["title"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
    )


def cycle_page(user, cycle: AssessmentCycle) -> dict:
    progress = selectors.cycle_progress(user, cycle)
    return {
        "cycle": cycle,
        "progress": progress,
        "progress_rows": [
            [{"text": "Not started"}, {"text": str(progress.not_started), "format": "numeric"}],
            *(
                [{"text": State(state).label}, {"text": str(count), "format": "numeric"}]
                for state, count in progress.counts.items()
            ),
        ],
        "assessments": selectors.cycle_assessments(user, cycle).order_by("person__last_name"),
        "calibration": selectors.team_calibration(user, cycle),
        "team": selectors.team_of(user, cycle),
        "state_tag": state_tag,
    }


def supervisions_page(user, person: Person, form) -> dict:
    return {
        "person": person,
        "form": form,
        "supervisions": selectors.supervisions_of(person),
        "can_manage": policy.allows(user, policy.CHANGE_PERSON, person),
    }
