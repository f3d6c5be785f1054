"""`manage.py load_demo` sets the demo bots running on their own, once."""

import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from bots.models import Bot
from project.demo.autonomy import OPENER
from project.demo.bridge import opener_text
from tweets.models import Tweet
from xsandbox.models import BlueskyAccount, MastodonAccount, MastodonToken

pytestmark = pytest.mark.django_db


def test_the_demo_bots_get_schedules_listeners_and_one_opening_mention(superuser, credential_keys):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    lighthouse, almanac = Bot.objects.get(name="Lighthouse"), Bot.objects.get(name="Almanac")
    assert lighthouse.schedule.times_of_day == ["09:00", "13:00", "18:00"]
    assert almanac.schedule.every_minutes == 120
    assert "night" in lighthouse.listener.keywords and "night" in almanac.listener.keywords
    # The schedule rows alone say when the next slots run: no per-bot periodic tasks.
    assert lighthouse.schedule.next_run_at is not None
    assert almanac.schedule.next_run_at is not None
    assert not PeriodicTask.objects.filter(name__startswith="aviary: bot ").exists()
    opener = Tweet.objects.get(text=OPENER)
    assert (opener.bot, opener.state, opener.awaits_slot) == (lighthouse, "approved", False)


def test_the_demo_has_a_mastodon_sandbox_bot_posting_on_its_own(superuser, credential_keys):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    tidewatch = Bot.objects.get(name="Tidewatch")
    assert tidewatch.platform == Bot.Platform.MASTODON_SANDBOX
    assert tidewatch.handle.startswith("tidewatch@") and tidewatch.x_user_id
    assert tidewatch.posting_mode == Bot.PostingMode.AUTOPILOT
    assert tidewatch.schedule.every_minutes == 90 and tidewatch.schedule.next_run_at
    assert tidewatch.corpora.exists()
    assert MastodonToken.find(tidewatch.credentials().access_token).account.bot


def test_the_demo_has_a_bluesky_bot_posting_on_its_schedule(superuser, credential_keys):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    skylark = Bot.objects.get(name="Skylark")
    assert (skylark.platform, skylark.posting_mode) == ("bluesky_sandbox", "autopilot")
    assert skylark.can_post() and skylark.x_user_id.startswith("did:plc:")
    assert skylark.schedule.every_minutes == 90 and skylark.schedule.next_run_at is not None
    assert skylark.corpora.exists()


def test_the_demos_mastodon_and_bluesky_bots_listen_across_the_bridge_with_one_opener(
    superuser, credential_keys
):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    tidewatch, skylark = Bot.objects.get(name="Tidewatch"), Bot.objects.get(name="Skylark")
    tide_account = MastodonAccount.objects.get(username="tidewatch")
    sky_account = BlueskyAccount.objects.get(did=skylark.x_user_id)
    assert tide_account.bridged and sky_account.bridged
    # Each is known on the other side, where the opener's mention finds Skylark.
    assert BlueskyAccount.objects.get(bridge_of=tide_account).handle.endswith(".ap.brid.gy")
    in_the_fediverse = MastodonAccount.objects.get(bridge_of=sky_account)
    assert f"@{in_the_fediverse.acct} " in opener_text()
    # Each listens for a word of the other's replies, on autopilot.
    for bot in (tidewatch, skylark):
        assert bot.listener.enabled and bot.listener.replies_on_autopilot()
        assert "night" in bot.listener.keywords
    (opener,) = Tweet.objects.filter(bot=tidewatch, text=opener_text())
    assert (opener.state, opener.awaits_slot) == ("approved", False)
    assert "night" in opener.text
