"""X's OAuth token endpoints, for 3-legged sign-in: oauth/request_token (signed by the app
alone, with its oauth_callback) and oauth/access_token (signed with the approved request
token, with its oauth_verifier). Answers are form-encoded, refusals X's own; a request too
malformed to check is one X could not authenticate."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauthlib.oauth1 import OAuth1Error

from xsandbox import problems
from xsandbox.models import App, RequestToken
from xsandbox.oauth import check_token_request
from xsandbox.signin import exchange_request_token, issue_request_token


@csrf_exempt
@require_POST
def request_token(request):
    try:
        valid, oauth_request, held = check_token_request(request, step="request")
    except (OAuth1Error, ValueError):
        return problems.oauth_error(401, problems.COULD_NOT_AUTHENTICATE)
    if not valid:
        if held.get("client") and held.get("signature") and held.get("callback") is False:
            return problems.oauth_error(403, problems.CALLBACK_NOT_APPROVED)
        return problems.oauth_error(401, problems.COULD_NOT_AUTHENTICATE)
    app = App.objects.get(consumer_key=oauth_request.client_key)
    issued = issue_request_token(app, callback=oauth_request.redirect_uri)
    return _form(
        oauth_token=issued.token, oauth_token_secret=issued.secret, oauth_callback_confirmed="true"
    )


@csrf_exempt
@require_POST
def access_token(request):
    try:
        valid, oauth_request, held = check_token_request(request, step="access")
    except (OAuth1Error, ValueError):
        return problems.oauth_error(401, problems.COULD_NOT_AUTHENTICATE)
    if not valid:
        return _access_refusal(held)
    approved = RequestToken.objects.select_related("account").get(
        app__consumer_key=oauth_request.client_key, token=oauth_request.resource_owner_key
    )
    grant = exchange_request_token(approved)
    if grant is None:
        return problems.oauth_text(401, problems.INVALID_TOKEN)
    return _form(
        oauth_token=grant.access_token,
        oauth_token_secret=grant.access_token_secret,
        user_id=approved.account.user_id,
        screen_name=approved.account.handle,
    )


def _access_refusal(held: dict):
    """X's refusal, naming the first check that failed: keys, token, verifier, signature."""
    if held.get("client") is False:
        return problems.oauth_error(401, problems.COULD_NOT_AUTHENTICATE)
    if held.get("resource_owner") is False:
        return problems.oauth_text(401, problems.INVALID_TOKEN)
    if held.get("verifier") is False:
        return problems.oauth_text(401, problems.INVALID_VERIFIER)
    return problems.oauth_error(401, problems.COULD_NOT_AUTHENTICATE)


def _form(**fields: str) -> HttpResponse:
    return HttpResponse(urlencode(fields), content_type="application/x-www-form-urlencoded")
