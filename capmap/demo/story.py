"""The demo story: North East London's ICB and three of its PCNs, with invented trusts and staff.

The demo opens on NHS North East London Integrated Care Board, with its real ODS code
(QMF) and its name as NHS England's practice registration map publishes it, so importing
the real ODS files over the demo updates its ICB rather than adding a second one. Its
three primary care networks and their practices are three real Hackney PCNs of North
East London and their practices, with their real ODS codes, postcodes and names (the
names in title case; the map publishes them in capitals), from NHS England's practice
registration map, July 2026 (Open Government Licence v3.0; see
capmap/population/demo_data/), so the demo's population need is those practices' real
QOF figures. Everything else is invented: the two acute and specialist hospital trusts
and the community and mental-health trust (with made-up codes), about sixty staff, and
every person's name and registration number (only their formats are real). No patient
data exists anywhere in it.

One persona signs in for each kind of user (see `demo_sign_ins`), all with the
password `DEMO_PASSWORD`. Loading is idempotent: it does nothing when the demo is there.
"""

import datetime
from dataclasses import dataclass
from itertools import count

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from capmap.accounts.models import User
from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError
from capmap.organisations.models import Organisation, OrganisationKind, Role
from capmap.organisations.services import grant_membership, update_organisation
from capmap.people.job_roles import STARTER_JOB_ROLES
from capmap.people.models import AfcBand, JobRole, Person, SupervisionKind
from capmap.people.services import start_supervision

DEMO_PASSWORD = "capmap-demo-2026"  # noqa: S105 - the published demo password
ICS_NAME = "NHS North East London Integrated Care Board"
EMAIL_DOMAIN = "demo.capmap.uk"


@dataclass(frozen=True)
class DemoSignIn:
    persona: str
    email: str


# Persona key, label, e-mail, first and last name. `demo_sign_ins` keeps this order.
PERSONAS: list[tuple[str, str, str, str, str]] = [
    ("practitioner", "Practitioner (PCN clinical pharmacist)", "maya.chaudhry", "Maya", "Chaudhry"),
    ("supervisor", "Supervisor or mentor (hospital pharmacist)", "daniel.osei", "Daniel", "Osei"),
    ("practice_manager", "Practice manager", "helen.whitlock", "Helen", "Whitlock"),
    ("pcn_manager", "PCN manager", "samir.haddad", "Samir", "Haddad"),
    ("programme_lead", "ICS programme lead", "grace.ellison", "Grace", "Ellison"),
    ("admin", "Organisation admin", "ada.okafor", "Ada", "Okafor"),
]

TRUSTS = [
    ("Eastbrook Hospitals NHS Trust", "R1X"),
    ("Kingsmere University Hospitals NHS Trust", "R2X"),
    ("Thameside Community and Mental Health NHS Foundation Trust", "R3X"),
]

# North East London's ICB code, and the sub-ICB location the registration map gives the
# real practices below.
ICS_ODS_CODE = "QMF"
SUB_ICB = "A3A8R"
# What the demo's ICS was called before it stood on North East London's ICB: a database
# made then is brought up to date rather than given a second demo.
EARLIER_ICS = ("North East Thameside ICS", "Q9Z")

# PCN name, its ODS code, its practices (name, ODS code and postcode), each as NHS England's
# practice registration map publishes it (July 2026), the names in title case.
PCNS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "Hackney Downs PCN",
        "U21268",
        [
            ("The Nightingale Practice", "F84018", "E5 8BY"),
            ("Fountayne Road Medical Practice", "F84080", "N16 7EA"),
            ("The Riverside Practice", "F84619", "E5 9BQ"),
            ("The Clapton Surgery", "F84668", "E5 9BQ"),
            ("Healy Medical Centre", "F84720", "E5 9DH"),
        ],
    ),
    (
        "Clissold Park PCN",
        "U51492",
        [
            ("Barton House Group Practice", "F84008", "N16 9JT"),
            ("Somerford Grove Practice", "F84033", "N16 7UA"),
            ("The Surgery (Barretts Grove)", "F84636", "N16 8AR"),
            ("The Surgery (Brooke Road)", "F84694", "N16 7LR"),
        ],
    ),
    (
        "London Fields PCN",
        "U40100",
        [
            ("London Fields Medical Centre", "F84021", "E8 4QJ"),
            ("Richmond Road Medical Centre", "F84035", "E8 3HN"),
            ("Beechwood Medical Centre", "F84038", "E8 3AH"),
            ("Dalston Practice", "F84063", "E8 1PG"),
            ("Queensbridge Group Practice", "F84117", "E8 3XP"),
            ("Sandringham Practice", "F84621", "E8 1PG"),
        ],
    ),
]
# What the demo called them before it took their published names, by ODS code: a database
# made then has its PCNs and practices renamed in place rather than given a second demo.
EARLIER_NAMES = {
    "U21268": "Leaside PCN",
    "F84018": "Cedar Road Surgery",
    "F84080": "Leaside Medical Centre",
    "F84619": "Millfield Practice",
    "F84668": "Canal Side Health Centre",
    "F84720": "The Orchard Surgery",
    "U51492": "Marshgate PCN",
    "F84008": "Marshgate Health Centre",
    "F84033": "Station Road Surgery",
    "F84636": "Elmhurst Medical Practice",
    "F84694": "Bridge Lane Surgery",
    "U40100": "Wickfield PCN",
    "F84021": "Wickfield Group Practice",
    "F84035": "Hollybush Surgery",
    "F84038": "Rosemary Gardens Practice",
    "F84063": "Fernleigh Medical Centre",
    "F84117": "Quayside Surgery",
    "F84621": "Ashgrove Family Practice",
}


def name_of(ods_code: str) -> str:
    """The demo's name for one of its PCNs or practices, by ODS code."""
    for pcn_name, pcn_ods, practices in PCNS:
        if pcn_ods == ods_code:
            return pcn_name
        for name, ods, _postcode in practices:
            if ods == ods_code:
                return name
    raise KeyError(f"The demo has no PCN or practice {ods_code!r}.")


# Where the personas work: Samir manages the PCN, Helen the practice, and Maya, a
# clinical pharmacist of the PCN, works at the practice.
HOME_PCN = name_of("U21268")
HOME_PRACTICE = name_of("F84018")


def _names(text: str) -> list[str]:
    return text.split()


# Invented names for the rest of the staff, paired up in order.
FIRST_NAMES = _names(
    "Aisha Ben Chloe Dev Elena Femi Gemma Harun Isla Jonah Kiran Leah Marcus Nadia Oscar "
    "Petra Quentin Rosa Sunil Tamsin Umar Vera Wes Yasmin Zac Abena Bilal Carys Dominic "
    "Esme Fraser Gita Hugo Ines Jamal Kezia Luca Mei Niall Olu Priti Rory Saoirse Tariq "
    "Una Viktor Wanjiru Xavier Yusuf Zara Alfie Bronwen Cyrus Delia Emeka Farah Gideon"
)
LAST_NAMES = _names(
    "Ashdown Brightwell Calloway Dunmore Everton Fairlie Garside Hollins Ingleby Jessop "
    "Kettering Lambourne Marchbank Northcott Oakridge Pendry Quarrie Redfern Saltmarsh "
    "Thornbury Underhill Varley Westlake Yardley Ambrose Birtwistle Coldwell Dearden "
    "Eastham Fenwick Goodall Hartigan Illingworth Jarrow Kingdon Lowther Mabey Netherby "
    "Ormerod Pickering Ramsbottom Sedgwick Tranter Upshall Verity Wainwright Yeoman "
    "Abbott Brennan Cartwright Dalby Elstone Fordham Gaskell Hebden Ibbotson Jellicoe"
)

# HCPC registration prefixes by profession.
HCPC_PREFIX = {
    "First contact physiotherapist": "PH",
    "Occupational therapist": "OT",
    "Podiatrist": "CH",
    "Dietitian": "DT",
    "Paramedic": "PA",
}


def _organisation(
    name: str, kind: str, parent: Organisation | None, ods: str = "", **fields
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name, kind=kind, parent=parent, ods_code=ods, **fields
    )
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    return organisation


def _starter_job_roles() -> dict[str, JobRole]:
    """The seeded job roles by name, putting back any that are missing.

    A migration seeds them; a test database flushed by an earlier transactional test
    (or an admin who deleted one) may lack some, and the story needs them all.
    """
    roles = JobRole.objects.in_bulk(field_name="name")
    for name, group, arrs, body in STARTER_JOB_ROLES:
        if name not in roles:
            roles[name], _ = JobRole.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "staff_group": group,
                    "arrs": arrs,
                    "registration_body": body,
                },
            )
    return roles


class _Registrations:
    """Hands out unique, correctly formatted (invented) registration numbers per body."""

    def __init__(self) -> None:
        self._serial = count(1)

    def number(self, body: str, job_role: str) -> str:
        n = next(self._serial)
        if body == "GPhC":
            return f"{2090000 + n}"
        if body == "GMC":
            return f"{7090000 + n}"
        if body == "NMC":
            return f"{10 + n % 14:02d}{'ABCDEFGHIJ'[n % 10]}{4000 + n:04d}E"
        if body == "HCPC":
            return f"{HCPC_PREFIX.get(job_role, 'PH')}{190000 + n}"
        return ""


class _Story:
    """Builds the story inside one transaction; keeps the objects later steps need."""

    def __init__(self) -> None:
        self.roles = _starter_job_roles()
        self.registrations = _Registrations()
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by every persona
        self.names = iter(zip(FIRST_NAMES, LAST_NAMES, strict=True))
        self.serial = count()
        self.today = timezone.localdate()

    def person(
        self,
        job_role: str,
        employer: Organisation,
        *,
        name: tuple[str, str] | None = None,
        stage: str = "",
        band: str = AfcBand.NONE,
        sites: tuple[Organisation, ...] = (),
        user: User | None = None,
        left: bool = False,
    ) -> Person:
        n = next(self.serial)
        first, last = name or next(self.names)
        role = self.roles[job_role]
        body = role.registration_body
        start = datetime.date(2016 + n % 9, 1 + (n * 5) % 12, 1 + (n * 7) % 28)
        person = Person(
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@{EMAIL_DOMAIN}".lower(),
            user=user,
            job_role=role,
            stage=stage,
            registration_body=body,
            registration_number=self.registrations.number(body, job_role),
            afc_band=band,
            employer=employer,
            start_date=start,
            end_date=start + datetime.timedelta(days=700) if left else None,
        )
        person.full_clean()
        person.save()
        if sites:
            person.sites.set(sites)
        return person

    def user(self, key: str, organisation: Organisation, role: str) -> User:
        _, _, local, first, last = next(p for p in PERSONAS if p[0] == key)
        user = User.objects.create(
            email=f"{local}@{EMAIL_DOMAIN}",
            password=self.password,
            first_name=first,
            last_name=last,
        )
        grant_membership(actor=SYSTEM, user=user, organisation=organisation, role=role)
        return user


def _build() -> None:
    story = _Story()
    ics = _organisation(ICS_NAME, OrganisationKind.ICS, None, ICS_ODS_CODE)
    trusts = [_organisation(name, OrganisationKind.TRUST, ics, ods) for name, ods in TRUSTS]
    eastbrook, kingsmere, community = trusts
    pcns: list[tuple[Organisation, list[Organisation]]] = []
    for pcn_name, pcn_ods, practices in PCNS:
        pcn = _organisation(pcn_name, OrganisationKind.PCN, ics, pcn_ods, commissioner_code=SUB_ICB)
        pcns.append(
            (
                pcn,
                [
                    _organisation(
                        name,
                        OrganisationKind.PRACTICE,
                        pcn,
                        ods,
                        postcode=postcode,
                        commissioner_code=SUB_ICB,
                    )
                    for name, ods, postcode in practices
                ],
            )
        )
    home_pcn, home_practices = pcns[0]
    home_practice = home_practices[0]

    # The personas: sign-ins with their memberships, and staff records where they have one.
    practitioner = story.user("practitioner", home_practice, Role.PRACTITIONER)
    mentor = story.user("supervisor", eastbrook, Role.SUPERVISOR)
    practice_manager = story.user("practice_manager", home_practice, Role.MANAGER)
    story.user("pcn_manager", home_pcn, Role.MANAGER)
    # The programme lead runs placement schemes across the ICS: a manager, not an admin.
    story.user("programme_lead", ics, Role.MANAGER)
    story.user("admin", ics, Role.ADMIN)

    mentee = story.person(
        "Clinical pharmacist",
        home_pcn,
        name=("Maya", "Chaudhry"),
        stage="junior",
        band=AfcBand.B7,
        sites=(home_practice,),
        user=practitioner,
    )
    story.person(
        "Specialist pharmacist",
        eastbrook,
        name=("Daniel", "Osei"),
        band=AfcBand.B8B,
        user=mentor,
    )
    story.person(
        "Practice manager", home_practice, name=("Helen", "Whitlock"), user=practice_manager
    )
    start_supervision(
        actor=SYSTEM,
        person=mentee,
        supervisor=mentor,
        kind=SupervisionKind.MENTOR,
        starts_on=story.today - datetime.timedelta(days=90),
    )

    # Hospital and community trusts.
    story.person("Specialist pharmacist", eastbrook, band=AfcBand.B8A)
    story.person("Specialist pharmacist", kingsmere, band=AfcBand.B8A)
    story.person("Specialist pharmacist", kingsmere, band=AfcBand.B8C)
    story.person("Mental health practitioner", community, band=AfcBand.B6)
    story.person("Mental health practitioner", community, band=AfcBand.B7, left=True)
    story.person("Occupational therapist", community, band=AfcBand.B6)
    story.person("Podiatrist", community, band=AfcBand.B6)

    # Each PCN employs its additional roles, who work across its practices.
    for index, (pcn, practices) in enumerate(pcns):
        across = tuple(practices[:2])
        if index:  # the home PCN's junior pharmacist is Maya
            story.person("Clinical pharmacist", pcn, stage="junior", band=AfcBand.B7, sites=across)
        story.person("Clinical pharmacist", pcn, stage="senior", band=AfcBand.B8A, sites=across)
        story.person("Pharmacy technician", pcn, band=AfcBand.B5, sites=across)
        story.person("First contact physiotherapist", pcn, band=AfcBand.B8A, sites=across)
        story.person("Social prescribing link worker", pcn, band=AfcBand.B4, left=index == 2)
        story.person("Care co-ordinator", pcn, band=AfcBand.B4, sites=across)

    # Each practice has a GP and a nurse or receptionist; some have a practice manager.
    for _pcn, practices in pcns:
        for index, practice in enumerate(practices):
            story.person("General practitioner", practice)
            if index % 2:
                story.person("Receptionist", practice, band=AfcBand.B2, left=index == 3)
            else:
                story.person("Practice nurse", practice, band=AfcBand.B6)
            if index == 1:
                story.person("Practice manager", practice)


class NorthEastLondonTaken(DomainError):
    """North East London's ICB is in this database without the demo (imported from the ODS
    files, or generated): the demo builds its own, so it needs a database of its own."""


def _bring_earlier_demo_up_to_date() -> None:
    """Rename a demo ICS made before the demo stood on North East London's ICB, through the
    service (audited, as the system), so `capmap demo` on an old database keeps its data."""
    name, code = EARLIER_ICS
    earlier = Organisation.objects.filter(name=name, ods_code=code).first()
    if earlier is None or Organisation.objects.filter(ods_code=ICS_ODS_CODE).exists():
        return
    update_organisation(
        actor=SYSTEM,
        organisation=earlier,
        name=ICS_NAME,
        ods_code=ICS_ODS_CODE,
        parent=None,
        hard_to_recruit=earlier.hard_to_recruit,
    )


def _bring_earlier_names_up_to_date() -> None:
    """Give the PCNs and practices of a demo made before they took their published names
    those names, through the service (audited, as the system). Only an organisation that
    still has its earlier invented name and its code is renamed: a name an ODS import or
    an admin has given since is kept."""
    for organisation in Organisation.objects.filter(ods_code__in=EARLIER_NAMES).order_by("pk"):
        if organisation.name != EARLIER_NAMES[organisation.ods_code]:
            continue
        update_organisation(
            actor=SYSTEM,
            organisation=organisation,
            name=name_of(organisation.ods_code),
            ods_code=organisation.ods_code,
            parent=organisation.parent,
            hard_to_recruit=organisation.hard_to_recruit,
        )


@transaction.atomic
def load_demo_story() -> bool:
    """Create the demo data; returns False when it was already there.

    The demo is there when its admin persona's sign-in is: its ICS may since have been
    updated by an ODS import, which keeps its name and code as they are published.
    """
    _bring_earlier_demo_up_to_date()
    _bring_earlier_names_up_to_date()
    if User.objects.filter(email=persona("admin")[0]).exists():
        return False
    if Organisation.objects.filter(ods_code=ICS_ODS_CODE).exists():
        raise NorthEastLondonTaken(
            f"North East London's ICB ({ICS_ODS_CODE}) is already in this database, from the "
            "ODS files or a generated workforce, and the demo builds its own. Load the demo "
            "into a database of its own: set CAPMAP_DATA_DIR or DATABASE_URL to a new one."
        )
    _build()
    return True


def demo_sign_ins() -> list[DemoSignIn]:
    """One sign-in per persona, in the order of `PERSONAS`."""
    return [DemoSignIn(label, f"{local}@{EMAIL_DOMAIN}") for _, label, local, _, _ in PERSONAS]


def persona(key: str) -> tuple[str, str]:
    """The e-mail and first name of a persona, by key ("practitioner", "admin"...)."""
    for persona_key, _, local, first, _ in PERSONAS:
        if persona_key == key:
            return f"{local}@{EMAIL_DOMAIN}", first
    raise KeyError(f"No demo persona {key!r}; choose from {[p[0] for p in PERSONAS]}.")
