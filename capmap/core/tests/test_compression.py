"""Pages go out as Brotli to browsers that offer it, padded against BREACH; the rest as
before (gzip, or plain)."""

import gzip
import re

import brotli
import pytest

from capmap.core.compression import accepts_brotli, random_padding

BROWSER = "gzip, deflate, br, zstd"  # what Chromium and Firefox send over HTTPS
PADDING = re.compile(rb"<!-- ([0-9a-f]*) -->\Z")
FRESH_EACH_TIME = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def without_fresh_values(page: bytes) -> bytes:
    # Each response has its own masked CSRF token and its own script nonce.
    return FRESH_EACH_TIME.sub(b"", page)


@pytest.mark.parametrize(
    ("offered", "accepted"),
    [
        (BROWSER, True),
        ("br", True),
        ("gzip;q=1.0, BR;q=0.5", True),
        ("br;q=0, gzip", False),
        ("br; q=0.0", False),
        ("gzip, deflate", False),
        ("brotli, gzip", False),
        ("", False),
    ],
)
def test_brotli_is_used_only_where_the_browser_offers_it(offered, accepted):
    assert accepts_brotli(offered) is accepted


@pytest.mark.django_db
def test_a_page_goes_as_brotli_and_reads_back_as_the_same_page(client):
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING=BROWSER)
    assert page["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page["Vary"]
    assert int(page["Content-Length"]) == len(page.content) < len(plain.content) / 3
    html = brotli.decompress(page.content)
    padding = PADDING.search(html)
    assert padding, "the page ends with its padding"
    assert without_fresh_values(html[: padding.start()]) == without_fresh_values(plain.content)


@pytest.mark.django_db
def test_the_compressed_size_of_the_same_page_varies_from_answer_to_answer(client):
    # BREACH guesses a secret from the compressed size: random padding blurs it, as
    # Django's gzip does with random bytes in its header.
    sizes = set()
    for _ in range(12):
        html = brotli.decompress(client.get("/healthz/missing", HTTP_ACCEPT_ENCODING="br").content)
        sizes.add(len(PADDING.search(html).group(1)))
    assert len(sizes) > 1


def test_padding_is_an_html_comment_of_random_hex_at_most_200_characters_long():
    paddings = [random_padding() for _ in range(200)]
    assert all(PADDING.fullmatch(p) for p in paddings)
    assert max(len(PADDING.fullmatch(p).group(1)) for p in paddings) <= 200
    assert len({len(p) for p in paddings}) > 10


@pytest.mark.django_db
def test_a_browser_refusing_brotli_gets_gzip_and_one_offering_nothing_gets_it_plain(client):
    zipped = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="br;q=0, gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert b"Sign in to Capmap" in gzip.decompress(zipped.content)
    assert "Content-Encoding" not in client.get("/accounts/login/")


@pytest.mark.django_db
def test_answers_that_are_not_html_keep_gzip_so_their_bytes_are_never_padded(client):
    schema = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING=BROWSER)
    assert schema.status_code == 200
    assert schema["Content-Encoding"] == "gzip"
    assert gzip.decompress(schema.content).startswith(b"{")
