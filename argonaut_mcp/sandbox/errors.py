"""Errors as Argo CD's REST gateway (grpc-gateway) sends them.

A normal call's error body is `{"error": MSG, "code": GRPC_CODE, "message": MSG}`, and the
HTTP status follows from the gRPC code. Inside a stream the error is one line
`{"error": {"grpc_code", "http_code", "message", "http_status"}}`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

GRPC_TO_HTTP = {
    2: 500,   # Unknown
    3: 400,   # InvalidArgument
    5: 404,   # NotFound
    6: 409,   # AlreadyExists
    7: 403,   # PermissionDenied
    8: 429,   # ResourceExhausted
    9: 400,   # FailedPrecondition
    10: 409,  # Aborted
    13: 500,  # Internal
    14: 503,  # Unavailable
    16: 401,  # Unauthenticated
}

PERMISSION_DENIED = "permission denied"
NO_SESSION = "no session information"
OPERATION_IN_PROGRESS = "another operation is already in progress"
NO_OPERATION_TO_TERMINATE = "Unable to terminate operation. No operation is in progress"


class ApiError(Exception):
    """An error response: gRPC `code` and `message`. The HTTP status follows from the code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return GRPC_TO_HTTP.get(self.code, 500)

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code, "message": self.message}

    def stream_body(self) -> dict[str, Any]:
        status = self.http_status
        return {
            "error": {
                "grpc_code": self.code,
                "http_code": status,
                "message": self.message,
                "http_status": HTTPStatus(status).phrase,
            }
        }


def permission_denied() -> ApiError:
    """Build Argo CD's response for a missing app, which hides whether the app exists."""
    return ApiError(7, PERMISSION_DENIED)


def not_found(name: str) -> ApiError:
    return ApiError(5, f'applications.argoproj.io "{name}" not found')
