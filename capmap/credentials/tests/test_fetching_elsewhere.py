"""Credentials from another site: its issuer's status list is fetched (through the
safeguarded fetcher, from a little local site standing in for the issuer's), kept for a
day, and re-checked daily by `capmap recheck-credentials`; a revocation there withdraws
the level here. A failed fetch alone changes nothing. Outsiders see nothing."""

import io
import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from capmap.assessments.models import CurrentCapability
from capmap.core.tests.local_site import Page, local_site
from capmap.credentials import accepting, services
from capmap.credentials.models import (
    AcceptedCredential,
    AcceptedCredentialCheck,
    CountedLevel,
    FetchedStatusList,
)
from capmap.credentials.vc.dataintegrity import sign
from capmap.credentials.vc.statuslist import status_entry, status_list_credential

from .helpers import signed_off

SEED = bytes(range(32))  # the other site's signing key
ISSUER = {"id": "https://trust.example.org/issuers/9", "type": ["Profile"], "name": "Northshire"}
INDEX = 5


class OtherSite:
    """An issuer elsewhere: its credentials and the status list it publishes."""

    def __init__(self, site):
        self.site = site
        self.list_url = site.url("/status/1")
        self.publish(revoked=set())

    def publish(self, *, revoked: set[int]) -> None:
        listed = status_list_credential(
            url=self.list_url, issuer=ISSUER, revoked=revoked, valid_from="2026-11-01T00:00:00Z"
        )
        self.site.put_json(
            "/status/1",
            sign(listed, seed=SEED),
            content_type="application/vc+ld+json",
            headers={"ETag": f'"{len(revoked)}"'},
        )

    def credential_like(self, document: dict) -> dict:
        """A credential of the same achievement, issued and signed by this site."""
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        unsigned["issuer"] = ISSUER
        unsigned["credentialStatus"] = status_entry(list_url=self.list_url, index=INDEX)
        return sign(unsigned, seed=SEED)


@pytest.fixture
def other(settings):
    with local_site() as site:
        settings.CAPMAP_FETCH_ALLOW_LOCAL = [(site.host, site.port)]
        yield OtherSite(site)


@pytest.fixture
def from_elsewhere(w, other):
    """MED.1 at level 3, as the other site issued it; its issuer recognised by the PCN."""
    issued = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    accepting.recognise_issuer(
        actor=w.manager, organisation=w.orgs.pcn_a, issuer_id=ISSUER["id"], name="Northshire"
    )
    return other.credential_like(issued.document)


def accept(w, person, document) -> AcceptedCredential:
    return accepting.accept_credential(
        actor=w.manager, person=person, raw=json.dumps(document).encode()
    )


def level_of(person, competency) -> int | None:
    current = CurrentCapability.objects.filter(person=person, competency=competency).first()
    return current.level if current else None


def a_day_passes() -> None:
    """Move every check and the held status list back past the day they stay fresh."""
    earlier = timezone.now() - timedelta(hours=25)
    AcceptedCredential.objects.update(accepted_at=earlier)
    AcceptedCredentialCheck.objects.update(checked_at=earlier)
    FetchedStatusList.objects.update(fetched_at=earlier)


def recheck() -> str:
    out = io.StringIO()
    call_command("recheck_credentials", stdout=out)
    return out.getvalue()


def test_revocation_at_the_other_site_is_noticed_by_the_daily_recheck(
    w, newcomer, other, from_elsewhere
):
    accepted = accept(w, newcomer, from_elsewhere)
    med1 = w.competencies[0]
    assert accepted.verified and not accepted.revoked and accepted.status_note == ""
    assert level_of(newcomer, med1) == 3
    assert other.site.hits("/status/1") == 1
    second = accept(w, w.pharmacist, from_elsewhere)  # one fetch serves many credentials
    assert second.verified and other.site.hits("/status/1") == 1

    other.publish(revoked={INDEX})
    a_day_passes()
    printed = recheck()

    assert "Nia Okafor: MED.1 Reconcile medicines" in printed
    assert "no longer counts: Revoked by its issuer." in printed
    assert "Checked 2 accepted credentials again; 2 changed." in printed
    assert other.site.hits("/status/1") == 2
    assert other.site.requests[-1][1]["If-None-Match"] == '"0"'
    assert level_of(newcomer, med1) is None
    check = accepted.checks.first()
    assert check.revoked and not check.verified and check.checked_by is None
    counted = CountedLevel.objects.get(accepted=accepted)
    assert counted.withdrawn_because == "Revoked by its issuer."
    assert LogEntry.objects.get_for_object(check).get().additional_data["organisation_path"]

    assert recheck().strip() == "Checked 0 accepted credentials again; nothing changed."
    assert other.site.hits("/status/1") == 2


def test_check_again_fetches_the_list_once_it_is_a_day_old(
    w, newcomer, other, from_elsewhere, client
):
    accepted = accept(w, newcomer, from_elsewhere)
    client.force_login(w.manager)
    check = reverse("credentials:check_accepted_credential", args=[newcomer.pk, accepted.pk])
    client.post(check)
    assert other.site.hits("/status/1") == 1  # still fresh
    other.publish(revoked={INDEX})
    FetchedStatusList.objects.update(fetched_at=timezone.now() - timedelta(hours=25))
    client.post(check)
    assert other.site.hits("/status/1") == 2
    page = client.get(reverse("credentials:accept_credential", args=[newcomer.pk]))
    assert "Revoked by its issuer." in page.content.decode()


def test_a_failed_fetch_keeps_the_standing_until_the_grace_days_run_out(
    w, newcomer, other, from_elsewhere, settings
):
    accept(w, newcomer, from_elsewhere)
    other.site.pages["/status/1"] = Page(b"down", content_type="text/plain", status=503)
    a_day_passes()
    printed = recheck()
    assert "Checked 1 accepted credential again; nothing changed." in printed
    assert "Not fully checked: MED.1 Reconcile medicines from Northshire." in printed
    assert "answered with status 503" in printed and "Its copy fetched on" in printed
    assert level_of(newcomer, w.competencies[0]) == 3

    FetchedStatusList.objects.update(
        fetched_at=timezone.now() - timedelta(days=settings.CAPMAP_STATUS_LIST_GRACE_DAYS + 1)
    )
    a_day_passes_for_checks_only = timezone.now() - timedelta(hours=25)
    AcceptedCredentialCheck.objects.update(checked_at=a_day_passes_for_checks_only)
    printed = recheck()
    assert "no longer counts: It did not pass every check" in printed
    assert "No fetch has succeeded for more than 7 days" in printed
    assert level_of(newcomer, w.competencies[0]) is None


def test_accept_by_link_fetches_the_credential_from_the_other_site(
    w, newcomer, other, from_elsewhere, client
):
    link = other.site.put_json(
        "/credentials/42", from_elsewhere, content_type="application/ld+json"
    )
    client.force_login(w.manager)
    url = reverse("credentials:accept_credential", args=[newcomer.pk])
    assert client.post(url, {"link": link}).status_code == 302
    accepted = AcceptedCredential.objects.get()
    assert accepted.document == from_elsewhere and accepted.issuer_name == "Northshire"
    assert level_of(newcomer, w.competencies[0]) == 3


def test_another_organisation_sees_nothing_of_the_accepted_credential(
    w, newcomer, other, from_elsewhere, client
):
    accepted = accept(w, newcomer, from_elsewhere)
    client.force_login(w.other_admin)
    page = reverse("credentials:accept_credential", args=[newcomer.pk])
    assert client.get(page).status_code == 404
    for name in ("check_accepted_credential", "remove_accepted_credential"):
        assert (
            client.post(reverse(f"credentials:{name}", args=[newcomer.pk, accepted.pk])).status_code
            == 404
        )
    a_day_passes()
    assert accepting.recheck_accepted_credentials(actor=w.other_admin) == []
    assert not accepted.checks.exists()


def test_the_public_verification_page_fetches_the_other_issuers_list(
    w, other, from_elsewhere, client
):
    other.publish(revoked={INDEX})
    page = client.post(
        reverse("credentials:verify_credential"), {"text": json.dumps(from_elsewhere)}
    ).content.decode()
    assert "the issuer has withdrawn this credential" in page
    assert other.site.hits("/status/1") == 1
    other.site.pages["/status/1"] = Page(b"down", content_type="text/plain", status=503)
    FetchedStatusList.objects.all().delete()
    page = client.post(
        reverse("credentials:verify_credential"), {"text": json.dumps(from_elsewhere)}
    ).content.decode()
    assert "This credential is genuine, but whether it still holds could not be checked" in page
    assert "answered with status 503" in page


def test_the_command_line_fetches_only_when_asked(w, other, from_elsewhere, tmp_path):
    other.publish(revoked={INDEX})
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(from_elsewhere))
    out = io.StringIO()
    with pytest.raises(SystemExit) as offline:
        call_command("verify_credential", str(path), "--json", stdout=out)
    assert offline.value.code == 0 and other.site.hits("/status/1") == 0
    out = io.StringIO()
    with pytest.raises(SystemExit) as online:
        call_command("verify_credential", str(path), "--json", "--online", stdout=out)
    assert online.value.code == 1 and json.loads(out.getvalue())["revoked"] is True


def test_a_status_list_on_a_private_address_is_refused_and_the_record_says_why(
    w, newcomer, other, from_elsewhere
):
    document = {k: v for k, v in from_elsewhere.items() if k != "proof"}
    document["credentialStatus"] = status_entry(list_url="https://192.168.0.10/s/1", index=1)
    accepted = accept(w, newcomer, sign(document, seed=SEED))
    assert accepted.verified  # an unchecked status alone does not stop it counting yet
    assert accepted.status_note == (
        "Its status list could not be fetched: The address https://192.168.0.10/s/1 is on a "
        "private network (192.168.0.10), so it was not fetched."
    )
    assert level_of(newcomer, w.competencies[0]) == 3
    held = FetchedStatusList.objects.get()
    assert held.document is None and held.failing_since is not None


def test_a_dead_site_is_tried_once_for_many_credentials(w, newcomer, other, from_elsewhere):
    accept(w, newcomer, from_elsewhere)
    accept(w, w.pharmacist, from_elsewhere)
    other.site.pages["/status/1"] = Page(b"down", content_type="text/plain", status=503)
    a_day_passes()
    printed = recheck()
    assert printed.count("answered with status 503") == 2
    assert other.site.hits("/status/1") == 2  # the first accept, then one failed try
