"""Every script on our pages carries the nonce the Content-Security-Policy allows."""

import re

import pytest


@pytest.mark.django_db
def test_every_script_on_a_page_carries_the_policys_nonce(client):
    response = client.get("/accounts/login/")

    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    # The NHS.UK page template's own inline script (it switches the design system's
    # JavaScript on) is one of them: without the nonce nothing interactive starts.
    assert len(scripts) >= 3
    assert all(f'nonce="{nonce}"' in script for script in scripts), scripts
