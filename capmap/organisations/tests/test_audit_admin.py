"""The Django admin shows audit entries but can neither change nor delete them."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.accounts.models import User
from capmap.organisations import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(t, pcn_admin):
    services.create_organisation(actor=pcn_admin, name="Kept", kind="practice", parent=t.pcn_a)
    return LogEntry.objects.latest("timestamp")


@pytest.fixture
def superuser_client(client):
    superuser = User.objects.create_superuser(email="root@example.nhs.uk", password="x" * 16)
    client.force_login(superuser)
    return client


def test_superuser_can_read_but_not_change_an_entry(entry, superuser_client):
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    superuser_client.post(change_url, {"object_repr": "Tampered"})
    entry.refresh_from_db()
    assert entry.object_repr == "Kept"


def test_superuser_cannot_delete_or_add_entries(entry, superuser_client):
    delete_url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert superuser_client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
