"""Error type raised inside the stand-in and turned into a Bot API error response."""

from __future__ import annotations

from typing import Any

_PREFIXES = {
    400: "Bad Request: ",
    403: "Forbidden: ",
    404: "Not Found: ",
    409: "Conflict: ",
}


class ApiError(Exception):
    """An error answer: HTTP status == error_code, plus the description and parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str) -> ApiError:
    """400 with the usual "Bad Request: " prefix."""
    return ApiError(400, _PREFIXES[400] + message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, _PREFIXES[403] + message)


def conflict(message: str) -> ApiError:
    return ApiError(409, _PREFIXES[409] + message)


def default_description(status: int, retry_after: int | None = None) -> str:
    """Description the real server uses for a bare status code."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return {
        400: "Bad Request: injected failure",
        401: "Unauthorized",
        403: "Forbidden: injected failure",
        404: "Not Found",
        409: "Conflict: injected failure",
        413: "Request Entity Too Large",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")
