"""A programme lead's home sums up each scheme they run; nobody else sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from capmap.config.home import home_page
from capmap.placements.tests.factories import SchemeFactory, scheme_story

pytestmark = pytest.mark.django_db


def test_a_programme_lead_sees_each_scheme_they_run_read_in_a_fixed_number_of_queries():
    s = scheme_story()
    second = SchemeFactory(owner=s.t.ics, title="Second scheme")
    fresh = type(s.lead).objects.get(pk=s.lead.pk)
    with CaptureQueriesContext(connection) as captured:
        schemes = home_page(fresh).schemes
    by_title = {summary.title: summary for summary in schemes}
    assert set(by_title) == {s.scheme.title, second.title}
    summary = by_title[s.scheme.title]
    assert summary.href == f"/placements/{s.scheme.pk}/"
    assert summary.status == "Applications open"
    assert summary.summary == (
        f"From {date_format(s.scheme.starts_on, 'j F Y')} to "
        f"{date_format(s.scheme.ends_on, 'j F Y')}."
    )
    # Each scheme comes with all the summary shows: none is read again on its own.
    assert not any('WHERE "placements_scheme"."id" = ' in q["sql"] for q in captured)


def test_nobody_else_sees_the_schemes_on_their_home():
    s = scheme_story()
    for user in (s.other, s.mentor, s.alice.user, s.manager_a):
        assert home_page(user).schemes == []
