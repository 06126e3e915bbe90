"""Fixtures for the organisation pages: a small ICS and people with roles in it."""

import pytest

from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree


@pytest.fixture
def t(db):
    """North East Test ICS > Riverside PCN (A) and Hillside PCN (B), each with a practice."""
    return tree()


def member(organisation, role: str = Role.ADMIN):
    return MembershipFactory(organisation=organisation, role=role).user


@pytest.fixture
def pcn_admin(t):
    """An admin of Riverside PCN (ours)."""
    return member(t.pcn_a, Role.ADMIN)


@pytest.fixture
def other_pcn_admin(t):
    """An admin of Hillside PCN, who must see nothing of Riverside."""
    return member(t.pcn_b, Role.ADMIN)


@pytest.fixture
def ics_admin(t):
    return member(t.ics, Role.ADMIN)


@pytest.fixture
def as_user(client):
    """Sign the test client in as a user and return it."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def row_headers(response) -> list[str]:
    """The text of each row header (<th scope="row">) in the page's tables, tags stripped."""
    import html as html_lib
    import re

    cells = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', response.content.decode(), re.S)
    texts = []
    for cell in cells:
        cell = re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>', "", cell, flags=re.S)
        # A responsive table repeats its column heading in each cell for phones, hidden from
        # screen readers (aria-hidden): it is not the row's name.
        cell = re.sub(r'<span class="nhsuk-table__heading"[^>]*>.*?</span>', "", cell, flags=re.S)
        texts.append(html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split())))
    return texts


def audit_trail(client, user, object_type: str) -> str:
    """The audit trail page as `user` sees it, filtered to one "app_label.model" type."""
    from django.urls import reverse

    client.force_login(user)
    response = client.get(reverse("organisations:list_audit_events"), {"object_type": object_type})
    assert response.status_code == 200
    return response.content.decode()
