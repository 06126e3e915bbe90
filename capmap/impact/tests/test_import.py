"""CSV import of activity: all rows or none, each mistake with its row number."""

import pytest

from capmap.core.importing import ImportRejected
from capmap.impact import services
from capmap.impact.models import ActivityRecord
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    ann = PersonFactory(
        employer=t.practice_a,
        email="ann@example.nhs.uk",
        registration_body="GPhC",
        registration_number="2087654",
    )
    stranger = PersonFactory(employer=t.practice_b, email="zed@example.nhs.uk")
    return manager, ann, stranger


def test_good_file_imports_every_row(setting):
    manager, ann, _ = setting
    content = (
        b"person,activity,period,count,minutes\n"
        b"ann@example.nhs.uk,Structured medication reviews,2026-01,12,600\n"
        b"2087654,referrals-avoided,2026-01-05,3,\n"
    )
    result = services.import_activity_csv(actor=manager, content=content)
    assert (result.created, result.updated) == (2, 0)
    assert ActivityRecord.objects.filter(person=ann).count() == 2


def test_one_bad_row_means_nothing_is_imported_and_each_error_names_its_row(setting):
    manager, _, _ = setting
    content = (
        b"person,activity,period,count,minutes\n"
        b"ann@example.nhs.uk,Structured medication reviews,2026-01,12,600\n"
        b"zed@example.nhs.uk,Structured medication reviews,2026-01,1,\n"
        b"ann@example.nhs.uk,Juggling,2026-01,1,\n"
        b"ann@example.nhs.uk,referrals-avoided,2026-01-06,1,\n"
        b"ann@example.nhs.uk,referrals-avoided,2026-02,-4,\n"
        b"ann@example.nhs.uk,Structured medication reviews,2026-01,3,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.import_activity_csv(actor=manager, content=content)
    rows = {e.row_number: e.message for e in rejected.value.errors}
    assert set(rows) == {3, 4, 5, 6, 7}
    assert "zed@example.nhs.uk" in rows[3]  # another PCN's staff are not found
    assert "Juggling" in rows[4]
    assert "Monday" in rows[5]
    assert "whole number" in rows[6]
    assert "Row 2" in rows[7]
    assert not ActivityRecord.objects.exists()


def test_file_without_the_columns_is_refused(setting):
    manager, _, _ = setting
    with pytest.raises(services.DomainError, match="person, activity, period, count"):
        services.import_activity_csv(actor=manager, content=b"name,number\nann,1\n")
