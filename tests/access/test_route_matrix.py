"""The persona x route access matrix: every route of the URL configuration and every path of
the API schema, tried by every persona, answers as the policy table (policy.py) says.

Routes come from Django's resolver and the API's OpenAPI document, so a new route without a
matrix entry fails here. One world (world.py) is built per module inside a transaction that
is rolled back at the end; each POST runs in its own rolled-back savepoint, and a refused
POST must leave every table as it was.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capmap.api.endpoints import api

from .policy import OPEN_TO_ANONYMOUS, POLICY
from .routes import API_OBJECTS, ROUTE_LISTS, ROUTE_OBJECTS, Case
from .world import PERSONAS, build_world

# Routes outside the matrix, and why.
EXCLUDED_PREFIXES = {
    "django-admin/": "Django's admin: only superusers, guarded by Django itself",
    "accounts/": "django-allauth's sign-in pages: the same for everyone, no tenant data",
    "static/": "static files carry no tenant data",
}
# Pages anyone may open signed out.
PUBLIC_ROUTES = {
    "core:healthz",
    "core:readyz",
    "placements:survey_thanks",
    "placements:answer_survey",
    "api-v1:openapi-json",
    # The CASE 1.0 API: the published shared library, open to anyone.
    "case-v1p0:list_cf_documents",
    "case-v1p0:openapi-json",
    "credentials:verify_credential",  # anyone verifies a credential (branch creds)
    "did_document",  # /.well-known/did.json
}

# Cells where the product still answers differently from the policy table. The matrix
# asserts the CURRENT answer for these and fails once a cell agrees, so the set only ever
# shrinks. It is empty: every cell answers as the policy says. A cell added here must say
# why, and only while a product decision is pending.
# Key: (route name + optional " [case label]", persona, method).
KNOWN_POLICY_GAPS: set[tuple[str, str, str]] = set()


def walk(resolver=None, prefix: str = "", namespace: str = ""):
    """(route pattern, route name, has parameters) for every URL the project serves."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry, pattern, inner)
        elif isinstance(entry, URLPattern):
            has_parameters = bool(entry.pattern.regex.groupindex) or "<" in pattern
            yield pattern, namespace + (entry.name or ""), has_parameters


def matrix_routes():
    for pattern, name, has_parameters in walk():
        if any(pattern.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        yield pattern, name, has_parameters


def api_paths() -> list[str]:
    return sorted(api.get_openapi_schema(path_prefix="/api/v1/")["paths"])


# --- coverage: every route has an entry -------------------------------------------------


def test_every_route_with_an_object_has_a_matrix_entry():
    missing = [
        f"{name} ({pattern})"
        for pattern, name, has_parameters in matrix_routes()
        if has_parameters and not name.startswith("api-v1:") and name not in ROUTE_OBJECTS
    ]
    assert not missing, "Add these routes to ROUTE_OBJECTS in tests/access/routes.py: " + (
        ", ".join(missing)
    )


def test_every_api_path_with_an_object_has_a_matrix_entry():
    missing = [path for path in api_paths() if "{" in path and path not in API_OBJECTS]
    assert not missing, "Add these API paths to API_OBJECTS in tests/access/routes.py: " + (
        ", ".join(missing)
    )


def test_matrix_entries_name_routes_that_exist():
    names = {name for _, name, _ in matrix_routes()}
    stale = sorted((set(ROUTE_OBJECTS) | set(ROUTE_LISTS)) - names)
    assert not stale, f"These matrix entries name no route: {stale}"
    assert not set(API_OBJECTS) - set(api_paths())


# --- the world --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        w.clients = {}
        for persona in PERSONAS:
            client = Client()
            if w.users[persona] is not None:
                client.force_login(w.users[persona])
            w.clients[persona] = client
        yield w
        transaction.set_rollback(True)


def client_of(world, persona: str) -> Client:
    """The persona's signed-in client, holding no message from an earlier cell: a POST's
    message waits in a cookie (not rolled back with the database) and would show on the
    next page, whichever test draws it."""
    client = world.clients[persona]
    client.cookies.pop(CookieStorage.cookie_name, None)
    return client


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Tables a refused POST must leave as they were (the audit trail among them).
TRACKED_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label not in {"sessions", "contenttypes", "django_tasks_database"}
    and model._meta.managed
]


def snapshot() -> dict[str, int]:
    """Row counts of every tracked table, in one query (it runs for each refused POST)."""
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in TRACKED_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # table names from the models, not from input
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(TRACKED_MODELS, row, strict=True)}


# --- expectations -----------------------------------------------------------------------

LOGIN = "login"
ALLOWED = "allowed"


def expected(kind: str, persona: str, method: str, *, api_route: bool = False):
    """What the policy table says this persona gets: LOGIN/401, 200/ALLOWED, 403 or 404."""
    kind, _, form = kind.partition(":")
    rule = POLICY[kind]
    if persona == "anonymous" and kind not in OPEN_TO_ANONYMOUS:
        return 401 if api_route else LOGIN
    if method == "GET" and not form:
        return 200 if persona in rule.see else 404
    if persona in rule.change:
        return 200 if method == "GET" else ALLOWED
    return rule.refused if persona in rule.see else 404


def outcome(response) -> object:
    """The response reduced to what the policy speaks of."""
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def agrees(want, got, ok=(302,)) -> bool:
    if want == ALLOWED:
        return got in ok
    return want == got


def cell_key(name: str, case: Case, persona: str, method: str) -> tuple[str, str, str]:
    return (f"{name} [{case.label}]" if case.label else name, persona, method)


def check_cells(world, name: str, case: Case, url: str, *, api_route: bool = False) -> list:
    """Try every persona on one URL; return the cells that disagree with policy and gaps."""
    wrong = []
    for method, kind in (("GET", case.get), ("POST", case.post)):
        if kind is None:
            continue
        for persona in PERSONAS:
            want = expected(kind, persona, method, api_route=api_route)
            key = cell_key(name, case, persona, method)
            client = client_of(world, persona)
            headers = {}
            if api_route and persona != "anonymous":
                headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[persona]}"
            with rolled_back():
                before = snapshot() if method == "POST" and want != ALLOWED else None
                if method == "GET":
                    response = client.get(url, **headers)
                else:
                    response = client.post(url, case.data(world), **headers)
                got = outcome(response)
                if before is not None:
                    after = snapshot()
                    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                    if changed and key not in KNOWN_POLICY_GAPS:
                        wrong.append((key, f"refused but changed {changed}"))
            matches = agrees(want, got, case.ok)
            if key in KNOWN_POLICY_GAPS:
                if matches:
                    wrong.append((key, f"now agrees with the policy ({got}): remove the gap"))
            elif not matches:
                wrong.append((key, f"expected {want}, got {got}"))
    return wrong


def route_cases():
    for name, cases in sorted(ROUTE_OBJECTS.items()):
        for case in cases:
            yield pytest.param(name, case, id=f"{name}[{case.label}]" if case.label else name)


@pytest.mark.parametrize(("name", "case"), list(route_cases()))
def test_route_answers_each_persona_as_the_policy_says(world, db, name, case):
    url = reverse(name, kwargs=case.kwargs(world))
    wrong = check_cells(world, name, case, url)
    assert not wrong, "\n".join(f"{key}: {why}" for key, why in wrong)


def api_cases():
    for path, cases in sorted(API_OBJECTS.items()):
        for case in cases:
            yield pytest.param(path, case, id=f"{path}[{case.label}]" if case.label else path)


@pytest.mark.parametrize(("path", "case"), list(api_cases()))
def test_api_path_answers_each_persona_as_the_policy_says(world, db, path, case):
    url = re.sub(r"\{(\w+)\}", lambda m: str(case.kwargs(world)[m.group(1)]), path)
    wrong = check_cells(world, path, case, url, api_route=True)
    assert not wrong, "\n".join(f"{key}: {why}" for key, why in wrong)


# --- pages without an object -------------------------------------------------------------


def plain_routes():
    for pattern, name, has_parameters in matrix_routes():
        # A NinjaAPI's root (docs are off) answers 404 to everyone: no page to guard.
        if name == "case-v1p0:api-root":
            continue
        if not has_parameters and name and not name.startswith("api-v1:"):
            yield name


@pytest.mark.parametrize("name", sorted(plain_routes()))
def test_page_without_an_object_sends_signed_out_users_to_sign_in(world, db, name):
    got = outcome(world.clients["anonymous"].get(reverse(name)))
    if name in PUBLIC_ROUTES:
        assert got in (200, 302), got
    else:
        assert got == LOGIN


@pytest.mark.parametrize("name", sorted(ROUTE_LISTS))
def test_list_shows_tenant_data_only_to_its_readers(world, db, name):
    listing = ROUTE_LISTS[name]
    api_route = name.startswith("api-v1:")
    marker = listing.marker(world)
    readers = POLICY[listing.kind].see
    wrong = []
    for persona in PERSONAS:
        headers = {}
        if api_route and persona != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[persona]}"
        url = reverse(name)
        if listing.query(world):
            url += "?" + listing.query(world)
        response = client_of(world, persona).get(url, **headers)
        got = outcome(response)
        shown = got == 200 and marker in response.content.decode()
        key = (name, persona, "GET")
        if persona == "anonymous":
            matches = got == (401 if api_route else LOGIN)
        else:
            matches = shown == (persona in readers) and got in (200, 403, 404)
        if key in KNOWN_POLICY_GAPS:
            if matches:
                wrong.append(f"{key}: now agrees with the policy: remove the gap")
        elif not matches:
            wrong.append(f"{key}: got {got}, {'shows' if shown else 'hides'} {marker!r}")
    assert not wrong, "\n".join(wrong)
