"""X's error answers: RFC 7807 problem bodies with X's titles, details and type URLs."""

from django.http import HttpResponse, JsonResponse

# X names its problem types under its old host, whichever host was called.
PROBLEMS = "https://api.twitter.com/2/problems/"


def problem(status: int, title: str, detail: str, kind: str = "about:blank", **extra):
    body = {"title": title, "detail": detail, "type": kind, "status": status, **extra}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def unauthorized():
    return problem(401, "Unauthorized", "Unauthorized")


def invalid(message: str, parameter: str, value=""):
    return problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        PROBLEMS + "invalid-request",
        errors=[{"parameters": {parameter: [str(value)] if value else []}, "message": message}],
    )


def not_found(kind: str, identifier: str):
    return problem(
        404,
        "Not Found Error",
        f"Could not find {kind} with id: [{identifier}].",
        PROBLEMS + "resource-not-found",
        resource_type=kind,
        resource_id=identifier,
    )


def duplicate():
    return problem(
        403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
    )


def too_many_requests(reset: int):
    response = problem(429, "Too Many Requests", "Too Many Requests")
    response["x-rate-limit-reset"] = str(reset)
    return response


def rate_limit_burst(reset: int):
    """A fault's burst of 429s, with the window spent (xsandbox.faults)."""
    response = too_many_requests(reset)
    response["x-rate-limit-limit"] = "100"
    response["x-rate-limit-remaining"] = "0"
    return response


def usage_capped():
    return problem(
        429,
        "UsageCapExceeded",
        "Usage cap exceeded: Monthly product cap",
        PROBLEMS + "usage-capped",
        period="Monthly",
        scope="Product",
    )


def credits_depleted():
    return problem(
        402,
        "CreditsDepleted",
        "Your enrolled account does not have any credits to fulfill this request.",
        PROBLEMS + "credits-depleted",
    )


def service_unavailable():
    return problem(503, "Service Unavailable", "Service Unavailable")


# The OAuth token steps answer with X's older error bodies (v1.1 codes), or plain text.
COULD_NOT_AUTHENTICATE = (32, "Could not authenticate you.")
CALLBACK_NOT_APPROVED = (
    415,
    "Callback URL not approved for this client application. Approved callback URLs can be "
    "adjusted in your application settings",
)
INVALID_TOKEN = "Invalid or expired token"  # noqa: S105 - X's words, not a token
INVALID_VERIFIER = "Invalid oauth_verifier parameter"


def oauth_error(status: int, error: tuple[int, str]):
    code, message = error
    return JsonResponse({"errors": [{"code": code, "message": message}]}, status=status)


def oauth_text(status: int, text: str):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def reply_not_allowed():
    """X's 403 for a reply to a post whose author did not mention or quote the account."""
    return problem(
        403,
        "Forbidden",
        "Reply to this conversation is not allowed because you have not been mentioned or "
        "otherwise engaged by the author of the post you are replying to.",
    )
