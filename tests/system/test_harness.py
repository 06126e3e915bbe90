"""The harness itself: the accessibility check must fail loudly and readably."""

import pytest

from tests.system.conftest import check_accessible


def test_accessibility_check_fails_on_a_serious_violation_and_names_it(browser):
    # Given a page with an image that has no text alternative (a critical violation)
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    # When it is checked
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessible(page)
    context.close()
    # Then the failure names the rule, its impact and the element
    assert "image-alt (critical)" in str(failure.value)
    assert "at img" in str(failure.value)


def test_accessibility_check_passes_a_clean_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="en"><title>Clean</title><main><h1>Clean</h1><p>Text</p></main></html>'
    )
    check_accessible(page)
    context.close()
