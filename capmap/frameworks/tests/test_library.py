"""The starter library loads completely, once."""

import pytest

from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import (
    CarePathway,
    Competency,
    Domain,
    Framework,
    RoleProfile,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def test_starter_library_has_six_shared_frameworks_of_the_right_size():
    assert load_starter_library() == {"frameworks": 6, "pathways": 3}
    for framework in Framework.objects.all():
        version = framework.versions.get()
        assert framework.owner is None and version.status == VersionStatus.PUBLISHED
        assert 4 <= Domain.objects.filter(version=version).count() <= 8
        assert 15 <= Competency.objects.filter(version=version).count() <= 40


def test_starter_library_loads_once():
    load_starter_library()
    assert load_starter_library() == {"frameworks": 0, "pathways": 0}
    assert Framework.objects.count() == 6


def test_clinical_pharmacists_have_junior_and_senior_profiles():
    load_starter_library()
    stages = RoleProfile.objects.filter(job_role__slug="clinical-pharmacist").values_list(
        "stage", flat=True
    )
    assert sorted(stages) == ["junior", "senior"]
    senior = RoleProfile.objects.get(job_role__slug="clinical-pharmacist", stage="senior")
    assert senior.requirements.count() == 21


def test_diabetes_and_heart_failure_pathways_list_capabilities():
    load_starter_library()
    diabetes = CarePathway.objects.get(slug="type-2-diabetes-mdt")
    assert diabetes.capabilities.count() == 7
    assert (
        CarePathway.objects.get(slug="heart-failure-mdt")
        .capabilities.filter(people_needed__gte=1)
        .exists()
    )


def test_respiratory_pathway_lists_inhaler_and_long_term_condition_capabilities():
    load_starter_library()
    respiratory = CarePathway.objects.get(slug="respiratory-mdt")
    codes = set(respiratory.capabilities.values_list("competency__code", flat=True))
    assert {"CP.B5", "PT.B3", "PT.B1", "CC.D2"} <= codes
    assert respiratory.capabilities.count() == 8
