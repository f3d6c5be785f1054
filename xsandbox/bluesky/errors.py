"""XRPC's error answers as a PDS gives them: `{"error": Name, "message": text}` with the
HTTP status, and the RateLimit-* headers on a 429. Also the `answers` xsandbox.faults uses."""

import time

from django.http import JsonResponse


def xrpc_error(status: int, name: str, message: str):
    return JsonResponse({"error": name, "message": message}, status=status)


def invalid(message: str):
    return xrpc_error(400, "InvalidRequest", message)


def authentication_required(message: str = "Authentication Required"):
    return xrpc_error(401, "AuthenticationRequired", message)


def rate_limited(limit: int, reset: int, window: int):
    response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
    return with_rate_headers(response, limit, 0, reset, window)


def with_rate_headers(response, limit: int, remaining: int, reset: int, window: int):
    response["RateLimit-Limit"] = str(limit)
    response["RateLimit-Remaining"] = str(remaining)
    response["RateLimit-Reset"] = str(reset)
    response["RateLimit-Policy"] = f"{limit};w={window}"
    return response


# xsandbox.faults' answers ------------------------------------------------------------------


def rate_limit_burst(reset: int):
    return rate_limited(limit=100, reset=reset, window=max(1, reset - int(time.time())))


def service_unavailable():
    return xrpc_error(503, "UpstreamFailure", "Service Unavailable")
