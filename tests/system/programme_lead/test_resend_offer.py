"""Grace Ellison, ICS programme lead, sends a placement offer again to a participant who has
not logged a session yet, from the scheme's participants table."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from capmap.placements.demo import SCHEME_TITLE, load_demo_scheme
from capmap.placements.models import Participation
from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import when_they_follow_the_menu_to


def given_the_demo_scheme_confirmed_an_hour_ago(demo_stages) -> str:
    """The running demo scheme, its offers e-mailed an hour ago; the name of a participant
    who has logged no session yet."""
    demo_stages.load(load_demo_scheme)
    participations = Participation.objects.filter(placement__scheme__title=SCHEME_TITLE)
    participations.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    waiting = participations.filter(sessions__isnull=True).order_by("pk").first()
    return waiting.application.applicant.full_name


def test_programme_lead_sends_an_unanswered_offer_again(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the running demo scheme, with a participant who has not started
    name = given_the_demo_scheme_confirmed_an_hour_ago(demo_stages)
    page = signed_in_page("programme_lead")
    # When she opens the scheme from the placement schemes menu
    when_they_follow_the_menu_to(page, "Placement schemes")
    page.get_by_role("link", name=SCHEME_TITLE, exact=True).click()
    # Then the participants table says when each waiting offer was last sent
    table = page.locator("table", has=page.locator("caption", has_text="Participants"))
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_contain_text("Last sent")
    expect(table).to_contain_text("Started")
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    # When she chooses to send the offer again
    row.get_by_role("link", name=f"Send again to {name}").click()
    # Then she is asked to confirm, told how often she may send it
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Send the placement offer again to {name}?"
    )
    expect(page.get_by_text("once every 15 minutes")).to_be_visible()
    assert_accessible(page)
    # When she confirms
    page.get_by_role("button", name="Send it again").click()
    # Then she is back on the scheme with a success message, and the offer shows as sent now
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHEME_TITLE)
    expect(page.get_by_text(f"Placement offer sent again to {name}.")).to_be_visible()
    today = timezone.localtime().strftime("%-d %b %Y")
    expect(row).to_contain_text(f"Last sent {today}")
    assert_accessible(page)
    # When she tries again at once
    row.get_by_role("link", name=f"Send again to {name}").click()
    page.get_by_role("button", name="Send it again").click()
    # Then she is told when she can send it again
    expect(page.get_by_text("You can send it again from")).to_be_visible()
    assert_accessible(page)
