"""The one way Capmap fetches a document from another site: JSON over https from a
public address only, with caps on size and time (docs/adr/0015-fetching-from-other-sites.md).

A link given to Capmap could otherwise make the server reach into its own network (cloud
metadata, the database, an admin page on a private address). So the host is resolved
once, every address it resolves to must be public, and the connection goes to the
address that was checked (a second look-up could answer differently), while TLS still
checks the certificate against the name. Every refusal raises `FetchRefused` whose text
is a sentence a person can read.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
JSON_TYPES = ("application/json", "application/ld+json")
ACCEPT = "application/ld+json, application/vc+ld+json, application/json;q=0.9"
# Sub-types such as application/vc+ld+json or application/did+json are JSON too.
JSON_SUFFIX = "+json"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """Why a document was not fetched, in plain English."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after any redirects
    document: Any
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False  # the site answered 304 to a conditional request


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    deadline: float  # time.monotonic() by which the whole fetch must be done

    def remaining(self, url: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchRefused(f"{url} took too long to answer, so it was not fetched.")
        return left


def fetch_json(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET a JSON document from a public https address, following at most a few
    redirects (each checked again). `etag`/`last_modified` make the request conditional:
    a 304 answer gives `not_modified=True` and no document."""
    limits = _Limits(
        max_bytes=settings.CAPMAP_FETCH_MAX_BYTES,
        deadline=time.monotonic() + settings.CAPMAP_FETCH_TIMEOUT_SECONDS,
    )
    headers = {"Accept": ACCEPT, "User-Agent": "Capmap credential checker"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        response, connection = _request(url, headers, limits)
        try:
            if response.status in (301, 302, 303, 307, 308):
                url = _redirect_target(url, response.getheader("Location", ""))
                continue
            return _fetched(url, response, connection, limits)
        finally:
            response.close()
            connection.close()
    raise FetchRefused(f"{url} redirects more than {MAX_REDIRECTS} times, so it was not fetched.")


def _redirect_target(url: str, location: str) -> str:
    if not location:
        raise FetchRefused(f"{url} redirects without saying where, so it was not fetched.")
    return urljoin(url, location)


def _fetched(
    url: str,
    response: http.client.HTTPResponse,
    connection: http.client.HTTPConnection,
    limits: _Limits,
) -> Fetched:
    etag = response.getheader("ETag", "")
    last_modified = response.getheader("Last-Modified", "")
    if response.status == 304:
        return Fetched(url, None, etag, last_modified, not_modified=True)
    if response.status != 200:
        raise FetchRefused(
            f"{url} answered with status {response.status} {response.reason}, so nothing was "
            "fetched."
        )
    content_type = response.getheader("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES and not content_type.endswith(JSON_SUFFIX):
        raise FetchRefused(
            f"{url} did not send JSON (it sent {content_type or 'no content type'}), so it "
            "was not read."
        )
    body = _read_capped(url, response, connection, limits)
    try:
        document = json.loads(body)
    except ValueError:
        raise FetchRefused(f"{url} sent something that is not valid JSON.") from None
    return Fetched(url, document, etag, last_modified)


def _read_capped(
    url: str,
    response: http.client.HTTPResponse,
    connection: http.client.HTTPConnection,
    limits: _Limits,
) -> bytes:
    """The body, read in chunks: never more than the cap, never past the deadline (a
    site sending one byte a second would otherwise hold the request for ever)."""
    too_big = FetchRefused(
        f"{url} sent more than {limits.max_bytes // 1024:,} KB, so it was not read."
    )
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    while True:
        # http.client forgets the connection's socket once the answer will close it.
        connection.pinned_socket.settimeout(limits.remaining(url))  # type: ignore[attr-defined]
        try:
            chunk = response.read1(CHUNK)
        except TimeoutError:
            raise FetchRefused(f"{url} took too long to answer, so it was not fetched.") from None
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefused(f"{url} broke off its answer ({error!r}).") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_big
        chunks.append(chunk)


def _request(
    url: str, headers: dict[str, str], limits: _Limits
) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    parts = urlsplit(url)
    host, port, secure = _checked_target(url, parts)
    address = _public_address(url, host, port, limits)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = limits.remaining(url)
    connection: http.client.HTTPConnection
    if secure:
        connection = _PinnedHTTPS(host, port, address, timeout=timeout)
    else:
        connection = _PinnedHTTP(host, port, address, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse(), connection
    except ssl.SSLError as error:
        connection.close()
        raise FetchRefused(
            f"{url} could not be fetched securely: its certificate or encryption did not "
            f"check out ({error.reason or error})."
        ) from None
    except TimeoutError:
        connection.close()
        raise FetchRefused(f"{url} took too long to answer, so it was not fetched.") from None
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchRefused(f"{url} could not be reached ({error}).") from None


def _checked_target(url: str, parts: Any) -> tuple[str, int, bool]:
    """(host, port, https?) of a URL Capmap may fetch: https, or plain http only to a local
    test server the settings allow by exact host and port."""
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:
        raise FetchRefused(f"{url} has a port that is not a number.") from None
    if not host:
        raise FetchRefused(f"{url} is not a web address, so it was not fetched.")
    if parts.username or parts.password:
        raise FetchRefused(f"{url} carries a user name or password, so it was not fetched.")
    if parts.scheme == "https":
        return host, port or 443, True
    if parts.scheme == "http" and (host, port or 80) in _allowed_local():
        return host, port or 80, False
    raise FetchRefused(f"{url} is not an https address, so it was not fetched.")


def _allowed_local() -> set[tuple[str, int]]:
    return {(str(h), int(p)) for h, p in settings.CAPMAP_FETCH_ALLOW_LOCAL}


def _public_address(url: str, host: str, port: int, limits: _Limits) -> str:
    """The address to connect to: the host resolved once, refused unless every address it
    resolves to is public (or it is a local test server the settings allow)."""
    addresses = _resolve(url, host, port, limits)
    allowed = (host, port) in _allowed_local()
    for address in addresses:
        reason = "" if allowed else why_not_public(address)
        if reason:
            raise FetchRefused(f"The address {url} is {reason} ({address}), so it was not fetched.")
    return str(addresses[0])


_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="capmap-resolve")


def _resolve(url: str, host: str, port: int, limits: _Limits) -> list[Address]:
    # getaddrinfo has no timeout of its own: wait for it in a thread, up to the deadline.
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        answers = future.result(timeout=limits.remaining(url))
    except FutureTimeout:
        raise FetchRefused(f"{url} took too long to answer, so it was not fetched.") from None
    except OSError:
        answers = []
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in answers]
    if not found:
        raise FetchRefused(f"The name in {url} could not be found, so it was not fetched.")
    return found


def why_not_public(address: Address) -> str:
    """Why an address is not one on the public internet ("" when it is), as words that
    follow "The address … is"."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return why_not_public(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "this server itself (loopback)"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "on a private network"
    if not address.is_global:
        return "not on the public internet"
    return ""


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64): such an
    address reaches that IPv4 host, so it is judged as that host."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, certificate and name checked (the default)."""
    return ssl.create_default_context()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """https to the address that was checked; SNI, Host and the certificate use the name."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float):
        super().__init__(host, port, timeout=timeout, context=_tls_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]
        self.pinned_socket = self.sock


class _PinnedHTTP(http.client.HTTPConnection):
    """Plain http to a local test server the settings allow, at the address checked."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.pinned_socket = self.sock
