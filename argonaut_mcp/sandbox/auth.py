"""Bearer tokens of the sandbox: JWTs signed with HS256 by a per-sandbox secret.

Argo CD reads `Authorization: Bearer <token>` or the `argocd.token` cookie. A value that is
not JWT-shaped (three dot-separated base64url parts) counts as no token at all. Without a
token the response is 401 "no session information". A JWT that fails verification or has
expired gets 401 "invalid session: ...".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from .errors import NO_SESSION, ApiError

_JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def is_jwt_shaped(value: str) -> bool:
    return bool(_JWT_SHAPE.match(value))


class TokenSigner:
    """Issues and verifies the sandbox's tokens."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def issue(self, claims: dict[str, Any]) -> str:
        header = _encode(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        return f"{header}.{payload}.{self._sign(header, payload)}"

    def verify(self, token: str, now_unix: float) -> dict[str, Any]:
        """Return the token's claims; raise `ApiError` (code 16) when it is invalid or expired."""
        header, payload, signature = token.split(".")
        if not hmac.compare_digest(signature, self._sign(header, payload)):
            raise ApiError(16, "invalid session: token signature is invalid")
        try:
            claims = json.loads(_decode(payload))
        except (ValueError, binascii.Error) as exc:
            raise ApiError(16, "invalid session: token is malformed") from exc
        expires = claims.get("exp")
        if isinstance(expires, int | float) and now_unix >= expires:
            raise ApiError(16, "invalid session: token has invalid claims: token is expired")
        return claims

    def _sign(self, header: str, payload: str) -> str:
        digest = hmac.new(self._secret, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
        return _encode(digest)


def extract_token(authorization: str | None, cookie: str | None) -> str | None:
    """Return the bearer token from the header, else the cookie, or None when neither is JWT-shaped."""
    if authorization and authorization[:7].lower() == "bearer ":
        candidate = authorization[7:].strip()
        if is_jwt_shaped(candidate):
            return candidate
    if cookie and is_jwt_shaped(cookie):
        return cookie
    return None


def require_token(token: str | None) -> str:
    if token is None:
        raise ApiError(16, NO_SESSION)
    return token
