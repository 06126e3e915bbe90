"""A real OpenID Connect provider for tests: IdentityPython's pyop, served over TLS on localhost.

It signs ID tokens with its own RSA key and publishes discovery, authorize, token,
userinfo and JWKS endpoints. The authorize endpoint approves at once, as whichever
user the test chose with `sign_in_as`. pyop insists on an https issuer, so the
server uses a throwaway self-signed certificate that callers must trust (its path is
`ca_file`).
"""

import datetime
import ipaddress
import json
import ssl
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo
from werkzeug.wrappers import Request, Response


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class TestIdentityProvider:
    """Start with `start()`, stop with `stop()`; register clients before the flow begins."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory()
        self.ca_file, key_file = _self_signed_certificate(Path(self._folder.name))
        self._server = make_server("127.0.0.1", 0, self._wsgi, handler_class=_QuietHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_port}"
        self.users: dict[str, dict] = {}
        self.clients: dict[str, dict] = {}
        self._current_user: str | None = None
        self.provider = Provider(
            RSAKey(key=RSA.generate(2048), kid="capmap-test-key", alg="RS256"),
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "scopes_supported": ["openid", "profile", "email"],
                "code_challenge_methods_supported": ["S256"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("capmap-test-salt")),
            self.clients,
            Userinfo(self.users),
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "TestIdentityProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._folder.cleanup()

    def add_client(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = {
            "client_secret": secret,
            "redirect_uris": [redirect_uri],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        }

    def sign_in_as(self, user_id: str, **claims) -> None:
        """The next authorization request is approved for this user with these claims."""
        self.users[user_id] = {"sub": user_id, **claims}
        self._current_user = user_id

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._route(request)
        except (InvalidAuthenticationRequest, OAuthError) as error:
            response = Response(str(error), status=400)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/.well-known/openid-configuration":
            return _json(self.provider.provider_configuration.to_dict())
        if path == "/jwks":
            return _json(self.provider.jwks)
        if path == "/authorize":
            auth_request = self.provider.parse_authentication_request(
                urlencode(list(request.args.items(multi=True)))
            )
            answer = self.provider.authorize(auth_request, self._current_user)
            return Response(
                status=302, headers={"Location": answer.request(auth_request["redirect_uri"])}
            )
        if path == "/token":
            answer = self.provider.handle_token_request(
                request.get_data(as_text=True), dict(request.headers)
            )
            return _json(answer.to_dict())
        if path == "/userinfo":
            answer = self.provider.handle_userinfo_request(
                request.query_string.decode(), dict(request.headers)
            )
            return _json(answer.to_dict())
        return Response("Not found", status=404)


def _json(data: dict) -> Response:
    return Response(json.dumps(data), mimetype="application/json")
