import pytest


def test_healthz_answers_without_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_when_the_database_does(client):
    response = client.get("/readyz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_unknown_page_gets_the_nhs_styled_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"nhsuk-header" in response.content
