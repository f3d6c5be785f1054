"""Links cost many times a plain post on X (platforms Rules.post_price): each bot keeps them,
strips them as a tweet is queued, or moves them into a reply to its own post, sent once the
post is on X (Bot.link_policy)."""

from django.utils import timezone

from bots.models import Bot
from platforms import rules_for
from platforms.base import Call
from platforms.x.text import urls_in
from tweets.models import Tweet
from tweets.safe_text import drop_links
from tweets.states import move_tweet

POLICY_NOTES = {
    Bot.LinkPolicy.KEEP: "The bot keeps links",
    Bot.LinkPolicy.STRIP: "The bot strips links as it is approved",
    Bot.LinkPolicy.REPLY: "The bot moves links into a reply to its own post as it is approved",
}


def link_cost_note(bot: Bot, text: str) -> str:
    """What a link in `text` costs `bot` and what its link setting does with it; '' for a
    text without a link, or on a network where links cost no more (the review card and the
    composer say it)."""
    rules = rules_for(bot)
    if not rules.has_url(text):
        return ""
    plain, with_link = rules.price(Call.POST), rules.post_price(text)
    if with_link <= plain:
        return ""
    return (
        f"This post has a link: it costs ${with_link.normalize():f} instead of "
        f"${plain.normalize():f}, {rules.link_price_ratio()} times as much. "
        f"{POLICY_NOTES[bot.link_policy]} (the bot's settings)."
    )


def link_fields(tweet: Tweet) -> dict:
    """The fields that apply the bot's link policy to a tweet being queued: {} to keep the
    text, or its text without links (and, to move them into a reply, the links). A text
    that is nothing but links keeps them: there would be nothing left to post."""
    policy = tweet.bot.link_policy
    if policy == Bot.LinkPolicy.KEEP or not rules_for(tweet.bot).has_url(tweet.text):
        return {}
    text = drop_links(tweet.text)
    if not text:
        return {}
    fields = {"text": text}
    if policy == Bot.LinkPolicy.REPLY:
        fields["links_for_reply"] = " ".join(urls_in(tweet.text))
    return fields


def queue_link_reply(tweet: Tweet, post_id: str) -> Tweet | None:
    """The tweet is on X as `post_id`: queue its links as a reply to that post, when its
    links were moved out (rows written: Tweet, Activity tweet.approved; the caller's
    transaction queues it with the bot's next tweet). None, and no query, otherwise."""
    if not tweet.links_for_reply:
        return None
    reply = Tweet.objects.create(
        bot=tweet.bot, text=tweet.links_for_reply, in_reply_to_post_id=post_id
    )
    now = timezone.now()
    move_tweet(
        reply,
        Tweet.State.APPROVED,
        expect={Tweet.State.DRAFT},
        fields={"approved_at": now, "next_attempt_at": now},
        action="approved",
        message=f"Queued the links of tweet {tweet.pk} as a reply to its post {post_id}.",
        actor="worker",
    )
    return reply
