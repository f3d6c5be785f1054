"""The site's own 403, 404 and 500 pages: branded, inside the Content-Security-Policy."""

import pytest
from django.contrib.auth.models import AnonymousUser

from project import errors


def test_an_unknown_page_is_the_branded_404(logged_in):
    response = logged_in.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing here" in html and "aviary.css" in html
    assert "style=" not in html and "<style" not in html
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_a_bot_of_someone_else_is_a_404_too(logged_in, db):
    assert logged_in.get("/bots/999999/").status_code == 404


@pytest.mark.django_db
def test_the_500_page_needs_nothing_from_the_request():
    response = errors.server_error(None)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_the_403_page_is_branded(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = errors.forbidden(request)

    assert response.status_code == 403
    assert "You may not see this page" in response.content.decode()


def test_with_debug_on_an_unknown_page_is_still_the_branded_404(logged_in, settings):
    settings.DEBUG = True

    response = logged_in.get("/bots/no-such-page/")

    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()
