"""The access policy as data: for each kind of object, which personas may see it and which
may change it. The matrix in test_route_matrix.py reads its expectations from here only.

Personas are those of world.PERSONAS, described relative to the world's subject (a
practitioner at practice A in PCN A, ICS A) and the objects world.build_world() makes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .world import PERSONAS

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}

# view_organisation over practice A: its members and the members of everything above it.
ORGANISATION_VIEWERS = frozenset(
    {"subject", "colleague", "supervisor_role", "pcn_viewer", "practice_manager", "ics_admin"}
)
# view_people over practice A.
PEOPLE_VIEWERS = frozenset({"supervisor_role", "pcn_viewer", "practice_manager", "ics_admin"})
# manage_people over practice A.
PEOPLE_MANAGERS = frozenset({"practice_manager", "ics_admin"})
# The staff record and verified levels: the person, view_people, an active supervisor/mentor.
STAFF_RECORD_READERS = PEOPLE_VIEWERS | {"subject", "mentor_during"}
# The person's record (assessments, evidence, plan): the person, an active mentor, managers.
RECORD_READERS = PEOPLE_MANAGERS | {"subject", "mentor_during"}
# Verify, sign off, accept evidence, agree a plan: never the person themself.
VERIFIERS = PEOPLE_MANAGERS | {"mentor_during"}
# The programme lead of ICS A's schemes (manage_people or manage_organisations over ICS A).
PROGRAMME_LEADS = frozenset({"ics_admin"})
# Frameworks, role profiles, pathways and courses of practice A: view_organisation over it,
# and superusers (ADR 0005: they see every framework, and author only the shared library).
FRAMEWORK_READERS = ORGANISATION_VIEWERS | {"system_admin"}
# manage_people somewhere: may import staff.
IMPORTERS = frozenset({"practice_manager", "sibling_manager", "ics_admin", "other_ics_admin"})


@dataclass(frozen=True)
class Rule:
    """Who may see objects of one kind, who may change them, and the answer to someone who
    may see but not change (existence is already known to them, so 403 by default)."""

    see: frozenset
    change: frozenset = frozenset()
    refused: int = 403


def _rule(see, change=(), refused: int = 403) -> Rule:
    return Rule(frozenset(see), frozenset(change), refused)


POLICY: dict[str, Rule] = {
    # Organisations and memberships (practice A). The member list names people and their
    # roles: it is for those who manage memberships, and refused (403) to other members.
    "organisation": _rule(ORGANISATION_VIEWERS, {"ics_admin"}),
    "memberships": _rule(ORGANISATION_VIEWERS, PEOPLE_MANAGERS),
    # Views over a whole team (practice A): heatmap rows are verified levels, so view_people.
    "team": _rule(PEOPLE_VIEWERS, PEOPLE_MANAGERS),
    # The impact assumption of practice A: admins of it set it (manage_organisations).
    "impact_assumption": _rule(PEOPLE_VIEWERS, {"ics_admin"}),
    # The subject's staff record.
    "staff_record": _rule(STAFF_RECORD_READERS, PEOPLE_MANAGERS),
    # Circle of competence, scope of practice, API capability: same readers as the record.
    "verified_levels": _rule(STAFF_RECORD_READERS),
    # The self-assessment: the person rates themself, nobody else.
    "person_record": _rule(RECORD_READERS, {"subject"}),
    # Evidence and the development plan (ADR 0005, write_record): the person, an active
    # supervisor or mentor (who adds a DOPS or agrees objectives with them) and managers.
    "record_writing": _rule(RECORD_READERS, RECORD_READERS),
    # ... and is never the one who verifies, signs off or agrees (refused as not found).
    "verification": _rule(RECORD_READERS, VERIFIERS, refused=404),
    # The sign-off queue is the work list of supervisors and mentors (managers reach a
    # person's assessment from the person's page): only the active mentor finds the subject.
    "sign_off_queue": _rule({"mentor_during"}),
    # Audit entries about practice A: view_audit over it.
    "audit": _rule({"ics_admin"}),
    # Supervisors of the subject: managers name and end them.
    "supervisions": _rule(RECORD_READERS, PEOPLE_MANAGERS),
    # Impact records of the subject (the table has no row for them; the product's rule):
    # the person records their own activity, managers over the employer record it for them.
    "impact_record": _rule(STAFF_RECORD_READERS, PEOPLE_MANAGERS | {"subject"}, refused=404),
    # The running scheme: lead, its mentor, its applicant, the applicant's managers.
    "scheme": _rule(
        PROGRAMME_LEADS | {"mentor_during", "subject", "practice_manager"},
        PROGRAMME_LEADS,
        refused=404,
    ),
    # Allocation, feedback, outcomes, scheme report: the programme lead's pages.
    "scheme_management": _rule(PROGRAMME_LEADS, PROGRAMME_LEADS),
    # The open scheme: staff of ICS A may apply; the colleague's application is pending.
    "open_scheme": _rule(
        PROGRAMME_LEADS | {"subject", "colleague", "mentor_before", "practice_manager"},
        {"subject", "colleague"},
        refused=404,
    ),
    # The colleague's application awaiting release by a manager over their employer.
    "application": _rule(PEOPLE_MANAGERS, PEOPLE_MANAGERS),
    # The subject's running placement (mentor_during's).
    "participation": _rule(PROGRAMME_LEADS | {"subject", "mentor_during"}, {"subject"}),
    # ... a session in it: the mentor confirms.
    "session": _rule(
        PROGRAMME_LEADS | {"subject", "mentor_during"}, {"mentor_during"}, refused=404
    ),
    # The subject's finished placement: its mentor's supervision has ended.
    "past_participation": _rule(PROGRAMME_LEADS | {"subject"}, {"subject"}),
    # Asking for the subject's portfolio report: whoever may see their record.
    "person_report": _rule(RECORD_READERS, RECORD_READERS),
    # The practice manager's report about the subject: only its requester.
    "report": _rule({"practice_manager"}, {"practice_manager"}),
    # A report the ended mentor asked for: they may no longer see its subject.
    "report_of_ended_mentor": _rule(()),
    # People's rights over their data (capmap.privacy): the person and admins over their
    # employer (manage_organisations) export; only those admins erase, never the person.
    "person_data": _rule({"subject", "ics_admin"}, {"subject", "ics_admin"}),
    "erasure": _rule({"ics_admin"}, {"ics_admin"}),
    # Only the person proposes corrections to their record (an admin who sees it: 403);
    # admins over their employer decide a pending one.
    "correction_proposal": _rule({"subject", "ics_admin"}, {"subject"}),
    "privacy_correction": _rule({"ics_admin"}, {"ics_admin"}),
    # The ICS admin's export of the subject: only its requester, while they may export.
    "privacy_export": _rule({"ics_admin"}),
    # Practice A's retention schedule: admins over it (manage_organisations) see and set it.
    "retention": _rule({"ics_admin"}, {"ics_admin"}),
    # Practice A's own framework and pathway: view_organisation over it, and superusers,
    # who see every framework (ADR 0005); its managers author it, superusers do not.
    "owned_framework": _rule(FRAMEWORK_READERS, PEOPLE_MANAGERS),
    # Adding a role profile to a framework one sees: whoever authors anywhere, for an owner
    # inside the framework's (the service refuses a wider one), so superusers too.
    "profile_adding": _rule(FRAMEWORK_READERS, PEOPLE_MANAGERS | {"system_admin"}),
    # The shared library: everybody signed in; only superusers change it.
    "library": _rule(SIGNED_IN),
    # An assessment cycle of practice A: it lists people's assessment progress, so it is
    # for managers over the organisation (the table has no row for cycles).
    "cycle": _rule(PEOPLE_MANAGERS, PEOPLE_MANAGERS),
    # A seeded activity type (shared by every organisation): any admin manages them.
    "activity_type": _rule(SIGNED_IN, {"ics_admin", "other_ics_admin"}),
    # A single-use survey link: whoever holds it, signed in or not.
    "public_link": _rule(PERSONAS, PERSONAS),
    # Someone else's staff import preview (its token lives in another session): nobody may
    # open it. Those who may not import at all are refused (403) before the token is read.
    "other_session": _rule(SIGNED_IN - IMPORTERS),
    # The blank staff import template: those who may import staff.
    "staff_import": _rule(SIGNED_IN, IMPORTERS),
    # Another ICS's person: nobody of ICS A.
    "other_tenant": _rule({"other_ics_admin"}, {"other_ics_admin"}),
    # Another ICS's own framework: its members, and superusers, who see every framework.
    "other_tenant_framework": _rule({"other_ics_admin", "system_admin"}),
    # The CASE 1.0 API (case branch): the published shared library, to anyone signed in or
    # not; an organisation's own framework or a draft, to nobody (404 for everyone).
    "published_case": _rule(PERSONAS),
    "unpublished_case": _rule(()),
    # A credential issued to the subject: only its holder downloads it (branch creds).
    "own_credential": _rule({"subject"}),
    # Revoking a credential Capmap issued: whoever may verify (and so withdraw) the
    # holder's sign-offs; everyone else is told it is not found.
    "credential_revocation": _rule(VERIFIERS, VERIFIERS),
    # Someone else's ODS import preview (branch ods): nobody may open it. Those who may not
    # import ODS files (ICS admins and superusers) are refused (403) before the token is read.
    "other_ods_session": _rule(SIGNED_IN - {"ics_admin", "other_ics_admin", "system_admin"}),
}

# --- Population need (branch qof) ---------------------------------------------------------
# QOF figures are imported by those who manage organisations (ICS admins); someone else's
# upload preview is found by nobody, and those who may not import are refused first (403).
POPULATION_IMPORTERS = frozenset({"ics_admin", "other_ics_admin"})
POLICY["other_population_upload"] = _rule(SIGNED_IN - POPULATION_IMPORTERS)
# Kinds whose answer to someone signed out is the policy's, not a sign-in page.
OPEN_TO_ANONYMOUS = frozenset({"public_link", "published_case", "unpublished_case"})
