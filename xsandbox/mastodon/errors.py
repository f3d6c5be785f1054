"""Mastodon's error answers: a JSON object with `error` (and, for OAuth, its
`error_description`), as the faults and the API views give them."""

from datetime import UTC, datetime

from django.http import JsonResponse


def error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def unauthorized() -> JsonResponse:
    return error(401, "The access token is invalid")


def not_found() -> JsonResponse:
    return error(404, "Record not found")


def invalid(message: str) -> JsonResponse:
    return error(422, f"Validation failed: {message}")


def too_many_requests(reset: int) -> JsonResponse:
    response = error(429, "Too many requests")
    response["X-RateLimit-Reset"] = reset_header(reset)
    return response


def rate_limit_burst(reset: int) -> JsonResponse:
    """A fault's burst of 429s (xsandbox.faults)."""
    response = too_many_requests(reset)
    response["X-RateLimit-Remaining"] = "0"
    return response


def service_unavailable() -> JsonResponse:
    return error(503, "Service Unavailable")


def reset_header(reset: int) -> str:
    """X-RateLimit-Reset as Mastodon sends it: an ISO 8601 time with milliseconds."""
    return datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
