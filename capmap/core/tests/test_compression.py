"""HTML goes out as Brotli to browsers that offer it, padded against BREACH; everything
else as before (gzip, or plain)."""

import gzip
import re

import brotli
import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from capmap.core.compression import MOST_PADDING, CompressionMiddleware, accepts_brotli, compress

BROWSER = "gzip, deflate, br, zstd"  # what Chromium and Firefox offer
FRESH_EACH_TIME = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')
PAGE = b"<!DOCTYPE html><html lang='en'><title>Team</title>" + b"<p>A row</p>" * 200


def without_fresh_values(page: bytes) -> bytes:
    # Each response has its own masked CSRF token and its own script nonce.
    return FRESH_EACH_TIME.sub(b"", page)


def answered(response: HttpResponse | FileResponse, offered: str = BROWSER):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=offered)
    return CompressionMiddleware(lambda request: response)(request)


@pytest.mark.parametrize(
    ("offered", "accepted"),
    [
        (BROWSER, True),
        ("br", True),
        ("gzip;q=1.0, BR;q=0.5", True),
        ("br;level=1", True),
        ("br;q=0, gzip", False),
        ("br; q=0.0", False),
        ("br ;Q=0", False),
        ("br;level=1;q=0", False),
        ("br;q=abc", False),
        ("br;q=inf", False),
        ("gzip, deflate", False),
        ("brotli, x-br, gzip", False),
        ("", False),
    ],
)
def test_brotli_is_used_only_where_the_browser_offers_it(offered, accepted):
    assert accepts_brotli(offered) is accepted


OTHER_OFFERS = st.lists(
    st.text(st.characters(exclude_characters=","), max_size=20).filter(
        lambda offer: offer.split(";")[0].strip().lower() != "br"
    ),
    max_size=4,
)


@given(OTHER_OFFERS, OTHER_OFFERS)
def test_an_offer_of_br_with_q_0_is_a_refusal_whatever_surrounds_it(before, after):
    assert not accepts_brotli(", ".join([*before, "br;q=0", *after]))
    assert accepts_brotli(", ".join([*before, "br", *after]))


def test_a_page_compresses_to_itself_with_a_different_size_nearly_every_time():
    # BREACH guesses a secret from the compressed size: random padding blurs it.
    answers = [compress(PAGE) for _ in range(40)]
    assert all(brotli.decompress(answer) == PAGE for answer in answers)
    sizes = {len(answer) for answer in answers}
    assert len(sizes) > 10
    assert max(sizes) - min(sizes) < MOST_PADDING + 4


@pytest.mark.django_db
def test_a_page_goes_as_brotli_and_reads_back_as_the_same_page(client):
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING=BROWSER)
    assert page["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page["Vary"]
    assert int(page["Content-Length"]) == len(page.content) < len(plain.content) / 3
    html = brotli.decompress(page.content)
    assert without_fresh_values(html) == without_fresh_values(plain.content)


@pytest.mark.django_db
def test_a_browser_refusing_brotli_gets_gzip_and_one_offering_nothing_gets_it_plain(client):
    zipped = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="br;q=0, gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert b"Sign in to Capmap" in gzip.decompress(zipped.content)
    assert "Content-Encoding" not in client.get("/accounts/login/")


@pytest.mark.django_db
def test_answers_that_are_not_html_keep_gzip(client):
    schema = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING=BROWSER)
    assert schema.status_code == 200
    assert schema["Content-Encoding"] == "gzip"
    assert gzip.decompress(schema.content).startswith(b"{")
    picture = answered(HttpResponse(b"<svg>" + b"<g/>" * 200 + b"</svg>", "image/svg+xml"))
    assert picture["Content-Encoding"] == "gzip"


def test_streamed_html_keeps_gzip_and_encoded_or_tiny_answers_are_left_alone():
    streamed = answered(FileResponse(iter([PAGE]), content_type="text/html"))
    assert streamed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(streamed.streaming_content)) == PAGE
    encoded = HttpResponse(b"x" * 500, content_type="text/html")
    encoded["Content-Encoding"] = "identity"
    assert answered(encoded).content == b"x" * 500
    tiny = answered(HttpResponse(b"<p>Saved</p>", content_type="text/html"))
    assert "Content-Encoding" not in tiny and tiny.content == b"<p>Saved</p>"


def test_a_strong_etag_is_weakened_and_vary_keeps_what_it_had():
    response = HttpResponse(PAGE, content_type="text/html")
    response["ETag"] = '"v1"'
    response["Vary"] = "Cookie"
    sent = answered(response)
    assert sent["Content-Encoding"] == "br"
    assert sent["ETag"] == 'W/"v1"'
    assert sent["Vary"] == "Cookie, Accept-Encoding"
    assert brotli.decompress(sent.content) == PAGE
