"""Recognising an issuer, or no longer recognising it, settles every accepted credential
of that issuer in the organisation in a few queries, whatever the number of people, with
the same levels, withdrawals, revocations and audit entries as settling them one by one."""

import json
from collections import Counter

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.credentials import accepting, completions
from capmap.credentials.models import (
    AcceptedCredentialCheck,
    CountedLevel,
    RecognisedIssuer,
    Revocation,
)
from capmap.people.tests.factories import PersonFactory

from .helpers import hold, own_sign_off, recognise


def holder(w, organisation=None):
    return PersonFactory(
        employer=organisation or w.orgs.practice_a, job_role=w.pharmacist.job_role, stage="junior"
    )


def test_recognising_an_issuer_costs_the_same_queries_for_2_or_12_people(
    w, credential, django_assert_max_num_queries
):
    for _ in range(2):
        hold(w, holder(w), credential.document)

    def queries_to_recognise_and_stop() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as recognising:
            recognised = recognise(w, credential)
        with CaptureQueriesContext(connection) as stopping:
            accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised)
        return len(recognising), len(stopping)

    queries_to_recognise_and_stop()  # warm Django's own caches (content types...)
    few = queries_to_recognise_and_stop()
    for _ in range(10):
        hold(w, holder(w), credential.document)
    assert queries_to_recognise_and_stop() == few
    elsewhere = CurrentCapability.objects.filter(event__verified_elsewhere_by__gt="")
    assert not elsewhere.exists()
    with django_assert_max_num_queries(40):
        recognised = recognise(w, credential)
    assert elsewhere.filter(level=3).count() == 12
    with django_assert_max_num_queries(40):
        accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised)
    assert not elsewhere.exists()


def _event(event):
    if event is None:
        return None
    return (
        event.person_id,
        event.competency_id,
        event.level,
        event.verified_elsewhere_by,
        event.signed_by_id,
        _event(event.withdraws),
    )


STABLE_CHANGES = ("level", "verified_elsewhere_by", "withdrawn_because", "reason")


def _outcome(audit_from: int) -> dict:
    """Everything settling changes, named by what it is rather than by new primary keys."""
    events = CapabilityEvent.objects.select_related("withdraws")
    current = CurrentCapability.objects.select_related("event__withdraws")
    counted = CountedLevel.objects.select_related("event__withdraws")
    audit = LogEntry.objects.filter(pk__gt=audit_from).select_related("content_type")
    return {
        "events": Counter(_event(e) for e in events),
        "current": sorted(
            (c.person_id, c.competency_id, c.level, c.signed_by_id, _event(c.event))
            for c in current
        ),
        "counted": sorted(
            (c.accepted_id, _event(c.event), c.withdrawn_at is not None, c.withdrawn_because)
            for c in counted
        ),
        "revocations": sorted(
            (c.person_id, c.subject_key, c.competency_id, r.reason, r.revoked_by_id)
            for r in Revocation.objects.select_related("credential")
            for c in [r.credential]
        ),
        "audit": Counter(
            (
                e.content_type.model,
                e.action,
                e.object_repr,
                e.actor_id,
                json.dumps(e.additional_data, sort_keys=True),
                json.dumps(
                    {
                        k: v if k in STABLE_CHANGES else "…"
                        for k, v in (e.changes if isinstance(e.changes, dict) else {}).items()
                    },
                    sort_keys=True,
                ),
            )
            for e in audit
        ),
    }


def _settled(w, credential, completer) -> tuple[dict, dict]:
    """What recognising the issuer changes, then what stopping changes (after the person
    `completer` is issued a role-profile credential resting on the level), then undone."""
    with transaction.atomic():
        start = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        recognised = recognise(w, credential)
        given = _outcome(start)
        completions.issue_completion(
            actor=w.manager, person=completer, subject_key=f"role_profile:{w.profile.pk}"
        )
        middle = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised)
        withdrawn = _outcome(middle)
        transaction.set_rollback(True)
    return given, withdrawn


def test_settling_an_issuer_at_once_matches_settling_its_credentials_one_by_one(
    w, credential, monkeypatch
):
    med1, med2, med3 = w.competencies
    document = credential.document
    hold(w, holder(w), document)  # no level of their own
    lower = holder(w)
    own_sign_off(w, lower, med1, 1)  # given 3, then back to their own 1
    hold(w, lower, document)
    higher = holder(w)
    own_sign_off(w, higher, med1, 4)  # never lowered: given nothing
    hold(w, higher, document)
    twice = holder(w)  # the same credential accepted twice: one level
    hold(w, twice, document)
    hold(w, twice, document)
    hold(w, holder(w), document, revoked=True)
    removed = hold(w, holder(w), document)
    AcceptedCredentialCheck.objects.create(
        accepted=removed, removed=True, verified=False, revoked=False
    )
    unaligned = json.loads(json.dumps(document))
    del unaligned["credentialSubject"]["achievement"]["alignment"]
    hold(w, holder(w), unaligned)
    completer = holder(w)  # the level completes their role profile
    own_sign_off(w, completer, med2, 2)
    own_sign_off(w, completer, med3, 2)
    hold(w, completer, document)
    hold(w, holder(w, w.orgs.practice_b), document)  # under another PCN: untouched

    at_once = _settled(w, credential, completer)

    def one_by_one(*, actor, accepted):
        for each in accepted:
            accepting.settle(actor=actor, accepted=each)

    monkeypatch.setattr(accepting, "settle_all", one_by_one)
    one_at_a_time = _settled(w, credential, completer)
    for step, (by_one, at_once_step) in enumerate(zip(one_at_a_time, at_once, strict=True)):
        for what, rows in at_once_step.items():
            assert by_one[what] == rows, (["recognising", "stopping"][step], what)
    given, withdrawn = at_once
    assert len(given["current"]) == 4 + 3 + 1  # own levels, and 3 given elsewhere (+ higher's 4)
    assert sum(1 for c in given["counted"] if not c[2]) == 4
    assert [r[3] for r in withdrawn["revocations"]] == [
        "A level it rests on, verified elsewhere by Riverside Surgery, no longer counts: "
        "Its issuer is not on your recognised issuers list."
    ]


def test_only_a_manager_of_the_organisation_recognises_an_issuer(w, credential, client):
    person = holder(w)
    hold(w, person, credential.document)
    url = reverse("credentials:list_recognised_issuers", args=[w.orgs.pcn_a.pk])
    form = {"issuer_id": credential.document["issuer"]["id"], "name": "Previous practice"}
    client.force_login(w.other_admin)
    assert client.post(url, form).status_code == 404
    client.force_login(w.viewer)
    assert client.post(url, form).status_code == 403
    assert not RecognisedIssuer.objects.exists()
    assert not CurrentCapability.objects.filter(person=person).exists()
    client.force_login(w.manager)
    assert client.post(url, form).status_code == 302
    assert CurrentCapability.objects.get(person=person).level == 3
