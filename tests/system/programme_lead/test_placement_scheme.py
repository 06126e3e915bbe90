"""Grace Ellison, ICS programme lead, runs the placement scheme: allocation, feedback, report.

The demo scheme is already running (its allocation confirmed), so each test also sets up a
second cohort of Grace's, waiting to be allocated, from the demo's own applicants and mentors.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from capmap.placements import services
from capmap.placements.demo import SCHEME_TITLE, load_demo_scheme
from capmap.placements.models import (
    Application,
    Audience,
    Preference,
    Scheme,
    SchemeStatus,
    Specialty,
)
from capmap.placements.services import feedback as feedback_services
from tests.system.steps import when_they_follow_the_menu_to

COHORT = "Spring cohort"


def given_the_demo_scheme_and_a_cohort_ready_to_allocate(demo_stages) -> Scheme:
    """The demo scheme, and a cohort of four applicants for two respiratory places."""
    demo_stages.load(load_demo_scheme)
    demo = Scheme.objects.get(title=SCHEME_TITLE)
    lead = demo.created_by
    today = timezone.localdate()
    cohort = services.create_scheme(
        actor=lead,
        owner=demo.owner,
        title=COHORT,
        starts_on=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=200),
    )
    placements = [
        services.save_placement(
            actor=lead,
            scheme=cohort,
            title=f"{p.title} (spring)",
            specialty=Specialty.RESPIRATORY,
            host=p.host,
            mentor=p.mentor,
            capacity=1,
        )
        for p in demo.placements.order_by("pk")[:2]
    ]
    services.change_status(actor=lead, scheme=cohort, status=SchemeStatus.APPLICATIONS_OPEN)
    for index, earlier in enumerate(demo.applications.order_by("pk")[:4]):
        application = Application.objects.create(
            scheme=cohort,
            applicant=earlier.applicant,
            statement="I want to learn more about respiratory care.",
            released_by=lead,
            released_at=timezone.now(),
        )
        ranked = placements if index % 2 else placements[::-1]
        Preference.objects.bulk_create(
            Preference(application=application, placement=p, rank=rank)
            for rank, p in enumerate(ranked, start=1)
        )
    services.change_status(actor=lead, scheme=cohort, status=SchemeStatus.ALLOCATING)
    return demo


def when_they_open_the_scheme(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def when_they_run_a_preview_with(page: Page, method: str) -> None:
    page.get_by_label(method).check()
    page.get_by_role("button", name="Run a preview").click()
    expect(page.get_by_role("heading", name="Latest preview")).to_be_visible()


def test_programme_lead_previews_compares_and_reads_the_scheme_report(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo scheme and a cohort of Grace's waiting to be allocated
    given_the_demo_scheme_and_a_cohort_ready_to_allocate(demo_stages)
    page = signed_in_page("programme_lead")
    # When she opens the cohort from the placement schemes menu
    when_they_follow_the_menu_to(page, "Placement schemes")
    assert_accessible(page)
    when_they_open_the_scheme(page, COHORT)
    assert_accessible(page)
    # And runs an allocation preview with the stable method
    page.get_by_role("link", name="Allocation", exact=True).click()
    assert_accessible(page)
    when_they_run_a_preview_with(page, "Fairest for applicants' choices")
    # Then she sees how both methods compare, and who goes where and why
    comparison = page.locator("table", has=page.locator("caption", has_text="methods compare"))
    for outcome in ("Placed", "Unplaced"):
        row = comparison.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=outcome, exact=True)
        )
        expect(row.get_by_role("cell")).to_have_text(["2", "2"])
    expect(page.locator("caption", has_text="Who goes where, and why")).to_be_visible()
    assert_accessible(page)
    # When she previews the other method
    when_they_run_a_preview_with(page, "Most people placed")
    expect(page.get_by_text("Most people placed, run on")).to_be_visible()
    assert_accessible(page)
    # And opens the running demo scheme's report
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Placement schemes"
    ).click()
    when_they_open_the_scheme(page, SCHEME_TITLE)
    page.get_by_role("link", name="Scheme report").click()
    # Then the report shows the allocation, feedback with its charts, and outcomes
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme report")
    expect(page.get_by_text("11 of 12 applicants placed")).to_be_visible()
    expect(page.get_by_role("heading", name="Feedback", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Feedback from participants: share who agree")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Outcomes", exact=True)).to_be_visible()
    expect(page.get_by_text("Better than baseline.").first).to_be_visible()
    assert_accessible(page)


def test_programme_lead_reads_feedback_and_a_run_chart(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo scheme, with feedback and a respiratory outcome measure
    given_the_demo_scheme_and_a_cohort_ready_to_allocate(demo_stages)
    page = signed_in_page("programme_lead")
    when_they_follow_the_menu_to(page, "Placement schemes")
    when_they_open_the_scheme(page, SCHEME_TITLE)
    # When she opens the feedback from GPs and practice managers
    page.get_by_role("link", name="Feedback", exact=True).click()
    expect(page.locator("caption", has_text="Response rates by audience")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Feedback from GPs and practice managers").click()
    # Then each statement has a chart with its table, and the comments are listed
    expect(page.get_by_text("Fewer queries go to the GPs now.")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)
    # When she opens the outcome measure
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=SCHEME_TITLE).click()
    page.get_by_role("link", name="Outcomes", exact=True).click()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Referrals to the respiratory clinic per month per practice"
    ).click()
    # Then she sees the run chart with its median, and the change from baseline
    expect(page.get_by_role("img", name="run chart")).to_be_visible()
    expect(page.get_by_text("Better than baseline.")).to_be_visible()
    assert_accessible(page)


def test_a_gp_answers_the_survey_from_a_link_without_an_account(
    demo_stages, browser, live_server, demo_story, assert_accessible
):
    # Given a link to the GP survey of the demo scheme, e-mailed by the programme lead
    demo = given_the_demo_scheme_and_a_cohort_ready_to_allocate(demo_stages)
    survey = demo.surveys.get(audience=Audience.HOME_MANAGER)
    [sent] = feedback_services.send_invitations(
        actor=demo.created_by,
        survey=survey,
        emails=["gp@example.nhs.uk"],
        link_for=lambda token: f"{live_server.url}/placements/feedback/{token}/",
    )
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        # When the GP, who has no account, opens it
        page.goto(sent.link)
        expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
        assert_accessible(page)
        # And answers every statement and sends the answers
        for group in page.locator("fieldset").all():
            group.get_by_label("Agree", exact=True).check()
        page.get_by_label("What could be better?").fill("More notice of session dates.")
        page.get_by_role("button", name="Send my answers").click()
        # Then they are thanked, and the link cannot be used again
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
        assert_accessible(page)
        page.goto(sent.link)
        expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
        assert_accessible(page)
    finally:
        context.close()
