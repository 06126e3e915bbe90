"""A tiny web site on 127.0.0.1 for tests of fetching from other sites: each path answers
with what the test put there. `allow` lets the fetcher reach it over plain http."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    trickle_seconds: float = 0.0  # send the body one byte at a time, this far apart
    declare_length: bool = True  # False: no Content-Length, the body ends when the site closes


@dataclass
class LocalSite:
    host: str
    port: int
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def put_json(self, path: str, document: Any, **page: Any) -> str:
        self.pages[path] = Page(json.dumps(document).encode(), **page)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for requested, _headers in self.requests if requested == path)


def _handler(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers)))
            page = site.pages.get(self.path, Page(b"{}", status=404))
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            if page.declare_length:
                self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not page.trickle_seconds:
                self.wfile.write(page.body)
                return
            try:
                for byte in page.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(page.trickle_seconds)
            except OSError:  # the fetcher gave up, as it should
                pass

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def local_site(tls: ssl.SSLContext | None = None) -> Iterator[LocalSite]:
    """The site on a free port of 127.0.0.1; over TLS when given a server context."""
    site = LocalSite("127.0.0.1", 0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
