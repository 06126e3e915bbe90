"""Grace Ellison, ICS programme lead: an impact dashboard that tells the truth, an allocation
page in plain English, and a survey link sent again to someone who has not answered."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from capmap.impact.demo import load_demo_activity
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.placements.demo import SCHEME_TITLE, load_demo_scheme
from capmap.placements.models import Audience, Invitation, Scheme
from capmap.placements.services import feedback as feedback_services
from tests.system.conftest import at_phone_width
from tests.system.programme_lead.test_placement_scheme import (
    COHORT,
    given_the_demo_scheme_and_a_cohort_ready_to_allocate,
    when_they_open_the_scheme,
    when_they_run_a_preview_with,
)
from tests.system.steps import when_they_follow_the_menu_to

JARGON = ("deferred acceptance", "max-preference", "lottery", "seed", "stable")


def test_impact_dashboard_marks_this_month_as_partial_and_names_every_activity(
    signed_in_page, assert_accessible
):
    # Given twelve months of the demo's figures for the starter activity types, and Grace
    # signed in
    for ics in Organisation.objects.filter(kind=OrganisationKind.ICS):
        load_demo_activity(ics_name=ics.name)
    page = signed_in_page("programme_lead")
    # When she opens her ICS's impact dashboard
    when_they_follow_the_menu_to(page, "Impact")
    page.get_by_role("main").get_by_role("listitem").get_by_role("link").first.click()
    # Then the month still running is marked "so far (partial)", not plotted as a fall to zero
    this_month = timezone.localdate().strftime("%b %Y")
    expect(page.get_by_text("is not over yet")).to_be_visible()
    trend = page.locator("#impact-trend")
    expect(trend.get_by_role("rowheader", name=f"{this_month} so far (partial)")).to_be_visible()
    expect(trend.get_by_role("row").last).to_contain_text("None recorded yet")
    # And the headline total is one derived figure, not also an activity's name
    expect(page.get_by_text("GP appointments released (all activities)")).to_be_visible()
    totals = page.locator("table", has=page.locator("caption", has_text="Totals by activity"))
    expect(totals.get_by_text("Consultations instead of a GP appointment")).to_be_visible()
    expect(totals.get_by_text("Total, all activities")).to_be_visible()
    # And no chart label is cut short
    for svg in page.locator("svg.app-chart__svg").all():
        assert "…" not in svg.inner_html()
    expect(
        page.locator("#impact-totals svg text[data-label='Structured medication reviews']")
    ).to_be_visible()
    assert_accessible(page)
    # And the same page reads on a phone
    at_phone_width(page)
    page.reload()
    expect(page.get_by_text("is not over yet")).to_be_visible()
    assert_accessible(page)


def test_allocation_page_speaks_plain_english(demo_stages, signed_in_page, assert_accessible):
    # Given a cohort of Grace's waiting to be allocated
    given_the_demo_scheme_and_a_cohort_ready_to_allocate(demo_stages)
    page = signed_in_page("programme_lead")
    when_they_follow_the_menu_to(page, "Placement schemes")
    when_they_open_the_scheme(page, COHORT)
    page.get_by_role("link", name="Allocation", exact=True).click()
    # Then the choice of method is in words she uses, each explained
    expect(page.get_by_text("How should places be shared out?")).to_be_visible()
    expect(page.get_by_text("Places as many applicants as it can")).to_be_visible()
    # When she runs a preview
    when_they_run_a_preview_with(page, "Most people placed")
    # Then no algorithm names or seeds are on the page
    text = page.get_by_role("main").inner_text().lower()
    for word in JARGON:
        assert word not in text, word
    # And the draw number waits under "Repeating this allocation"
    draw = page.get_by_text("Draw number (for repeating this allocation)")
    expect(draw).to_be_hidden()
    page.get_by_text("Repeating this allocation", exact=True).click()
    expect(draw).to_be_visible()
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)


def test_programme_lead_sends_a_survey_invitation_again(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the GP survey of the demo scheme, sent to a GP an hour ago who has not answered
    demo_stages.load(load_demo_scheme)
    demo = Scheme.objects.get(title=SCHEME_TITLE)
    survey = demo.surveys.get(audience=Audience.HOME_MANAGER)
    feedback_services.send_invitations(
        actor=demo.created_by,
        survey=survey,
        emails=["late.gp@example.nhs.uk"],
        link_for=lambda token: f"http://localhost/placements/feedback/{token}/",
    )
    Invitation.objects.filter(email="late.gp@example.nhs.uk").update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = signed_in_page("programme_lead")
    when_they_follow_the_menu_to(page, "Placement schemes")
    when_they_open_the_scheme(page, SCHEME_TITLE)
    page.get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_role("link", name="Feedback from GPs and practice managers").click()
    # When she chooses to send it again to the GP who has not answered
    page.get_by_role("link", name="Send again to late.gp@example.nhs.uk").click()
    # Then she is asked to confirm, and told how often she may
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Send the invitation again to late.gp@example.nhs.uk?"
    )
    expect(page.get_by_text("once every 15 minutes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send it again").click()
    # Then she is back on the survey with a success message
    expect(page.get_by_text("Invitation sent again to late.gp@example.nhs.uk")).to_be_visible()
    assert_accessible(page)
    # And sending it again at once is refused with when she can
    page.get_by_role("link", name="Send again to late.gp@example.nhs.uk").click()
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_text(re.compile("You can send it again from"))).to_be_visible()
    at_phone_width(page)
    assert_accessible(page)
    assert Invitation.objects.filter(email="late.gp@example.nhs.uk").count() == 1
