"""Links cost many times a plain post on X: a bot keeps them, strips them as a tweet is
queued, or moves them into a reply to its own post, sent over HTTP once the post is up."""

from platforms import client_for
from tests.factories import make_tweet
from tweets import posting
from tweets.models import Tweet
from tweets.services import approve_tweet

TEXT = "The case notes are up at https://example.com/notes/7 for anyone curious."


def test_a_bot_that_keeps_links_posts_them_as_they_are(bot, owner):
    tweet = make_tweet(bot=bot, text=TEXT)

    approve_tweet(tweet, by=owner)

    assert Tweet.objects.get(pk=tweet.pk).text == TEXT


def test_a_bot_that_strips_links_queues_the_text_without_them(bot, owner):
    bot.link_policy = bot.LinkPolicy.STRIP
    bot.save()
    tweet = make_tweet(bot=bot, text=TEXT)
    only_a_link = make_tweet(bot=bot, text="https://example.com/alone")

    approve_tweet(tweet, by=owner)
    approve_tweet(only_a_link, by=owner)

    tweet.refresh_from_db()
    assert (tweet.text, tweet.links_for_reply) == (
        "The case notes are up at for anyone curious.",
        "",
    )
    assert Tweet.objects.get(pk=only_a_link.pk).text == "https://example.com/alone"


def test_links_moved_into_a_reply_follow_the_post_as_a_reply_to_it(sandbox_bot, owner):
    sandbox_bot.link_policy = sandbox_bot.LinkPolicy.REPLY
    sandbox_bot.save()
    tweet = make_tweet(bot=sandbox_bot, text=TEXT)

    approve_tweet(tweet, by=owner)
    posting.post_claimed(posting.claim_next(sandbox_bot.pk))
    posting.post_claimed(posting.claim_next(sandbox_bot.pk))

    tweet.refresh_from_db()
    reply = Tweet.objects.get(bot=sandbox_bot, in_reply_to_post_id=tweet.x_post_id)
    assert tweet.state == reply.state == Tweet.State.POSTED
    assert tweet.text == "The case notes are up at for anyone curious."
    assert reply.text == "https://example.com/notes/7"
    posts = {post.id: post for post in client_for(sandbox_bot).recent_posts()}
    assert posts[reply.x_post_id].text == "https://example.com/notes/7"
    assert posts[reply.x_post_id].conversation_id == tweet.x_post_id
