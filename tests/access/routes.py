"""Which object of the world each route is tried on, and which kind of policy applies.

ROUTE_OBJECTS names every page route with an object in its address; API_OBJECTS every API
path with one. test_route_matrix.py fails for a route the URL configuration or the API
schema has and these tables do not. ROUTE_LISTS names pages without an object that show
tenant data, with a marker only the policy's readers may find in them.

A case's `get` is the kind whose readers may open the page (a kind ending ":change" is a
form for changing, opened by those who may change); `post` the kind whose changers may
send it. None: the route does not take that method. An allowed POST must get the page's
normal redirect (302), or the answer `ok` names with the reason beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Case:
    kwargs: Callable  # world -> URL keyword arguments
    get: str | None = None
    post: str | None = None
    data: Callable = field(default=lambda w: {})  # world -> POST data
    label: str = ""  # tells apart two cases of one route
    # What an allowed POST answers: the page's normal redirect, unless the case says why not.
    ok: tuple = (302,)


def _o(name, attribute="pk"):
    return lambda w: getattr(w.objects[name], attribute)


def kw(**spec) -> Callable:
    """URL kwargs from world objects: kw(pk="subject") or kw(pk=("draft", "number"))."""

    def build(w):
        values = {}
        for key, value in spec.items():
            if callable(value):
                values[key] = value(w)
            elif isinstance(value, tuple):
                values[key] = getattr(w.objects[value[0]], value[1])
            elif value.startswith("org:"):
                values[key] = getattr(w.orgs, value[4:]).pk
            elif value.startswith("="):
                values[key] = value[1:]
            else:
                values[key] = w.objects[value].pk
        return values

    return build


def _today(offset: int = 0) -> str:
    return (timezone.localdate() + timezone.timedelta(days=offset)).isoformat()


def _membership(w):
    return w.users["colleague"].memberships.get().pk


PRACTICE = kw(pk="org:practice_a")
SUBJECT = kw(pk="subject")
SUBJECT_AS_PERSON = kw(person="subject")
SCHEME = kw(pk="scheme")
OWNED = kw(slug=("owned_framework", "slug"))
DRAFT = kw(slug=("owned_framework", "slug"), number=("draft", "number"))

ROUTE_OBJECTS: dict[str, list[Case]] = {
    # Organisations
    "organisations:show_organisation": [Case(PRACTICE, get="organisation")],
    "organisations:edit_organisation": [
        Case(
            PRACTICE,
            get="organisation:change",
            post="organisation",
            data=lambda w: {"name": "Alpha Surgery", "kind": "practice", "parent": w.orgs.pcn_a.pk},
        )
    ],
    # practice A still has staff: deleting is refused as a domain error
    "organisations:delete_organisation": [
        Case(PRACTICE, get="organisation:change", post="organisation", ok=(400,))
    ],
    "organisations:list_members": [Case(PRACTICE, get="memberships:change")],
    "organisations:add_member": [
        Case(
            PRACTICE,
            get="memberships:change",
            post="memberships",
            data=lambda w: {"email": w.users["no_membership"].email, "role": "viewer"},
        )
    ],
    "organisations:change_member_role": [
        Case(
            kw(pk="org:practice_a", membership_pk=_membership),
            get="memberships:change",
            post="memberships",
            data=lambda w: {"role": "viewer"},
        )
    ],
    "organisations:remove_member": [
        Case(
            kw(pk="org:practice_a", membership_pk=_membership),
            get="memberships:change",
            post="memberships",
        )
    ],
    # People
    "people:show_person": [
        Case(SUBJECT, get="staff_record"),
        Case(kw(pk="other_person"), get="other_tenant", label="other ICS"),
    ],
    "people:edit_person": [
        Case(
            SUBJECT,
            get="staff_record:change",
            post="staff_record",
            data=lambda w: {
                "first_name": "Sabrina",
                "last_name": "Subjectson",
                "job_role": w.objects["subject"].job_role_id,
                "stage": "junior",
                "employer": w.orgs.practice_a.pk,
                "start_date": "2024-04-01",
            },
        )
    ],
    "people:end_employment": [
        Case(
            SUBJECT,
            get="staff_record:change",
            post="staff_record",
            data=lambda w: {"end_date": _today()},
        )
    ],
    # the subject has records that keep them: the page explains why not
    "people:delete_person": [
        Case(SUBJECT, get="staff_record:change", post="staff_record", ok=(200,))
    ],
    "people:import_template": [Case(kw(extension="=csv"), get="staff_import:change")],
    "people:preview_import": [
        Case(kw(token="=0123456789abcdef"), get="other_session:change", post="other_session")
    ],
    # Frameworks and pathways
    "frameworks:show_framework": [
        Case(OWNED, get="owned_framework"),
        Case(kw(slug=("library_framework", "slug")), get="library", label="library"),
    ],
    "frameworks:export_framework": [
        Case(kw(slug=("owned_framework", "slug"), file_format="=csv"), get="owned_framework")
    ],
    "frameworks:show_role_profile": [Case(kw(pk="owned_profile"), get="owned_framework")],
    # the requirement fields are built per profile: it answers with the form
    "frameworks:edit_role_profile": [
        Case(
            kw(pk="owned_profile"), get="owned_framework:change", post="owned_framework", ok=(200,)
        )
    ],
    "frameworks:show_pathway": [Case(kw(slug=("pathway", "slug")), get="owned_framework")],
    "frameworks:edit_pathway": [
        Case(
            kw(slug=("pathway", "slug")),
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"title": "Alpha diabetes (changed)", "description": ""},
        )
    ],
    "frameworks:add_pathway_capability": [
        Case(
            kw(slug=("pathway", "slug")),
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {
                "competency": w.objects["competency2"].pk,
                "minimum_level": "2",
                "people_needed": "1",
            },
        )
    ],
    # GET asks to confirm
    "frameworks:remove_pathway_capability": [
        Case(
            kw(slug=("pathway", "slug"), pk="pathway_capability"),
            get="owned_framework:change",
            post="owned_framework",
        )
    ],
    "frameworks:edit_pathway_capability": [
        Case(
            kw(slug=("pathway", "slug"), pk="pathway_capability"),
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"minimum_level": "2", "people_needed": "2"},
        )
    ],
    # GET asks to confirm and says what else goes
    "frameworks:delete_competency": [
        Case(kw(pk="draft_competency"), get="owned_framework:change", post="owned_framework")
    ],
    "frameworks:delete_domain": [
        Case(kw(pk="draft_domain"), get="owned_framework:change", post="owned_framework")
    ],
    "frameworks:edit_scale": [
        Case(
            DRAFT,
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {
                f"label_{value}": f"Level {value}"
                for value in w.objects["draft"].scale.levels.values_list("value", flat=True)
            },
        )
    ],
    "frameworks:edit_competency": [
        Case(
            kw(pk="draft_competency"),
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"code": "A.9", "title": "Takes a careful history"},
        )
    ],
    "frameworks:move_node": [
        Case(
            kw(kind="=competency", pk="draft_competency", direction="=up"),
            post="owned_framework",
        )
    ],
    "frameworks:start_draft": [Case(OWNED, post="owned_framework")],
    "frameworks:publish_version": [
        Case(DRAFT, get="owned_framework:change", post="owned_framework")
    ],
    "frameworks:retire_version": [
        Case(kw(slug=("owned_framework", "slug"), number=lambda w: 1), post="owned_framework")
    ],
    "frameworks:add_domain": [
        Case(
            DRAFT,
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"code": "B", "title": "Prescribing"},
        )
    ],
    # the form's job role choices are built per request: it answers with the form
    "frameworks:add_role_profile": [
        Case(DRAFT, get="profile_adding:change", post="profile_adding", ok=(200,))
    ],
    "frameworks:add_competency": [
        Case(
            DRAFT,
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"code": "A.3", "title": "Reviews inhaler technique"},
        )
    ],
    # Portfolio
    "portfolio:list_evidence": [Case(SUBJECT_AS_PERSON, get="person_record")],
    "portfolio:add_evidence": [
        Case(
            SUBJECT_AS_PERSON,
            get="record_writing:change",
            post="record_writing",
            data=lambda w: {
                "kind": "reflection",
                "title": "Asthma reviews",
                "occurred_on": _today(-1),
                "competencies": [w.objects["competency"].pk],
            },
        )
    ],
    "portfolio:show_evidence": [
        Case(
            kw(pk="evidence"),
            get="person_record",
            post="verification",
            data=lambda w: {"decision": "accept", "comment": "Good"},
        )
    ],
    "portfolio:download_evidence": [Case(kw(pk="evidence"), get="person_record")],
    # Assessments
    "assessments:show_assessment": [Case(kw(pk="assessment"), get="person_record")],
    # the world's assessment is submitted: saving is refused as a domain error
    "assessments:save_domain_ratings": [
        Case(kw(pk="assessment", domain="domain"), post="person_record", ok=(400,))
    ],
    # the world's assessment is already submitted
    "assessments:submit_assessment": [Case(kw(pk="assessment"), post="person_record", ok=(400,))],
    # the review form needs a rating for each competency: it answers with the form
    "assessments:review_assessment": [
        Case(kw(pk="assessment"), get="verification:change", post="verification", ok=(200,))
    ],
    "assessments:show_cycle": [Case(kw(pk="cycle"), get="cycle")],
    "assessments:show_scope_of_practice": [Case(SUBJECT_AS_PERSON, get="verified_levels")],
    "assessments:print_scope_of_practice": [Case(SUBJECT_AS_PERSON, get="verified_levels")],
    "assessments:show_calibration": [Case(SUBJECT_AS_PERSON, get="person_record")],
    "assessments:sign_off_competency": [
        Case(
            SUBJECT_AS_PERSON,
            get="verification:change",
            post="verification",
            data=lambda w: {
                "competency": w.objects["competency"].pk,
                "level": "3",
                "evidence": [w.objects["evidence"].pk],
                "comment": "Observed",
            },
        )
    ],
    "assessments:list_supervisions": [
        Case(
            SUBJECT_AS_PERSON,
            get="supervisions",
            post="supervisions",
            data=lambda w: {
                "email": w.users["colleague"].email,
                "kind": "supervisor",
                "starts_on": _today(),
            },
        )
    ],
    "assessments:end_supervision": [
        Case(
            kw(person="subject", pk="supervision_during"),
            post="supervisions",
            data=lambda w: {"ends_on": _today()},
        )
    ],
    # Impact
    "impact:show_dashboard": [Case(PRACTICE, get="team")],
    "impact:edit_assumption": [
        Case(
            PRACTICE,
            get="impact_assumption:change",
            post="impact_assumption",
            data=lambda w: {"minutes_per_gp_appointment": "15"},
        )
    ],
    "impact:record_activity": [
        Case(
            kw(person_pk="subject"),
            get="impact_record:change",
            post="impact_record",
            data=lambda w: {
                "activity_type": w.objects["activity_type"].pk,
                "period_kind": "month",
                "period_start": _today(-1),
                "count": "3",
                "minutes": "0",
            },
        )
    ],
    "impact:edit_activity_type": [
        Case(
            kw(pk="activity_type"),
            get="activity_type:change",
            post="activity_type",
            data=lambda w: {
                "name": w.objects["activity_type"].name,
                "job_role": w.objects["activity_type"].job_role_id,
                "unit": "count",
                "better": "higher",
                "gp_appointments_per_unit": "0.5",
                "active": "on",
            },
        )
    ],
    # Capability
    "capability:show_heatmap": [Case(PRACTICE, get="team")],
    "capability:export_heatmap": [Case(PRACTICE, get="team")],
    "capability:show_training_needs": [Case(PRACTICE, get="team")],
    "capability:export_training_needs": [Case(PRACTICE, get="team")],
    "capability:choose_pathway": [Case(PRACTICE, get="team")],
    "capability:show_pathway_coverage": [
        Case(kw(pk="org:practice_a", slug=("pathway", "slug")), get="team")
    ],
    "capability:show_circle": [Case(SUBJECT, get="verified_levels")],
    "capability:export_circle": [Case(SUBJECT, get="verified_levels")],
    "capability:show_team_circle": [Case(PRACTICE, get="team")],
    "capability:export_team_circle": [Case(PRACTICE, get="team")],
    "capability:show_competency_history": [
        Case(kw(pk="subject", competency="competency"), get="verified_levels")
    ],
    # Development
    "development:show_plan": [Case(SUBJECT, get="person_record")],
    "development:propose_plan": [Case(SUBJECT, post="record_writing")],
    "development:agree_plan": [Case(SUBJECT, post="verification")],
    "development:add_objective": [
        Case(
            SUBJECT,
            get="record_writing:change",
            post="record_writing",
            data=lambda w: {
                "specific": "Run a structured medication review",
                "measure": "Observed by a supervisor",
                "competencies": [w.objects["competency"].pk],
                "due_on": _today(90),
            },
        )
    ],
    "development:update_objective": [
        Case(
            kw(pk="objective"),
            post="record_writing",
            data=lambda w: {"progress": "50", "status": "in_progress"},
        )
    ],
    "development:edit_objective": [
        Case(
            kw(pk="objective"),
            get="record_writing:change",
            post="record_writing",
            data=lambda w: {
                "specific": "Reconcile medicines after discharge",
                "measure": "Observed by a supervisor",
                "competencies": [w.objects["competency"].pk],
                "due_on": _today(90),
            },
        )
    ],
    # closing is a judgement, like agreeing the plan: never the person themself (404)
    "development:close_objective": [
        Case(
            kw(pk="objective"),
            get="verification:change",
            post="verification",
            data=lambda w: {"outcome": "achieved", "note": "Observed twice."},
        )
    ],
    # a course of practice A's catalogue: read like its frameworks, kept by its managers
    "development:edit_training": [
        Case(
            kw(pk="owned_training"),
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {
                "title": "Alpha inhaler technique (changed)",
                "provider": "Alpha training hub",
                "format": "workshop",
                "hours": "2",
                "cost": "0",
                "competencies": [w.objects["competency"].pk],
            },
        )
    ],
    # Placements
    "placements:confirm_release": [Case(kw(application_pk="open_application"), post="application")],
    "placements:answer_survey": [
        Case(kw(token=lambda w: w.objects["invitation_token"]), get="public_link")
    ],
    "placements:show_scheme": [Case(SCHEME, get="scheme")],
    "placements:edit_scheme": [
        Case(
            SCHEME,
            get="scheme:change",
            post="scheme",
            data=lambda w: {
                "owner": w.orgs.ics_a.pk,
                "title": "Alpha respiratory scheme",
                "starts_on": w.objects["scheme"].starts_on.isoformat(),
                "ends_on": w.objects["scheme"].ends_on.isoformat(),
                "sessions_required": "4",
            },
        )
    ],
    "placements:change_status": [Case(SCHEME, post="scheme", data=lambda w: {"status": "closed"})],
    # the mentor choices are built per request: it answers with the form
    "placements:add_placement": [Case(SCHEME, get="scheme:change", post="scheme", ok=(200,))],
    # the mentor choices are built per request: it answers with the form
    "placements:edit_placement": [
        Case(
            kw(pk="scheme", placement_pk="placement"), get="scheme:change", post="scheme", ok=(200,)
        )
    ],
    # an eligibility rule needs its kind's fields: it answers with the form
    "placements:add_rule": [Case(SCHEME, get="scheme:change", post="scheme", ok=(200,))],
    "placements:show_report": [Case(SCHEME, get="scheme_management")],
    # ranked placements are needed: it answers with the form
    "placements:apply": [
        Case(kw(pk="open_scheme"), get="open_scheme:change", post="open_scheme", ok=(200,))
    ],
    "placements:record_prescribing": [
        Case(
            kw(pk="open_scheme"),
            post="open_scheme",
            data=lambda w: {"independent_prescriber": "on"},
        )
    ],
    "placements:show_allocation": [Case(SCHEME, get="scheme_management")],
    "placements:run_allocation": [Case(SCHEME, post="scheme_management")],
    # the run is confirmed: it answers with the page and the reason
    "placements:adjust_allocation": [
        Case(
            kw(pk="scheme", run_pk="run"),
            get="scheme_management:change",
            post="scheme_management",
            ok=(200,),
        )
    ],
    "placements:confirm_allocation": [
        Case(kw(pk="scheme", run_pk="run"), post="scheme_management")
    ],
    "placements:list_surveys": [Case(SCHEME, get="scheme_management")],
    "placements:create_survey": [
        Case(
            SCHEME,
            get="scheme_management:change",
            post="scheme_management",
            data=lambda w: {"audience": "mentor", "with_default_questions": "on"},
        )
    ],
    "placements:show_survey": [Case(kw(pk="scheme", survey_pk="survey"), get="scheme_management")],
    "placements:add_question": [
        Case(
            kw(pk="scheme", survey_pk="survey"),
            get="scheme_management:change",
            post="scheme_management",
            data=lambda w: {"kind": "text", "text": "Anything else?"},
        )
    ],
    "placements:remove_question": [
        Case(
            kw(pk="scheme", survey_pk="survey", question_pk="question"),
            post="scheme_management",
        )
    ],
    # the links are shown once on the page, not behind a redirect
    "placements:invite": [
        Case(
            kw(pk="scheme", survey_pk="survey"),
            get="scheme_management:change",
            post="scheme_management",
            data=lambda w: {"emails": "mentor@example.nhs.uk"},
            ok=(200,),
        )
    ],
    # sent moments ago, an allowed resend is refused with a message on the survey page
    "placements:resend_invitation": [
        Case(
            kw(pk="scheme", survey_pk="survey", invitation_pk="invitation"),
            get="scheme_management:change",
            post="scheme_management",
        )
    ],
    "placements:list_measures": [Case(SCHEME, get="scheme_management")],
    "placements:define_measure": [
        Case(
            SCHEME,
            get="scheme_management:change",
            post="scheme_management",
            data=lambda w: {"name": "Admissions", "better": "lower"},
        )
    ],
    "placements:show_measure": [
        Case(kw(pk="scheme", measure_pk="measure"), get="scheme_management")
    ],
    "placements:record_value": [
        Case(
            kw(pk="scheme", measure_pk="measure"),
            get="scheme_management:change",
            post="scheme_management",
            data=lambda w: {
                "practice": w.orgs.practice_a.pk,
                "month": "2026-01",
                "phase": "baseline",
                "value": "3",
            },
        )
    ],
    # no file is sent: it answers with the form
    "placements:import_values": [
        Case(
            kw(pk="scheme", measure_pk="measure"),
            get="scheme_management:change",
            post="scheme_management",
            ok=(200,),
        )
    ],
    "placements:show_participation": [
        Case(kw(pk="participation"), get="participation"),
        Case(kw(pk="past_participation"), get="past_participation", label="ended"),
    ],
    "placements:log_session": [
        Case(
            kw(pk="participation"),
            get="participation:change",
            post="participation",
            data=lambda w: {"date": _today(-1), "half_days": "1", "activities": "Clinic"},
        )
    ],
    "placements:confirm_session": [Case(kw(session_pk="session"), post="session")],
    # Reports
    "reports:request_person_report": [
        Case(SUBJECT_AS_PERSON, post="person_report", data=lambda w: {"format": "xlsx"})
    ],
    "reports:show_report": [
        Case(kw(public_id=("report", "public_id")), get="report"),
        Case(
            kw(public_id=("report_of_ended_mentor", "public_id")),
            get="report_of_ended_mentor",
            label="ended mentor",
        ),
    ],
    "reports:show_report_progress": [
        Case(kw(public_id=("report", "public_id")), get="report"),
    ],
    "reports:download_report": [
        Case(kw(public_id=("report", "public_id")), get="report"),
        Case(
            kw(public_id=("report_of_ended_mentor", "public_id")),
            get="report_of_ended_mentor",
            label="ended mentor",
        ),
    ],
    # People's rights over their data
    "privacy:show_person_data": [Case(SUBJECT_AS_PERSON, get="person_data")],
    "privacy:request_export": [Case(SUBJECT_AS_PERSON, post="person_data")],
    "privacy:erase_person": [
        Case(
            SUBJECT_AS_PERSON,
            get="erasure:change",
            post="erasure",
            data=lambda w: {"confirm": "on"},
        )
    ],
    "privacy:propose_correction": [
        Case(
            SUBJECT_AS_PERSON,
            post="correction_proposal",
            data=lambda w: {"field": "stage", "value": "senior"},
        )
    ],
    "privacy:decide_correction": [
        Case(
            kw(pk="privacy_correction"),
            post="privacy_correction",
            data=lambda w: {"decision": "approve"},
        )
    ],
    "privacy:edit_retention": [
        Case(
            kw(organisation="org:practice_a"),
            get="retention:change",
            post="retention",
            data=lambda w: {
                "notifications": "1",
                "sign_in": "1",
                "placements": "2",
                "evidence": "3",
                "assessments": "3",
                "staff_record": "8",
                "sign_offs": "25",
            },
        )
    ],
    "privacy:show_export": [
        Case(kw(public_id=("privacy_export", "public_id")), get="privacy_export")
    ],
    "privacy:show_export_progress": [
        Case(kw(public_id=("privacy_export", "public_id")), get="privacy_export")
    ],
    "privacy:download_export": [
        Case(kw(public_id=("privacy_export", "public_id")), get="privacy_export")
    ],
    # finish11: the world's participant has logged a session, so an allowed resend of the
    # offer is refused with a message on the scheme page
    "placements:resend_offer": [
        Case(
            kw(pk="scheme", participation_pk="participation"),
            get="scheme_management:change",
            post="scheme_management",
        )
    ],
    # finish11: practice A's course no plan names: its managers delete it after confirming
    "development:remove_training": [
        Case(kw(pk="owned_training"), get="owned_framework:change", post="owned_framework")
    ],
    # finish11: practice A's draft scale: its managers add a level, remove its unused top one
    "frameworks:add_scale_level": [
        Case(
            DRAFT,
            get="owned_framework:change",
            post="owned_framework",
            data=lambda w: {"label": "Expert", "descriptor": ""},
        )
    ],
    "frameworks:remove_scale_level": [
        Case(
            kw(
                slug=("owned_framework", "slug"),
                number=("draft", "number"),
                value=lambda w: max(
                    w.objects["draft"].scale.levels.values_list("value", flat=True)
                ),
            ),
            get="owned_framework:change",
            post="owned_framework",
        )
    ],
    # ODS import (branch ods): another session's preview token is nobody's to open
    "organisations:preview_organisations_import": [
        Case(
            kw(token="=0123456789abcdef"), get="other_ods_session:change", post="other_ods_session"
        )
    ],
}


# The CASE 1.0 API (case branch): routes of its own NinjaAPI, named case-v1p0:...
def _library_version(w):
    return w.objects["library_framework"].versions.get(number=1)


def _child_of(name):
    """The isChildOf association Capmap writes for a node (derived from its identifier)."""
    import uuid

    from capmap.frameworks.case import CAPMAP_NAMESPACE

    return lambda w: str(
        uuid.uuid5(CAPMAP_NAMESPACE, f"{w.objects[name].case_identifier}/isChildOf")
    )


def _scale_rubric(w):
    import uuid

    from capmap.frameworks.case import CAPMAP_NAMESPACE

    return str(uuid.uuid5(CAPMAP_NAMESPACE, f"{_library_version(w).case_identifier}/scale"))


LIBRARY_DOCUMENT = kw(sourcedId=lambda w: _library_version(w).case_identifier)
OWNED_DOCUMENT = kw(
    sourcedId=lambda w: w.objects["owned_framework"].versions.get(number=1).case_identifier
)
LIBRARY_ITEM = kw(sourcedId=("competency", "case_identifier"))
DRAFT_ITEM = kw(sourcedId=("draft_competency", "case_identifier"))
ROUTE_OBJECTS.update(
    {
        f"case-v1p0:{name}": [
            Case(published, get="published_case"),
            Case(private, get="unpublished_case", label="own or draft"),
        ]
        for name, published, private in (
            ("get_cf_document", LIBRARY_DOCUMENT, OWNED_DOCUMENT),
            ("get_cf_package", LIBRARY_DOCUMENT, OWNED_DOCUMENT),
            ("get_cf_item", LIBRARY_ITEM, DRAFT_ITEM),
            ("get_cf_item_associations", LIBRARY_ITEM, DRAFT_ITEM),
            (
                "get_cf_association",
                kw(sourcedId=_child_of("competency")),
                kw(sourcedId=_child_of("draft_competency")),
            ),
            ("get_cf_rubric", kw(sourcedId=_scale_rubric), kw(sourcedId="=not-a-rubric")),
        )
    }
)

# API paths (as the OpenAPI document writes them) with an object in them.
API_OBJECTS: dict[str, list[Case]] = {
    "/api/v1/people/{person_id}": [
        Case(kw(person_id="subject"), get="staff_record"),
        Case(kw(person_id="other_person"), get="other_tenant", label="other ICS"),
    ],
    "/api/v1/people/{person_id}/capability": [
        Case(kw(person_id="subject"), get="verified_levels"),
        Case(kw(person_id="other_person"), get="other_tenant", label="other ICS"),
    ],
}


@dataclass(frozen=True)
class Listing:
    kind: str  # whose readers find the marker in the page
    marker: Callable  # world -> text only those readers may find
    query: Callable = field(default=lambda w: "")  # world -> query string


def _name(key):
    return lambda w: w.objects[key].last_name


# Pages and API lists without an object in their address that show tenant data.
ROUTE_LISTS: dict[str, Listing] = {
    "people:list_people": Listing("staff_record", _name("subject")),
    "organisations:list_organisations": Listing("organisation", lambda w: w.orgs.practice_a.name),
    "placements:list_releases": Listing("application", _name("colleague")),
    "frameworks:list_pathways": Listing("owned_framework", lambda w: w.objects["pathway"].title),
    "assessments:list_sign_off_queue": Listing("sign_off_queue", _name("subject")),
    "organisations:list_audit_events": Listing("audit", _name("subject")),
    "development:list_training": Listing(
        "other_tenant_framework",
        lambda w: w.objects["other_competency"].title,
        query=lambda w: f"competency={w.objects['other_competency'].pk}",
    ),
    "api-v1:list_people": Listing("staff_record", _name("subject")),
    "api-v1:list_organisations": Listing("organisation", lambda w: w.orgs.practice_a.name),
}

# --- Population need (branch qof) ---------------------------------------------------------
ROUTE_OBJECTS.update(
    {
        "population:show_need": [Case(PRACTICE, get="team")],
        "population:export_need": [Case(PRACTICE, get="team")],
        "population:recruit_or_train": [Case(PRACTICE, get="team")],
        "population:preview_population_import": [
            Case(
                kw(token="=0123456789abcdef"),
                get="other_population_upload:change",
                post="other_population_upload",
            )
        ],
        "population:edit_pathway_registers": [
            Case(
                kw(slug=("pathway", "slug")),
                get="owned_framework:change",
                post="owned_framework",
                data=lambda w: {"registers": ["DM", "NDH"]},
            )
        ],
    }
)
ROUTE_LISTS["population:list_need"] = Listing("team", lambda w: w.orgs.practice_a.name)

# --- credentials (branch creds) ------------------------------------------------------------


def _subject_credential(w):
    """A credential issued to the subject, made on first use in each test (a test's own
    transaction is rolled back, so it is made again when it is gone)."""
    from capmap.assessments.models import CapabilityEvent, CurrentCapability
    from capmap.core.actors import SYSTEM
    from capmap.credentials.models import IssuedCredential
    from capmap.credentials.services import issue_credential

    made = w.objects.get("credential")
    if made is None or not IssuedCredential.objects.filter(public_id=made.public_id).exists():
        subject, mentor = w.objects["subject"], w.users["mentor_during"]
        event = CapabilityEvent.objects.create(
            person=subject,
            competency=w.objects["competency"],
            level=2,
            valid_from=timezone.now(),
            signed_by=mentor,
        )
        CurrentCapability.objects.update_or_create(
            person=subject,
            competency=event.competency,
            defaults={
                "level": 2,
                "signed_by": mentor,
                "signed_at": event.valid_from,
                "event": event,
            },
        )
        w.objects["credential"] = issue_credential(actor=SYSTEM, event=event)
    return w.objects["credential"]


def _credential_id(w):
    return _subject_credential(w).public_id


ROUTE_OBJECTS.update(
    {
        "credentials:download_credential": [
            Case(kw(public_id=_credential_id), get="own_credential")
        ],
        "credentials:download_jwt": [Case(kw(public_id=_credential_id), get="own_credential")],
        "credentials:download_svg": [Case(kw(public_id=_credential_id), get="own_credential")],
        "credentials:revoke_credential": [
            Case(
                kw(public_id=_credential_id),
                get="credential_revocation",
                post="credential_revocation",
                data=lambda w: {"reason": "Signed off in error"},
            )
        ],
        # Public by design: the link is the credential's id; issuer profiles and status
        # lists are what verifiers anywhere fetch.
        "credentials:show_shared_credential": [
            Case(kw(public_id=_credential_id), get="public_link")
        ],
        "credentials:show_issuer": [
            Case(
                kw(organisation_id=lambda w: _subject_credential(w).organisation_id),
                get="public_link",
            )
        ],
        "credentials:show_status_list": [
            Case(
                kw(
                    organisation_id=lambda w: _subject_credential(w).organisation_id,
                    number="=1",
                ),
                get="public_link",
            )
        ],
    }
)


def _credential_upload(w):
    import io
    from pathlib import Path

    import capmap.credentials

    path = Path(capmap.credentials.__file__).parent / "tests/fixtures/1edtech-validator/simple.json"
    upload = io.BytesIO(path.read_bytes())
    upload.name = "credential.json"
    return {"file": upload}


ROUTE_OBJECTS.update(
    {
        "credentials:accept_credential": [
            Case(
                kw(person_id="subject"),
                get="staff_record",
                post="staff_record",
                data=_credential_upload,
            )
        ],
        "credentials:list_recognised_issuers": [
            Case(
                kw(organisation_id="org:practice_a"),
                get="team",
                post="team",
                data=lambda w: {"issuer_id": "https://example.org/issuers/1", "name": "Example"},
            )
        ],
    }
)
ROUTE_LISTS.update(
    {
        "credentials:list_my_credentials": Listing(
            "own_credential", lambda w: str(_subject_credential(w).public_id)
        ),
    }
)


def _subject_accepted(w):
    """A credential from elsewhere accepted for the subject (made once, as the system)."""
    from capmap.credentials.models import AcceptedCredential

    made = w.objects.get("accepted_credential")
    if made is None or not AcceptedCredential.objects.filter(pk=made.pk).exists():
        w.objects["accepted_credential"] = AcceptedCredential.objects.create(
            person=w.objects["subject"],
            document={"issuer": "https://example.org/issuers/1"},
            issuer_id="https://example.org/issuers/1",
            issuer_name="Example",
            achievement="Teamwork",
            verified=True,
            revoked=False,
        )
    return w.objects["accepted_credential"].pk


def _practice_issuer(w):
    """An issuer the subject's practice recognises."""
    from capmap.credentials.models import RecognisedIssuer

    issuer, _ = RecognisedIssuer.objects.get_or_create(
        organisation=w.orgs.practice_a,
        issuer_id="https://example.org/issuers/1",
        defaults={"name": "Example"},
    )
    return issuer.pk


ROUTE_OBJECTS.update(
    {
        "credentials:check_accepted_credential": [
            Case(kw(person_id="subject", accepted_id=_subject_accepted), post="staff_record")
        ],
        "credentials:remove_accepted_credential": [
            Case(kw(person_id="subject", accepted_id=_subject_accepted), post="staff_record")
        ],
        "credentials:stop_recognising_issuer": [
            Case(kw(organisation_id="org:practice_a", issuer_id=_practice_issuer), post="team")
        ],
    }
)
