import pytest
from django.test import Client

from capmap.api.models import ApiToken
from capmap.api.services import hash_token
from capmap.core.actors import SYSTEM
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory

from .factories import bearer, token_for

pytestmark = pytest.mark.django_db


def get(path: str, raw: str | None = None, **params):
    headers = bearer(raw) if raw else {}
    return Client().get(f"/api/v1{path}", params, **headers)


def test_the_openapi_document_is_served_and_declares_bearer_auth(db):
    document = get("/openapi.json").json()
    assert "/api/v1/people/{person_id}" in document["paths"]
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    responses = document["paths"]["/api/v1/people/{person_id}"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(responses)


def test_a_valid_token_signs_the_request_in_as_its_user(w):
    response = get("/me", token_for(w.manager))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == w.manager.email
    assert body["memberships"] == [
        {
            "organisation_id": w.orgs.pcn_a.pk,
            "organisation_name": "Riverside PCN",
            "role": "manager",
        }
    ]


def test_using_a_token_records_when_it_was_last_used(w):
    raw = token_for(w.manager)
    get("/me", raw)
    assert ApiToken.objects.get(prefix=raw.split(".")[0]).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nonsense", "Bearer abc.def", "Token {raw}", "Bearer {raw}x"],
)
def test_a_missing_or_wrong_token_is_refused_with_401(w, header):
    raw = token_for(w.manager)
    headers = {"HTTP_AUTHORIZATION": header.format(raw=raw)} if header else {}
    response = Client().get("/api/v1/people", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_token_is_refused(w):
    from capmap.api.services import revoke_token

    raw = token_for(w.manager)
    revoke_token(SYSTEM, prefix=raw.split(".")[0])
    assert get("/me", raw).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(w):
    raw = token_for(w.manager)
    w.manager.is_active = False
    w.manager.save()
    assert get("/me", raw).status_code == 401


def test_the_token_is_stored_only_as_its_sha256_hash(w):
    raw = token_for(w.manager, name="reporting")
    prefix, _, secret = raw.partition(".")
    token = ApiToken.objects.get(prefix=prefix)
    assert token.secret_hash == hash_token(raw) and len(token.secret_hash) == 64
    for field in ApiToken._meta.concrete_fields:
        value = str(field.value_from_object(token))
        assert secret not in value and raw not in value


def test_people_lists_only_our_people_and_searches_them(w):
    raw = token_for(w.manager)
    body = get("/people", raw).json()
    names = {(p["first_name"], p["last_name"]) for p in body["items"]}
    assert ("Priya", "Shah") in names
    assert ("Hana", "Hillside") not in names
    assert body["count"] == len(body["items"])
    found = get("/people", raw, search="shah").json()
    assert [p["id"] for p in found["items"]] == [w.pharmacist.pk]
    assert get("/people", raw, search="hillside").json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


def test_people_are_paginated(w):
    raw = token_for(w.manager)
    first = get("/people", raw, limit=1).json()
    assert first["count"] >= 1 and len(first["items"]) == 1
    assert get("/people", raw, limit=0).status_code == 422
    assert get("/people", raw, limit=101).status_code == 422


def test_a_person_and_their_verified_capability(w):
    raw = token_for(w.manager)
    person = get(f"/people/{w.pharmacist.pk}", raw).json()
    assert person["employer"] == {"id": w.orgs.practice_a.pk, "name": "Riverside Surgery"}
    assert person["job_role"]["slug"] == "clinical-pharmacist"
    capability = get(f"/people/{w.pharmacist.pk}/capability", raw).json()
    got = {row["competency_id"]: row["level"] for row in capability}
    assert got == {c.pk: level for c, level in zip(w.competencies, (2, 1, 1), strict=True)}
    assert all(row["framework"] == "small-framework" for row in capability)


def test_a_user_of_another_pcn_gets_404_on_our_person_and_none_of_ours_in_lists(w):
    raw = token_for(w.other_admin)  # admin of Hillside PCN
    assert get(f"/people/{w.pharmacist.pk}", raw).status_code == 404
    assert get(f"/people/{w.pharmacist.pk}/capability", raw).status_code == 404
    listed = get("/people", raw).json()
    assert [p["id"] for p in listed["items"]] == [w.hillside_person.pk]
    assert get("/people", raw, search="shah").json()["count"] == 0
    organisations = {o["id"] for o in get("/organisations", raw).json()}
    assert w.orgs.pcn_b.pk in organisations
    assert not {w.orgs.pcn_a.pk, w.orgs.practice_a.pk, w.orgs.ics.pk} & organisations


def test_a_mentor_from_another_organisation_sees_only_the_person_they_mentor(w):
    raw = token_for(w.mentor)
    assert get(f"/people/{w.pharmacist.pk}", raw).status_code == 200
    assert [p["id"] for p in get("/people", raw).json()["items"]] == [w.pharmacist.pk]


def test_an_unknown_or_malformed_person_id_is_404_or_422(w):
    raw = token_for(w.manager)
    assert get("/people/999999", raw).status_code == 404
    assert get("/people/abc", raw).status_code == 422
    assert get("/people/0", raw).status_code == 422


def test_frameworks_lists_the_library_and_our_own(w):
    viewer = MembershipFactory(organisation=w.orgs.practice_b, role=Role.VIEWER).user
    slugs = {f["slug"] for f in get("/frameworks", token_for(viewer)).json()}
    assert "small-framework" in slugs


def test_an_unknown_query_parameter_is_refused_not_ignored(w):
    assert get("/people", token_for(w.manager), serch="shah").status_code == 422


def test_a_token_of_an_organisation_admin_without_an_authenticator_app_is_refused(w, settings):
    # Finding 7: with the admin MFA requirement on, a token must not be the way around it.
    settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS = True
    raw = token_for(w.other_admin)  # admin of Hillside PCN, no authenticator app
    for path in ("/me", "/people", f"/people/{w.hillside_person.pk}"):
        response = get(path, raw)
        assert response.status_code == 403, path
        assert "authenticator app" in response.json()["detail"]


def test_a_token_of_an_admin_with_an_authenticator_app_or_of_a_manager_still_works(w, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS = True
    TOTP.activate(w.other_admin, generate_totp_secret())
    assert get("/me", token_for(w.other_admin)).status_code == 200
    assert get("/me", token_for(w.manager)).status_code == 200


def test_an_admin_token_works_while_the_mfa_requirement_is_off(w, settings):
    settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS = False
    assert get("/me", token_for(w.other_admin)).status_code == 200


def test_a_viewer_gets_the_same_verified_levels_from_the_api_as_from_the_scope_page(w):
    # One rule for verified levels (ADR 0005): the API, the circle and the scope of practice.
    from django.urls import reverse

    raw = token_for(w.viewer)
    capability = get(f"/people/{w.pharmacist.pk}/capability", raw)
    assert capability.status_code == 200 and len(capability.json()) == 3
    client = Client()
    client.force_login(w.viewer)
    for name in ("assessments:show_scope_of_practice", "capability:show_circle"):
        assert client.get(reverse(name, args=[w.pharmacist.pk])).status_code == 200, name
    for name in ("assessments:show_calibration", "portfolio:list_evidence"):
        assert client.get(reverse(name, args=[w.pharmacist.pk])).status_code == 404, name
