"""How pages say when: "just now", never "0 minutes ago"; "due now" for what is waiting."""

from datetime import timedelta

from django.utils import timezone

from pages.templatetags.page_format import when, when_due


def test_a_moment_within_a_minute_is_just_now():
    now = timezone.now()
    assert when(now) == "just now"
    assert when(now - timedelta(seconds=50)) == "just now"
    assert when(now - timedelta(minutes=3)) == "3\xa0minutes ago"
    assert when(None) == ""


def test_something_waiting_past_its_time_is_due_now_not_seconds_ago():
    assert when_due(timezone.now() - timedelta(seconds=15)) == "due now"
    assert when_due(timezone.now() + timedelta(hours=2, seconds=5)) == "2\xa0hours from now"
