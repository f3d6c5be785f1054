"""Listening: which mentions get a reply and why others do not, and reading mentions from the
sandbox over HTTP through platforms.client_for."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from requests_oauthlib import OAuth1Session

from activity.models import Activity
from autonomy.listening import (
    History,
    Standing,
    check_mentions,
    decide,
    listening_bots,
    matched_keyword,
    summons,
)
from autonomy.models import Mention
from bots.do_not_reply import add_to_do_not_reply
from bots.listener import save_listener
from bots.models import Bot, DoNotReply, Listener
from platforms import client_for
from platforms.base import Post
from tests.conftest import make_mastodon_bot
from tests.factories import make_bot, make_sandbox_mentions
from tests.integration.world import ready_corpus_for, sandbox_bot, sandbox_timeline
from tweets import posting, services
from tweets.models import Tweet
from xsandbox.accounts import credentials_of, ensure_account
from xsandbox.bluesky import accounts as bluesky_accounts
from xsandbox.bridge.accounts import set_bluesky_bridged, set_mastodon_bridged
from xsandbox.mastodon import accounts as mastodon_accounts

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
QUIET = History(replies_in_conversation=0, last_reply_to_author=None, replies_in_last_hour=0)


def listener(**fields) -> Listener:
    fields.setdefault("keywords", ["door", "window"])
    return Listener(**fields)


def mention(text="Is the door open?", author_id="200", conversation_id="1") -> Post:
    return Post(id="10", text=text, author_id=author_id, conversation_id=conversation_id)


def test_it_matches_keywords_as_words_ignoring_case_punctuation_handles_and_links():
    keywords = ["door", "window"]

    assert matched_keyword("The DOOR, at last!", keywords) == "door"
    assert matched_keyword("@door_bot hello", keywords) == ""
    assert matched_keyword("see https://example.com/door", keywords) == ""
    assert matched_keyword("doorway", keywords) == ""
    assert matched_keyword("a window and a door", keywords) == "door"


def test_it_replies_to_a_mention_with_a_keyword():
    decision = decide(mention(), bot_user_id="100", listener=listener(), history=QUIET, now=NOW)

    assert (decision.replies, decision.keyword) == (True, "door")


def test_it_never_replies_to_itself():
    decision = decide(
        mention(author_id="100"), bot_user_id="100", listener=listener(), history=QUIET, now=NOW
    )

    assert decision.skip_reason == "it is the bot's own post"


def test_it_skips_a_mention_without_a_keyword():
    decision = decide(
        mention("Nice weather."), bot_user_id="100", listener=listener(), history=QUIET, now=NOW
    )

    assert decision.skip_reason == "no keyword in it"


def test_it_stops_at_the_conversation_limit():
    history = History(replies_in_conversation=3, last_reply_to_author=None, replies_in_last_hour=0)

    decision = decide(
        mention(),
        bot_user_id="100",
        listener=listener(max_replies_per_conversation=3),
        history=history,
        now=NOW,
    )

    assert decision.skip_reason == "already replied 3 times in this conversation (limit 3)"


def test_it_waits_out_the_cooldown_for_the_same_account():
    rules = listener(cooldown=timedelta(minutes=15), max_replies_per_conversation=3)
    recently = History(0, NOW - timedelta(minutes=5), 0)
    long_ago = History(0, NOW - timedelta(minutes=16), 0)

    refused = decide(mention(), bot_user_id="100", listener=rules, history=recently, now=NOW)
    allowed = decide(mention(), bot_user_id="100", listener=rules, history=long_ago, now=NOW)

    assert refused.skip_reason == "replied to this account 5 min ago (cooldown 15 min)"
    assert allowed.replies


def test_it_holds_the_hourly_ceiling():
    history = History(replies_in_conversation=0, last_reply_to_author=None, replies_in_last_hour=10)

    decision = decide(
        mention(),
        bot_user_id="100",
        listener=listener(max_replies_per_hour=10),
        history=history,
        now=NOW,
    )

    assert decision.skip_reason == "10 replies in the last hour already (limit)"


def test_every_decision_path_is_bounded_for_any_counts():
    """Whatever the counts, a reply is only ever allowed under every limit at once."""
    rules = listener(max_replies_per_conversation=3, max_replies_per_hour=5)
    for in_conversation in range(6):
        for minutes_ago in (None, 1, 14, 15, 60):
            for in_hour in range(8):
                last = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
                history = History(in_conversation, last, in_hour)
                decision = decide(
                    mention(), bot_user_id="100", listener=rules, history=history, now=NOW
                )
                within = in_conversation < 3 and in_hour < 5 and minutes_ago in (None, 15, 60)
                assert decision.replies == within


@pytest.fixture
def speakers(sandbox, transactional_db, credential_keys, owner):
    """Two sandbox bots with corpora that speak of doors and windows."""
    first = sandbox_bot(name="First", handle="first_bot", owners=[owner])
    second = sandbox_bot(name="Second", handle="second_bot", owners=[owner])
    ready_corpus_for(first)
    ready_corpus_for(second)
    return first, second


def test_it_reads_mentions_over_http_and_answers_once(speakers, owner):
    first, second = speakers
    save_listener(
        first,
        by=owner,
        keywords=["door"],
        reply_mode=Bot.PostingMode.AUTOPILOT,
        confirm_reply_rule=True,
    )
    asked = client_for(second).post("@first_bot which door did he take?")
    client_for(second).post("@first_bot nothing to see here")

    decided = check_mentions(first, rng=random.Random(1))
    again = check_mentions(first, rng=random.Random(1))

    assert [m.decision for m in decided] == ["replied", "skipped"]
    assert again == []
    replied = Mention.objects.get(bot=first, post_id=asked)
    assert (replied.keyword, replied.author_username) == ("door", "second_bot")
    assert replied.reply.in_reply_to_post_id == asked
    assert replied.reply.state == Tweet.State.APPROVED
    assert "door" in replied.reply.text.lower()
    skipped = Activity.objects.get(bot=first, action="mention.skipped")
    assert skipped.message == "Skipped a mention from @second_bot: no keyword in it."


def test_replies_in_review_mode_wait_as_drafts(speakers, owner):
    first, second = speakers
    save_listener(first, by=owner, keywords=["window"], reply_mode=Bot.PostingMode.REVIEW)
    client_for(second).post("@first_bot the window was open")

    (decided,) = check_mentions(first, rng=random.Random(2))

    assert decided.reply.state == Tweet.State.DRAFT


def test_a_rate_limited_read_waits_for_xs_reset_and_loses_no_mention(speakers, owner):
    from xsandbox.limits import WINDOW_SECONDS
    from xsandbox.models import Account, RateWindow

    first, second = speakers
    save_listener(first, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    client_for(second).post("@first_bot the door, please")
    start = int(time.time())  # a window opened now
    RateWindow.objects.create(
        account=Account.objects.get(handle="first_bot"),
        endpoint="mentions",
        window_start=start,
        count=300,
    )

    assert check_mentions(first) == []

    listener = Listener.objects.get(bot=first)
    assert listener.paused_until == datetime.fromtimestamp(start + WINDOW_SECONDS, tz=UTC)
    assert first.pk not in listening_bots(timezone.now())
    assert first.pk in listening_bots(listener.paused_until)
    RateWindow.objects.all().delete()
    (decided,) = check_mentions(first, rng=random.Random(3))
    assert decided.decision == Mention.Decision.REPLIED


def test_it_reads_no_mentions_for_a_bot_that_may_not_post(db, credential_keys):
    from tests.conftest import SECRETS
    from tests.factories import make_bot

    bots = {
        "listening": make_bot(credentials=SECRETS),
        "out of credit": make_bot(credentials=SECRETS, out_of_credit_reason="402"),
        "refused": make_bot(credentials=SECRETS, attention_reason="401"),
        "paused": make_bot(credentials=SECRETS, is_active=False),
        "no credentials": make_bot(),
    }
    for bot in bots.values():
        Listener.objects.create(bot=bot, keywords=["door"])
    assert listening_bots(NOW) == [bots["listening"].pk]


def sandbox_accounts():
    from xsandbox.models import Account

    return Account.objects.get(handle="first_bot"), Account.objects.get(handle="second_bot")


def test_every_mention_between_two_reads_is_decided_once_across_pages(speakers, owner):
    first, _ = speakers
    save_listener(first, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    heard, speaker = sandbox_accounts()
    posts = make_sandbox_mentions(author=speaker, mentioned=heard, count=150)

    decided = check_mentions(first)

    assert [m.post_id for m in decided] == [post.post_id for post in posts]
    assert Listener.objects.get(bot=first).since_id == posts[-1].post_id
    assert check_mentions(first) == []
    assert Mention.objects.filter(bot=first).count() == 150


def test_a_429_on_the_second_page_resumes_where_it_stopped_without_loss_or_repeat(speakers, owner):
    from xsandbox.limits import LIMITS, WINDOW_SECONDS
    from xsandbox.models import RateWindow

    first, _ = speakers
    save_listener(first, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    heard, speaker = sandbox_accounts()
    posts = make_sandbox_mentions(author=speaker, mentioned=heard, count=150)
    start = int(time.time())  # a window opened now
    # The first page is the window's last allowed request: the second is answered 429.
    RateWindow.objects.create(
        account=heard, endpoint="mentions", window_start=start, count=LIMITS["mentions"] - 1
    )

    before = check_mentions(first)

    listener = Listener.objects.get(bot=first)
    assert listener.paused_until == datetime.fromtimestamp(start + WINDOW_SECONDS, tz=UTC)
    assert [m.post_id for m in before] == [post.post_id for post in posts[50:]]
    assert listener.since_id == ""  # the fifty older ones are not decided yet
    RateWindow.objects.all().delete()

    after = check_mentions(first)

    assert [m.post_id for m in after] == [post.post_id for post in posts[:50]]
    assert Listener.objects.get(bot=first).since_id == posts[-1].post_id
    assert Mention.objects.filter(bot=first).count() == 150
    assert check_mentions(first) == []


def test_a_flood_is_read_a_few_pages_a_run_and_the_rest_on_the_next(speakers, owner, settings):
    settings.LISTEN_MAX_PAGES = 1
    first, _ = speakers
    save_listener(first, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    heard, speaker = sandbox_accounts()
    posts = make_sandbox_mentions(author=speaker, mentioned=heard, count=250)

    runs = [check_mentions(first)]
    (newer,) = make_sandbox_mentions(author=speaker, mentioned=heard, count=1)
    runs += [check_mentions(first), check_mentions(first), check_mentions(first)]

    assert [[m.post_id for m in run] for run in runs] == [
        [post.post_id for post in posts[150:]],
        [post.post_id for post in posts[50:150]],
        [post.post_id for post in posts[:50]],
        [newer.post_id],
    ]
    assert Listener.objects.get(bot=first).since_id == newer.post_id
    assert Mention.objects.filter(bot=first).count() == 251


# X's rules: summoned replies only, one reply per post, "stop" ---------------------------


def test_a_mention_that_does_not_summon_the_bot_is_never_answered():
    decision = decide(
        mention("Is the door open?"),
        bot_user_id="100",
        listener=listener(),
        history=QUIET,
        now=NOW,
        standing=Standing(summoned=False),
    )

    assert not decision.replies
    assert decision.keyword == "", "keywords are looked for in summoned mentions only"
    assert "does not mention the bot" in decision.skip_reason


def test_a_post_summons_the_bot_by_its_own_mentions_not_by_its_conversation(bot):
    bot.handle = "first_bot"
    in_thread = Post(id="1", text="the door!", conversation_id="9", in_reply_to_user_id="100")
    named = Post(id="2", text="the door, @First_Bot!")
    reported = Post(id="3", text="the door!", mentions=("first_bot",))

    assert not summons(bot, in_thread)
    assert summons(bot, named)
    assert summons(bot, reported)


def test_the_same_mention_delivered_twice_gets_one_reply(speakers, owner):
    first, second = speakers
    save_listener(first, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    asked = client_for(second).post("@first_bot which door?")

    check_mentions(first, rng=random.Random(1))
    # X delivers it again: the read starts over from the beginning.
    Listener.objects.filter(bot=first).update(since_id="")
    again = check_mentions(first, rng=random.Random(2))

    assert again == []
    assert Tweet.objects.filter(bot=first, in_reply_to_post_id=asked).count() == 1
    assert Mention.objects.filter(bot=first, post_id=asked).count() == 1


def test_two_listening_runs_racing_write_one_reply_per_post(speakers, owner):
    first, second = speakers
    save_listener(
        first,
        by=owner,
        keywords=["door"],
        reply_mode=Bot.PostingMode.REVIEW,
        cooldown=timedelta(0),
    )
    asked = [client_for(second).post(f"@first_bot door number {n}?") for n in range(3)]
    start = threading.Barrier(2)
    failures = []

    def run(seed):
        try:
            start.wait()
            check_mentions(Bot.objects.get(pk=first.pk), rng=random.Random(seed))
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    runs = [threading.Thread(target=run, args=(seed,)) for seed in (1, 2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)

    assert failures == []
    for post_id in asked:
        # Decided once; replied to at most once (a draft the corpus cannot vary enough from
        # the other replies is a skip, with its reason, not a second try).
        (mention,) = Mention.objects.filter(bot=first, post_id=post_id)
        replies = Tweet.objects.filter(bot=first, in_reply_to_post_id=post_id)
        assert replies.count() == (mention.decision == Mention.Decision.REPLIED), mention.reason
    assert Mention.objects.filter(bot=first, decision=Mention.Decision.REPLIED).exists()


@pytest.fixture
def stranger(sandbox):
    """A sandbox account no bot speaks for, with its own signed client."""
    account = ensure_account("stranger", name="Stranger")[0]
    return account, OAuth1Session(*credentials_of(account).values())


def test_stop_puts_the_author_on_the_flocks_list_and_every_bot_honours_it(
    speakers, owner, stranger, sandbox
):
    first, second = speakers
    account, session = stranger
    base = f"{sandbox.url}/xsandbox"
    for bot in speakers:
        save_listener(bot, by=owner, keywords=["door"], reply_mode=Bot.PostingMode.REVIEW)
    session.post(f"{base}/2/tweets", json={"text": "@first_bot STOP replying, door or not."})

    (heard,) = check_mentions(first, rng=random.Random(1))
    later = session.post(f"{base}/2/tweets", json={"text": "@second_bot is the door open?"})
    (skipped,) = check_mentions(second, rng=random.Random(2))

    assert heard.decision == Mention.Decision.SKIPPED and heard.reply is None
    entry = DoNotReply.objects.get(network="x", account_id=account.user_id)
    assert (entry.handle, entry.heard_by) == ("stranger", first)
    assert Activity.objects.filter(bot=first, action="bot.do_not_reply_added").exists()
    assert skipped.post_id == later.json()["data"]["id"]
    assert skipped.decision == Mention.Decision.SKIPPED
    assert skipped.reason == "@stranger is on the flock's do-not-reply list"
    assert not Tweet.objects.exclude(in_reply_to_post_id="").exists()


def test_a_draft_mentioning_a_listed_account_is_refused_at_approval_and_at_posting(
    speakers, owner, stranger
):
    first, second = speakers
    queued = Tweet.objects.create(bot=second, text="Good evening, @stranger and all.")
    services.approve_tweet(queued, by=owner)
    add_to_do_not_reply("x", handle="stranger", account_id=stranger[0].user_id, reason="stop")
    draft = Tweet.objects.create(bot=first, text="Hello again @Stranger, the door is open.")

    with pytest.raises(services.InvalidText, match="@stranger, on the flock's do-not-reply"):
        services.approve_tweet(draft, by=owner)
    posting.post_claimed(posting.claim_next(second.pk))

    queued.refresh_from_db()
    assert queued.state == Tweet.State.FAILED
    assert "do-not-reply list" in queued.last_error
    assert sandbox_timeline(second) == {}, "nothing reached the sandbox"


def test_autopilot_replies_on_x_wait_for_review_until_the_owner_confirms_the_rule(speakers, owner):
    first, second = speakers
    save_listener(
        first,
        by=owner,
        keywords=["door"],
        reply_mode=Bot.PostingMode.AUTOPILOT,
        cooldown=timedelta(0),
    )
    client_for(second).post("@first_bot the door?")
    (unconfirmed,) = check_mentions(first, rng=random.Random(1))

    save_listener(first, by=owner, confirm_reply_rule=True)
    client_for(second).post("@first_bot the other door?")
    (confirmed,) = check_mentions(first, rng=random.Random(2))

    assert unconfirmed.reply.state == Tweet.State.DRAFT
    assert confirmed.reply.state == Tweet.State.APPROVED
    listener = Listener.objects.get(bot=first)
    assert listener.autopilot_confirmed_by == owner
    assert listener.autopilot_confirmed_at is not None


@pytest.fixture
def mastodon_speakers(mastodon_sandbox, transactional_db, credential_keys, owner):
    """Two bots on the Mastodon sandbox, with corpora."""
    first = make_mastodon_bot(mastodon_accounts.ensure_account("first")[0], owners=[owner])
    second = make_mastodon_bot(mastodon_accounts.ensure_account("second")[0], owners=[owner])
    ready_corpus_for(first)
    ready_corpus_for(second)
    return first, second


def _post_queued(bot) -> list[Tweet]:
    sent = []
    while (claimed := posting.claim_next(bot.pk)) is not None:
        sent.append(posting.post_claimed(claimed))
    return sent


def test_two_mastodon_bots_answer_each_other_until_the_loop_guards_stop_them(
    mastodon_speakers, owner
):
    first, second = mastodon_speakers
    for bot in mastodon_speakers:
        save_listener(bot, by=owner, keywords=["the"], reply_mode=Bot.PostingMode.AUTOPILOT)
    opener = client_for(second).post("@first what of the night?")
    rng = random.Random(3)
    for _ in range(4):
        for bot in (first, second):
            check_mentions(bot, rng=rng)
            assert all(tweet.state == Tweet.State.POSTED for tweet in _post_queued(bot))
    replied = Mention.objects.filter(decision=Mention.Decision.REPLIED)
    skipped = Mention.objects.filter(decision=Mention.Decision.SKIPPED)
    # First answers the opener, Second answers that reply (a reply notifies the author it
    # answers), and the next answer to the same account waits out the cooldown: it stops.
    assert replied.count() == 2
    assert "cooldown" in skipped.get().reason
    assert set(Mention.objects.values_list("conversation_id", flat=True)) == {opener}
    reply = replied.get(bot=first).reply
    assert reply.in_reply_to_post_id == opener and reply.x_post_id


@pytest.fixture
def bluesky_speakers(sandbox, transactional_db, credential_keys, owner):
    """Two bots on the Bluesky sandbox, with corpora, as connecting leaves them."""
    speakers = []
    for handle in ("first.bsky.sandbox.test", "second.bsky.sandbox.test"):
        account, password = bluesky_accounts.ensure_account(handle)
        bot = make_bot(
            name=handle.split(".")[0].title(),
            handle=handle,
            platform="bluesky_sandbox",
            x_user_id=account.did,
            credentials={"app_password": password},
            owners=[owner],
        )
        ready_corpus_for(bot)
        speakers.append(bot)
    return speakers


def test_two_bluesky_bots_answer_each_other_until_the_loop_guards_stop_them(
    bluesky_speakers, owner
):
    first, second = bluesky_speakers
    for bot in bluesky_speakers:
        save_listener(bot, by=owner, keywords=["the"], reply_mode=Bot.PostingMode.AUTOPILOT)
    opener = client_for(second).post("@first.bsky.sandbox.test what of the night?")
    rng = random.Random(3)
    for _ in range(4):
        for bot in (first, second):
            check_mentions(bot, rng=rng)
            assert all(tweet.state == Tweet.State.POSTED for tweet in _post_queued(bot))
    replied = Mention.objects.filter(decision=Mention.Decision.REPLIED)
    # First answers the opener, Second answers that reply, and the next answer to the same
    # account waits out the cooldown: the exchange stops, each mention decided once.
    assert replied.count() == 2
    assert "cooldown" in Mention.objects.get(decision=Mention.Decision.SKIPPED).reason
    reply = replied.get(bot=first).reply
    assert reply.in_reply_to_post_id == opener and reply.x_post_id.startswith("at://")
    assert Mention.objects.values("bot", "post_id").distinct().count() == Mention.objects.count()


@pytest.fixture
def bridged_speakers(mastodon_sandbox, transactional_db, credential_keys, owner):
    """A bot on the Mastodon sandbox and one on the Bluesky sandbox, both on its Bridgy Fed."""
    tide = mastodon_accounts.ensure_account("tide")[0]
    set_mastodon_bridged(tide, True, host="localhost")
    mastodon_bot = make_mastodon_bot(tide, owners=[owner])
    account, password = bluesky_accounts.ensure_account("sky.bsky.sandbox.test")
    set_bluesky_bridged(account, True)
    bluesky_bot = make_bot(
        name="Sky",
        handle=account.handle,
        platform="bluesky_sandbox",
        x_user_id=account.did,
        credentials={"app_password": password},
        owners=[owner],
    )
    for bot in (mastodon_bot, bluesky_bot):
        ready_corpus_for(bot)
    return mastodon_bot, bluesky_bot


def test_a_mastodon_bot_and_a_bluesky_bot_answer_each_other_until_the_loop_guards_stop_them(
    bridged_speakers, owner
):
    tide, sky = bridged_speakers
    for bot in bridged_speakers:
        save_listener(bot, by=owner, keywords=["the"], reply_mode=Bot.PostingMode.AUTOPILOT)
    opener = client_for(tide).post("@sky.bsky.sandbox.test@bsky.brid.gy what of the night?")
    rng = random.Random(3)
    for _ in range(4):
        for bot in (sky, tide):
            check_mentions(bot, rng=rng)
            assert all(tweet.state == Tweet.State.POSTED for tweet in _post_queued(bot))
    replied = Mention.objects.filter(decision=Mention.Decision.REPLIED)
    # Sky hears the opener through the bridge and answers it; Tide hears that answer as a
    # reply to its opener and answers; Sky's next answer to the same account waits out the
    # cooldown: the exchange stops, each mention decided once, on each side of the bridge.
    assert replied.count() == 2
    assert "cooldown" in Mention.objects.get(decision=Mention.Decision.SKIPPED).reason
    heard = replied.get(bot=sky)
    assert heard.author_username == "tide.localhost.ap.brid.gy"
    answered = replied.get(bot=tide)
    assert answered.author_username == "sky.bsky.sandbox.test@bsky.brid.gy"
    assert answered.conversation_id == opener, "the thread of the opener, on Mastodon"
    # Mastodon notifies only whom a text mentions: the reply's draft begins with the author.
    assert answered.reply.text.startswith("@sky.bsky.sandbox.test@bsky.brid.gy ")
    assert heard.reply.x_post_id.startswith("at://") and answered.reply.x_post_id.isdigit()
    assert Mention.objects.values("bot", "post_id").distinct().count() == Mention.objects.count()
