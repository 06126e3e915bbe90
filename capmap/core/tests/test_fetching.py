"""The safeguarded fetcher refuses anything but JSON over https from a public address,
within its size and time caps, and says why in plain English. The address rules are
tested without any network (the look-up is replaced); the rest against a little local
site the settings allow."""

import ipaddress
import ssl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.core import fetching
from capmap.core.fetching import FetchRefused, fetch_json, why_not_public

from .local_site import Page, local_site


@pytest.fixture
def site(settings):
    with local_site() as running:
        settings.CAPMAP_FETCH_ALLOW_LOCAL = [(running.host, running.port)]
        yield running


def resolving_to(monkeypatch, *addresses: str) -> None:
    def resolve(url, host, port, limits):
        return [ipaddress.ip_address(a) for a in addresses]

    monkeypatch.setattr(fetching, "_resolve", resolve)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "on a private network"),
        ("172.16.0.9", "on a private network"),
        ("192.168.1.1", "on a private network"),
        ("127.0.0.1", "this server itself (loopback)"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not on the public internet"),
        ("::1", "this server itself (loopback)"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::5", "on a private network"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "on a private network"),
        ("::ffff:127.0.0.1", "this server itself (loopback)"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a00:1", "on a private network"),
        ("2002:c0a8:101::1", "on a private network"),
    ],
)
def test_an_address_off_the_public_internet_is_refused_with_its_reason(
    monkeypatch, address, reason
):
    resolving_to(monkeypatch, address)
    with pytest.raises(FetchRefused) as refused:
        fetch_json("https://issuer.example.org/status/1")
    assert str(refused.value) == (
        f"The address https://issuer.example.org/status/1 is {reason} "
        f"({ipaddress.ip_address(address)}), so it was not fetched."
    )


def test_public_addresses_pass_the_address_rule():
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:8.8.8.8"):
        assert why_not_public(ipaddress.ip_address(address)) == ""


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14", "10.0.0.7")
    with pytest.raises(FetchRefused, match=r"is on a private network \(10\.0\.0\.7\)"):
        fetch_json("https://issuer.example.org/status/1")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://issuer.example.org/status/1", "is not an https address"),
        ("ftp://issuer.example.org/status/1", "is not an https address"),
        ("file:///etc/passwd", "is not a web address"),
        ("https://user:secret@issuer.example.org/", "carries a user name or password"),
        ("https://issuer.example.org:port/", "has a port that is not a number"),
    ],
)
def test_anything_but_a_plain_https_address_is_refused_before_any_look_up(monkeypatch, url, reason):
    def no_look_up(*args):
        raise AssertionError("looked up")

    monkeypatch.setattr(fetching, "_resolve", no_look_up)
    with pytest.raises(FetchRefused, match=reason):
        fetch_json(url)


def test_plain_http_to_a_local_site_needs_its_exact_host_and_port_allowed(site, settings):
    url = site.put_json("/list", {"id": "list"})
    assert fetch_json(url).document == {"id": "list"}
    settings.CAPMAP_FETCH_ALLOW_LOCAL = [(site.host, site.port + 1)]
    with pytest.raises(FetchRefused, match="is not an https address"):
        fetch_json(url)


def test_json_and_its_validators_are_returned(site):
    url = site.put_json(
        "/list",
        {"id": "list"},
        content_type="application/vc+ld+json; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 02 Dec 2026 10:00:00 GMT"},
    )
    fetched = fetch_json(url)
    assert fetched.document == {"id": "list"}
    assert fetched.etag == '"v1"' and fetched.last_modified.startswith("Wed, 02 Dec")


def test_a_conditional_request_answered_not_modified_gives_no_document(site):
    site.pages["/list"] = Page(b"", status=304)
    fetched = fetch_json(site.url("/list"), etag='"v1"')
    assert fetched.not_modified and fetched.document is None
    assert site.requests[-1][1]["If-None-Match"] == '"v1"'


def test_something_that_is_not_json_is_not_read(site):
    site.pages["/page"] = Page(b"<html></html>", content_type="text/html")
    with pytest.raises(FetchRefused, match=r"did not send JSON \(it sent text/html\)"):
        fetch_json(site.url("/page"))
    site.pages["/broken"] = Page(b"{not json", content_type="application/json")
    with pytest.raises(FetchRefused, match="not valid JSON"):
        fetch_json(site.url("/broken"))


def test_a_document_over_the_size_cap_is_not_read(site, settings):
    settings.CAPMAP_FETCH_MAX_BYTES = 1024
    url = site.put_json("/big", {"padding": "x" * 2000})
    with pytest.raises(FetchRefused, match="sent more than 1 KB, so it was not read"):
        fetch_json(url)


def test_a_document_over_the_cap_is_refused_even_without_a_declared_length(site, settings):
    settings.CAPMAP_FETCH_MAX_BYTES = 1024
    url = site.put_json("/big", {"padding": "x" * 2000}, declare_length=False)
    with pytest.raises(FetchRefused, match="sent more than 1 KB"):
        fetch_json(url)


def test_a_site_that_answers_too_slowly_is_given_up(site, settings):
    settings.CAPMAP_FETCH_TIMEOUT_SECONDS = 0.5
    url = site.put_json("/slow", {"padding": "x" * 50}, trickle_seconds=0.05)
    with pytest.raises(FetchRefused, match="took too long to answer"):
        fetch_json(url)


def test_a_redirect_is_followed_only_to_an_address_that_passes_the_same_checks(site):
    url = site.put_json("/list", {"id": "list"})
    site.pages["/moved"] = Page(status=302, headers={"Location": "/list"})
    assert fetch_json(site.url("/moved")).document == {"id": "list"}
    site.pages["/away"] = Page(status=301, headers={"Location": "http://127.0.0.1:1/list"})
    with pytest.raises(FetchRefused, match="is not an https address"):
        fetch_json(site.url("/away"))
    site.pages["/loop"] = Page(status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchRefused, match="redirects more than 3 times"):
        fetch_json(site.url("/loop"))
    assert url


def test_an_error_status_says_what_the_site_answered(site):
    with pytest.raises(FetchRefused, match="answered with status 404"):
        fetch_json(site.url("/missing"))


def certificate_for(name: str, folder) -> tuple[str, str]:
    """A self-signed certificate for `name` and its key, as PEM files in `folder`."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_site(tmp_path, settings, monkeypatch):
    """An https site for the name issuer.test, reached at 127.0.0.1 (the look-up is
    replaced, and the settings let that exact name and port past the address rule)."""
    cert_file, key_file = certificate_for("issuer.test", tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    with local_site(tls=server_context) as running:
        settings.CAPMAP_FETCH_ALLOW_LOCAL = [("issuer.test", running.port)]
        resolving_to(monkeypatch, "127.0.0.1")
        running.cert_file = cert_file
        yield running


def trusting(monkeypatch, cert_file: str) -> None:
    def context_trusting_the_test_certificate() -> ssl.SSLContext:
        return ssl.create_default_context(cafile=cert_file)

    monkeypatch.setattr(fetching, "_tls_context", context_trusting_the_test_certificate)


def test_https_goes_to_the_address_checked_and_checks_the_certificate_on_the_name(
    tls_site, monkeypatch
):
    tls_site.put_json("/list", {"id": "list"})
    url = f"https://issuer.test:{tls_site.port}/list"
    with pytest.raises(FetchRefused, match="could not be fetched securely"):
        fetch_json(url)  # a certificate no authority vouches for
    trusting(monkeypatch, tls_site.cert_file)
    assert fetch_json(url).document == {"id": "list"}
    assert tls_site.requests[-1][1]["Host"] == f"issuer.test:{tls_site.port}"


def test_https_to_a_name_the_certificate_does_not_cover_is_refused(tls_site, settings, monkeypatch):
    tls_site.put_json("/list", {"id": "list"})
    trusting(monkeypatch, tls_site.cert_file)
    settings.CAPMAP_FETCH_ALLOW_LOCAL = [("other.test", tls_site.port)]
    with pytest.raises(FetchRefused, match="could not be fetched securely"):
        fetch_json(f"https://other.test:{tls_site.port}/list")


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_written_as_ipv6_is_judged_as_the_ipv4_address(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert why_not_public(mapped) == why_not_public(address)
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address))
    assert why_not_public(nat64) == why_not_public(address)
