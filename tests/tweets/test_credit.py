"""Out of credit (402): the bot's posting pauses with one clear banner, the claimed tweet
goes back to the queue, the rest wait, and resuming after a top-up posts them in order.
Against the sandbox's credit-exhausted fault over real HTTP."""

from django.urls import reverse

from activity.models import Activity
from tests.factories import make_tweet
from tests.integration.world import set_faults
from tweets import posting
from tweets.models import PostAttempt, Tweet
from xsandbox.models import Post


def approved(bot, *texts):
    return [make_tweet(bot=bot, text=text, state=Tweet.State.APPROVED) for text in texts]


def test_a_402_pauses_posting_and_requeues_the_tweet_instead_of_failing(sandbox_bot, account):
    set_faults(account.handle, credits_exhausted=True)
    first, second = approved(sandbox_bot, "No credit for this one.", "Nor for this.")

    first = posting.post_claimed(posting.claim_next(sandbox_bot.pk))

    assert first.state == Tweet.State.APPROVED and "out of API credit" in first.last_error
    assert PostAttempt.objects.get(tweet=first).outcome == "out_of_credit"
    sandbox_bot.refresh_from_db()
    assert "402" in sandbox_bot.out_of_credit_reason
    assert not sandbox_bot.attention_reason
    assert posting.claim_next(sandbox_bot.pk) is None
    assert posting.sweep()["bots"] == []
    second.refresh_from_db()
    assert second.state == Tweet.State.APPROVED and not second.attempts.exists()
    logged = Activity.objects.get(bot=sandbox_bot, action="bot.out_of_credit")
    assert "Top up X credit, then resume posting" in logged.message


def test_the_banner_says_what_to_do_and_resuming_posts_the_queue(client, sandbox_bot, account):
    owner = sandbox_bot.owners.create(username="flockkeeper")
    client.force_login(owner)
    set_faults(account.handle, credits_exhausted=True)
    first, second = approved(sandbox_bot, "Waiting for credit.", "Also waiting.")
    posting.post_claimed(posting.claim_next(sandbox_bot.pk))

    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "X credit ran out for Sandboxed" in dashboard
    assert "Top up X credit, then" in dashboard
    page = client.get(reverse("bots:detail", args=[sandbox_bot.pk])).content.decode()
    assert "X credit ran out" in page and "resume posting" in page

    set_faults(account.handle, credits_exhausted=False)
    response = client.post(reverse("bots:resume_posting", args=[sandbox_bot.pk]))
    assert response.status_code == 302
    sandbox_bot.refresh_from_db()
    assert sandbox_bot.out_of_credit_reason == ""
    assert Activity.objects.filter(action="bot.posting_resumed", actor=owner).exists()
    assert "X credit ran out" not in client.get(reverse("dashboard")).content.decode()

    for _ in range(2):
        posting.post_claimed(posting.claim_next(sandbox_bot.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("posted", "posted")
    texts = list(Post.objects.filter(account=account).order_by("pk").values_list("text", flat=True))
    assert texts == ["Waiting for credit.", "Also waiting."]


def test_resuming_a_bot_that_was_not_paused_changes_nothing(bot, owner):
    from tweets.services import resume_posting

    resume_posting(bot, by=owner)
    assert not Activity.objects.filter(action="bot.posting_resumed").exists()
