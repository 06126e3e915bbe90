import re

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from capmap.accounts.models import User
from capmap.core.exceptions import DomainError
from capmap.demo.story import (
    DEMO_PASSWORD,
    EARLIER_ICS,
    EARLIER_NAMES,
    HOME_PCN,
    HOME_PRACTICE,
    ICS_NAME,
    demo_sign_ins,
    load_demo_story,
    name_of,
)
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.people.models import Person, Supervision, SupervisionKind
from capmap.people.selectors import people_for
from capmap.people.validators import validate_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    assert load_demo_story() is True


def _user(persona: str) -> User:
    email = next(s.email for s in demo_sign_ins() if s.persona.startswith(persona))
    return User.objects.get(email=email)


def test_the_story_builds_an_ics_with_three_trusts_three_pcns_and_their_practices(story):
    ics = Organisation.objects.get(name=ICS_NAME)
    below = Organisation.objects.filter(path__startswith=ics.path).exclude(pk=ics.pk)
    assert below.filter(kind=OrganisationKind.TRUST).count() == 3
    pcns = below.filter(kind=OrganisationKind.PCN)
    assert pcns.count() == 3
    for pcn in pcns:
        assert 4 <= pcn.children.filter(kind=OrganisationKind.PRACTICE).count() <= 6


def test_the_demo_opens_on_north_east_londons_icb_with_its_real_code(story):
    ics = Organisation.objects.get(ods_code="QMF")
    assert (ics.name, ics.kind, ics.parent) == (ICS_NAME, OrganisationKind.ICS, None)
    # As NHS England's practice registration map names it, so an import leaves it be.
    assert ICS_NAME == "NHS North East London Integrated Care Board"


def test_a_demo_database_from_before_north_east_london_is_brought_up_to_date(story):
    ics = Organisation.objects.get(ods_code="QMF")
    name, code = EARLIER_ICS
    Organisation.objects.filter(pk=ics.pk).update(name=name, ods_code=code)
    people = Person.objects.count()

    assert load_demo_story() is False

    ics.refresh_from_db()
    assert (ics.name, ics.ods_code) == (ICS_NAME, "QMF")
    assert Person.objects.count() == people
    assert Organisation.objects.filter(kind=OrganisationKind.ICS).count() == 1


def test_the_real_registration_map_over_the_demo_updates_it_and_adds_nothing(story):
    from capmap.core.actors import SYSTEM
    from capmap.organisations.services import import_organisations
    from capmap.population.demo import DEMO_DATA

    ics = Organisation.objects.get(name=ICS_NAME)
    count = Organisation.objects.count()
    name = "gp-reg-pat-prac-map-nel-demo.csv"

    plan = import_organisations(actor=SYSTEM, files=[(name, (DEMO_DATA / name).read_bytes())])

    # The ICB is named as the map names it; its PCNs and practices take their real names.
    assert [row.record.code for row in plan.unchanged] == ["QMF"]
    assert (len(plan.to_create), len(plan.to_update)) == (0, 3 + 15)
    assert Organisation.objects.count() == count
    assert Organisation.objects.get(ods_code="QMF").pk == ics.pk
    pcn = Organisation.objects.get(ods_code="U21268")
    assert (pcn.name, pcn.parent_id) == ("HACKNEY DOWNS PCN", ics.pk)
    assert Membership.objects.filter(organisation=pcn, role=Role.MANAGER).exists()


def test_the_personas_work_in_hackney_downs_pcn_and_the_nightingale_practice(story):
    assert (HOME_PCN, HOME_PRACTICE) == ("Hackney Downs PCN", "The Nightingale Practice")
    assert _user("PCN manager").memberships.get().organisation.ods_code == "U21268"
    assert _user("Practice manager").memberships.get().organisation.ods_code == "F84018"


def test_a_demo_database_with_the_earlier_invented_names_is_renamed_in_place_audited(story):
    for code, earlier in EARLIER_NAMES.items():
        Organisation.objects.filter(ods_code=code).update(name=earlier)
    # A name given since (by an ODS import, or an admin) is not the earlier one: it stays.
    Organisation.objects.filter(ods_code="F84621").update(name="SANDRINGHAM PRACTICE")
    people = Person.objects.count()
    organisations = Organisation.objects.count()

    assert load_demo_story() is False

    names = dict(
        Organisation.objects.filter(ods_code__in=EARLIER_NAMES).values_list("ods_code", "name")
    )
    assert names == {code: name_of(code) for code in EARLIER_NAMES} | {
        "F84621": "SANDRINGHAM PRACTICE"
    }
    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)
    pcn = Organisation.objects.get(ods_code="U21268")
    [entry] = LogEntry.objects.get_for_object(pcn).filter(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["name"] == ["Leaside PCN", "Hackney Downs PCN"]
    assert entry.actor_email == "system"
    assert load_demo_story() is False  # nothing more to rename
    assert LogEntry.objects.get_for_object(pcn).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_the_demo_refuses_a_database_that_already_holds_north_east_london(capsys):
    Organisation.objects.create(name=ICS_NAME, kind=OrganisationKind.ICS, ods_code="QMF")

    with pytest.raises(DomainError, match="database of its own"):
        load_demo_story()
    with pytest.raises(CommandError, match="already in this database"):
        call_command("demo", "--no-serve")
    assert not Person.objects.exists()
    assert not User.objects.exists()


def test_every_organisation_has_a_correct_path_and_a_valid_ods_code(story):
    for organisation in Organisation.objects.all():
        parent_path = organisation.parent.path if organisation.parent else "/"
        assert organisation.path == f"{parent_path}{organisation.pk}/"
        organisation.full_clean()
    patterns = {
        OrganisationKind.TRUST: r"R[0-9A-Z]{2}",
        OrganisationKind.PCN: r"U\d{5}",
        OrganisationKind.PRACTICE: r"[A-Z]\d{5}",
    }
    for kind, pattern in patterns.items():
        for code in Organisation.objects.filter(kind=kind).values_list("ods_code", flat=True):
            assert re.fullmatch(pattern, code)


def test_about_sixty_staff_across_the_roles_with_valid_registrations(story):
    people = Person.objects.select_related("job_role")
    assert 55 <= people.count() <= 65
    roles = set(people.values_list("job_role__name", flat=True))
    assert {
        "Clinical pharmacist",
        "Pharmacy technician",
        "First contact physiotherapist",
        "Social prescribing link worker",
        "Care co-ordinator",
        "Receptionist",
        "General practitioner",
        "Practice nurse",
        "Practice manager",
        "Specialist pharmacist",
    } <= roles
    assert set(
        people.filter(job_role__name="Clinical pharmacist").values_list("stage", flat=True)
    ) == {
        "junior",
        "senior",
    }
    for person in people:
        validate_registration(person.registration_body, person.registration_number)
        assert person.registration_body == person.job_role.registration_body
    assert people.exclude(end_date=None).count() >= 2
    assert people.exclude(afc_band="").count() >= 30


def test_each_persona_signs_in_with_the_shared_password_and_holds_their_role(story):
    expected = {
        "Practitioner": (Role.PRACTITIONER, OrganisationKind.PRACTICE),
        "Supervisor": (Role.SUPERVISOR, OrganisationKind.TRUST),
        "Practice manager": (Role.MANAGER, OrganisationKind.PRACTICE),
        "PCN manager": (Role.MANAGER, OrganisationKind.PCN),
        "ICS programme lead": (Role.MANAGER, OrganisationKind.ICS),
        "Organisation admin": (Role.ADMIN, OrganisationKind.ICS),
    }
    personas = [s.persona for s in demo_sign_ins()]
    assert [p.split(" (")[0] for p in personas] == [
        "Practitioner",
        "Supervisor or mentor",
        "Practice manager",
        "PCN manager",
        "ICS programme lead",
        "Organisation admin",
    ]
    for prefix, (role, kind) in expected.items():
        user = _user(prefix)
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.organisation.kind) == (role, kind)


def test_the_practitioner_and_mentor_have_staff_records(story):
    practitioner = _user("Practitioner").person
    assert practitioner.job_role.name == "Clinical pharmacist"
    assert practitioner.employer.kind == OrganisationKind.PCN
    assert _user("Supervisor").person.job_role.name == "Specialist pharmacist"
    assert _user("Practice manager").person.job_role.name == "Practice manager"


def test_the_hospital_mentor_sees_exactly_their_mentee_outside_their_trust(story):
    mentor = _user("Supervisor")
    mentee = _user("Practitioner").person
    supervision = Supervision.objects.get(supervisor=mentor)
    assert (supervision.person, supervision.kind) == (mentee, SupervisionKind.MENTOR)
    trust = Membership.objects.get(user=mentor).organisation
    visible = people_for(mentor)
    outside_trust = visible.exclude(employer__path__startswith=trust.path)
    assert list(outside_trust) == [mentee]
    assert visible.filter(employer=mentee.employer).count() == 1


def test_the_practitioner_sees_only_their_own_record(story):
    practitioner = _user("Practitioner")
    assert list(people_for(practitioner)) == [practitioner.person]


def test_the_pcn_manager_sees_their_pcn_and_no_other(story):
    manager = _user("PCN manager")
    pcn = Membership.objects.get(user=manager).organisation
    visible = people_for(manager)
    assert visible.count() > 10
    assert not visible.exclude(employer__path__startswith=pcn.path).exists()


def test_running_the_demo_again_adds_nothing(capsys):
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")
    assert "Demo already loaded." in capsys.readouterr().out


def test_loading_twice_changes_nothing(story):
    counts = (Organisation.objects.count(), Person.objects.count(), User.objects.count())
    assert load_demo_story() is False
    assert (Organisation.objects.count(), Person.objects.count(), User.objects.count()) == counts


def test_demo_command_without_serving_loads_every_part_and_prints_sign_ins(capsys):
    call_command("demo", "--no-serve")
    output = capsys.readouterr().out
    for part in ("staff and sign-ins", "frameworks", "capability", "placement scheme", "activity"):
        assert part in output
    for sign_in in demo_sign_ins():
        assert sign_in.persona in output
        assert sign_in.email in output
    assert DEMO_PASSWORD in output


def test_serve_listens_on_loopback_port_8000_by_default_and_names_the_wsgi_module():
    from capmap.core.management.commands.serve import Command

    parser = Command().create_parser("capmap", "serve")
    assert parser.parse_args([]).addrport == "127.0.0.1:8000"
    assert "capmap.config.wsgi" in parser.format_help()


def test_the_story_puts_back_starter_job_roles_that_are_missing():
    from capmap.people.models import JobRole

    JobRole.objects.filter(name__in=["Care co-ordinator", "Specialist pharmacist"]).delete()
    assert load_demo_story() is True
    assert Person.objects.filter(job_role__name="Care co-ordinator").count() == 3
    assert JobRole.objects.get(name="Specialist pharmacist").registration_body == "GPhC"


def test_the_demo_grants_roles_and_supervisions_through_the_services_as_the_system(story):
    from auditlog.models import LogEntry

    mentor = _user("Supervisor")
    supervision = Supervision.objects.filter(supervisor=mentor).order_by("pk").first()
    membership = Membership.objects.filter(user=mentor).first()

    for row in (supervision, membership):
        entries = LogEntry.objects.get_for_object(row)
        assert [entry.actor_email for entry in entries] == ["system"]
