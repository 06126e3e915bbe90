"""Synthetic training catalogue and development plans on top of capability.synthetic."""

from __future__ import annotations

import datetime
import random

from capmap.assessments.models import CurrentCapability
from capmap.capability.synthetic import BATCH, TOPICS, Built
from capmap.frameworks.models import Competency
from capmap.people.models import Person

from .models import (
    DevelopmentPlan,
    Objective,
    ObjectiveState,
    PlanState,
    PlanStatus,
    TrainingFormat,
    TrainingItem,
)

PROVIDERS = ["NHS England e-Learning for Healthcare", "CPPE", "Training hub", "Royal college"]


def add_training_and_plans(built: Built, *, seed: int) -> dict[str, int]:
    rng = random.Random(seed * 7919 + 1)
    competency_ids = list(
        Competency.objects.filter(version__framework__slug=f"synthetic-core-{seed}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    items = TrainingItem.objects.bulk_create(
        [
            TrainingItem(
                title=f"{rng.choice(TOPICS).capitalize()} in practice ({seed}.{n + 1})",
                provider=rng.choice(PROVIDERS),
                format=rng.choice(TrainingFormat.values),
                hours=rng.choice([1, 2, 3, 6, 12, 30]),
                cost=rng.choice([0, 0, 0, 45, 120, 350]),
            )
            for n in range(40)
        ]
    )
    through = TrainingItem.competencies.through
    through.objects.bulk_create(
        [
            through(trainingitem_id=item.pk, competency_id=c)
            for item in items
            for c in rng.sample(competency_ids, 4)
        ],
        batch_size=BATCH,
    )
    people = list(
        Person.objects.filter(employer__path__startswith=built.ics.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(people, max(1, len(people) // 5)))
    # Where each chosen person is below level 3: the competencies their objectives build.
    low = dict(
        CurrentCapability.objects.filter(person_id__in=chosen, level__lt=3)
        .order_by("person_id", "competency_id")
        .values_list("person_id", "competency_id")
    )
    plans = DevelopmentPlan.objects.bulk_create(
        [DevelopmentPlan(person_id=pk) for pk in chosen], batch_size=BATCH
    )
    # Every plan starts proposed (the workflow's first status); about half are agreed.
    agreed = [plan for plan in plans if rng.choice([False, True])]
    PlanStatus.objects.bulk_create(
        [PlanStatus(plan=plan, status=PlanState.PROPOSED) for plan in plans]
        + [PlanStatus(plan=plan, status=PlanState.AGREED) for plan in agreed],
        batch_size=BATCH,
    )
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                plan=plan,
                specific=f"Reach level 3 in {rng.choice(TOPICS)}",
                measure="A supervisor verifies the level at the next cycle.",
                support="Training and supervised practice",
                due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 540)),
                progress=rng.choice([0, 20, 50, 80]),
                status=rng.choice([ObjectiveState.NOT_STARTED, ObjectiveState.IN_PROGRESS]),
            )
            for plan in plans
            for _ in range(2)
        ],
        batch_size=BATCH,
    )
    links = Objective.competencies.through
    links.objects.bulk_create(
        [
            links(objective_id=o.pk, competency_id=low.get(o.plan.person_id, competency_ids[0]))
            for o in objectives
        ],
        batch_size=BATCH,
    )
    return {"training items": len(items), "plans": len(plans), "objectives": len(objectives)}
