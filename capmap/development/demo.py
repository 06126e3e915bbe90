"""Demo data for development: capability levels, a small training catalogue and a plan.

Call `load_demo_development()` after `capmap.demo.story.load_demo_story()`.
"""

from django.db import transaction

from capmap.capability.demo import load_demo_capability
from capmap.core.exceptions import DomainError
from capmap.frameworks.models import Competency
from capmap.people.models import Person

from . import services
from .models import TrainingFormat, TrainingItem

# The demo's Hackney Downs PCN, where Maya works, by its ODS code: the code stays when the
# name changes (an ODS import gives the published name).
MAYAS_PCN = "U21268"
# Title, provider, format, hours, cost, link, competency codes of the starter library.
CATALOGUE = [
    (
        "Structured medication reviews",
        "CPPE",
        TrainingFormat.E_LEARNING,
        8,
        0,
        "https://www.cppe.ac.uk/",
        ["CP.A2", "CP.A3"],
    ),
    (
        "Consultation skills for pharmacy practice",
        "CPPE",
        TrainingFormat.E_LEARNING,
        6,
        0,
        "https://www.cppe.ac.uk/",
        ["CP.A1", "CP.A4"],
    ),
    (
        "Clinical examination skills",
        "Training hub",
        TrainingFormat.WORKSHOP,
        7,
        120,
        "",
        ["CP.B1", "CP.B2"],
    ),
    (
        "Medicines safety: high-risk drugs and transfers of care",
        "CPPE",
        TrainingFormat.E_LEARNING,
        5,
        0,
        "https://www.cppe.ac.uk/",
        ["CP.B3", "CP.C1", "CP.C2", "CP.C3"],
    ),
    (
        "Supervised long-term condition clinics",
        "Practice",
        TrainingFormat.SHADOWING,
        12,
        0,
        "",
        ["CP.B5"],
    ),
    (
        "Independent prescribing programme",
        "University",
        TrainingFormat.COURSE,
        200,
        0,
        "",
        ["CP.B4"],
    ),
    (
        "Leading change in general practice",
        "NHS Leadership Academy",
        TrainingFormat.COURSE,
        30,
        350,
        "https://www.leadershipacademy.nhs.uk/",
        ["CP.E1", "CP.E4"],
    ),
]


@transaction.atomic
def load_demo_development() -> bool:
    """Capability levels, the training catalogue and Maya Chaudhry's proposed plan.

    Each part is added only when missing, so it is safe to run again; returns whether
    anything was added.
    """
    added = load_demo_capability()
    if not TrainingItem.objects.filter(title=CATALOGUE[0][0]).exists():
        for title, provider, kind, hours, cost, link, codes in CATALOGUE:
            item = TrainingItem.objects.create(
                title=title, provider=provider, format=kind, hours=hours, cost=cost, link=link
            )
            item.competencies.set(
                Competency.objects.filter(
                    version__framework__slug="clinical-pharmacist-general-practice",
                    code__in=codes,
                )
            )
        added = True
    maya = (
        Person.objects.filter(first_name="Maya", last_name="Chaudhry", employer__ods_code=MAYAS_PCN)
        .select_related("user", "employer")
        .first()
    )
    if maya is not None and maya.user is not None and not maya.development_plans.exists():
        try:
            services.propose_plan_from_gaps(actor=maya.user, person=maya, limit=3)
        except DomainError:
            return added  # no gaps to plan for
        added = True
    return added
