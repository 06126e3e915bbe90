"""An admin of another PCN reaches none of our organisation pages, by GET or POST."""

import pytest
from django.urls import reverse

from capmap.organisations.models import Membership, Organisation, Role
from capmap.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def our_urls(t):
    ours = MembershipFactory(organisation=t.practice_a, role=Role.VIEWER)
    return [
        reverse("organisations:show_organisation", args=[t.practice_a.pk]),
        reverse("organisations:edit_organisation", args=[t.practice_a.pk]),
        reverse("organisations:delete_organisation", args=[t.practice_a.pk]),
        reverse("organisations:list_members", args=[t.practice_a.pk]),
        reverse("organisations:add_member", args=[t.practice_a.pk]),
        reverse("organisations:change_member_role", args=[t.practice_a.pk, ours.pk]),
        reverse("organisations:remove_member", args=[t.practice_a.pk, ours.pk]),
        # Their own organisation in the URL does not open our membership either.
        reverse("organisations:change_member_role", args=[t.pcn_b.pk, ours.pk]),
        reverse("organisations:remove_member", args=[t.pcn_b.pk, ours.pk]),
    ]


def test_every_page_of_ours_is_404_for_an_admin_of_another_pcn(t, other_pcn_admin, as_user):
    client = as_user(other_pcn_admin)
    urls = our_urls(t)
    before = (Organisation.objects.count(), Membership.objects.count())
    for url in urls:
        for method in (client.get, client.post):
            response = method(url, {"role": "admin", "name": "Taken", "email": "x@nhs.net"})
            get_only = url.endswith((f"/{t.practice_a.pk}/", "/members/"))
            expected = {404, 405} if get_only and method == client.post else {404}
            assert response.status_code in expected, (method.__name__, url)
            assert "Riverside" not in response.content.decode()
    assert (Organisation.objects.count(), Membership.objects.count()) == before
    assert Organisation.objects.get(pk=t.practice_a.pk).name == "Riverside Surgery"


def test_lists_show_nothing_of_ours_to_an_admin_of_another_pcn(t, other_pcn_admin, as_user):
    client = as_user(other_pcn_admin)
    for url, query in [
        (reverse("organisations:list_organisations"), {}),
        (reverse("organisations:list_organisations"), {"q": "Riverside"}),
        (reverse("organisations:list_organisations"), {"kind": "practice"}),
        (reverse("organisations:list_audit_events"), {}),
        (reverse("organisations:create_organisation"), {}),
    ]:
        html = client.get(url, query).content.decode()
        assert "Riverside PCN" not in html, url
        assert "Riverside Surgery" not in html, url
