"""The activity log as people meet it: services write who did what to tweets, images,
corpora and bot settings, and the activity page, bot page and corpus page show it, each
owner seeing only their own bots' entries."""

import datetime
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from bots import services as bot_services
from bots.gallery import add_gallery_image, set_alt_text
from corpora import services as corpus_services
from tests.factories import image_bytes, make_bot, make_corpus, make_tweet, make_user
from tests.integration.world import ready_corpus_for
from tweets import drafting, services
from tweets.images import remove_gallery_image

pytestmark = pytest.mark.django_db


def actions(**filters) -> list[tuple[str, str]]:
    return list(
        Activity.objects.filter(**filters).order_by("pk").values_list("action", "actor_name")
    )


def test_tweet_changes_say_who_did_what(bot, owner):
    draft = make_tweet(bot=bot, text="The first words.")

    services.edit_tweet(draft, text="Better words.", by=owner)
    services.approve_tweet(draft, by=owner)
    services.reject_tweet(draft, by=owner)

    assert actions(tweet=draft) == [
        ("tweet.edited", owner.username),
        ("tweet.approved", owner.username),
        ("tweet.rejected", owner.username),
    ]
    edited = Activity.objects.get(tweet=draft, action="tweet.edited")
    assert edited.details == {"before": "The first words."}
    assert Activity.objects.get(action="tweet.rejected").message == "Rejected a queued tweet."


def test_a_generation_batch_is_one_entry_by_the_person_who_asked(bot, owner):
    ready_corpus_for(bot)

    drafts = drafting.generate_drafts(bot, count=3, rng=random.Random(5), by=owner)

    (entry,) = Activity.objects.filter(action="tweet.generated")
    assert (entry.actor, entry.bot, entry.details["count"]) == (owner, bot, len(drafts))
    assert entry.message == "Wrote 3 drafts."


def test_pausing_and_settings_changes_are_logged_without_secrets(bot, owner, secrets_):
    bot_services.pause_bot(bot, by=owner)
    bot.daily_post_cap = 7
    bot.posting_mode = "autopilot"
    bot_services.save_bot_settings(bot, credentials={"consumer_key": "ck-new-value"}, by=owner)

    messages = list(
        Activity.objects.filter(bot=bot).order_by("pk").values_list("message", flat=True)
    )
    assert messages[0] == "Paused the bot: nothing posts until resumed."
    assert "posting mode Review first → Autopilot" in messages[1]
    assert "daily post cap 24 → 7" in messages[1]
    assert all("ck-new-value" not in message for message in messages)


def test_gallery_changes_are_logged(bot, owner):
    upload = SimpleUploadedFile("harbour.png", image_bytes(), "image/png")
    image = add_gallery_image(bot, upload=upload, by=owner).image
    set_alt_text(image, text="A harbour at dusk.", by=owner)
    remove_gallery_image(image, by=owner)

    assert actions(bot=bot) == [
        ("image.added", owner.username),
        ("image.alt_text", owner.username),
        ("image.deleted", owner.username),
    ]


def test_corpus_sources_and_builds_are_logged(owner):
    corpus = make_corpus(created_by=owner)

    corpus_services.add_text_source(corpus, text="Too short.", by=owner)
    corpus_services.build_corpus_model(corpus)

    assert actions(corpus=corpus) == [
        ("corpus.source_added", owner.username),
        ("corpus.failed", "worker"),
    ]


def test_the_activity_page_filters_and_shows_owners_only_their_entries(client, bot, owner):
    stranger = make_user()
    theirs = make_bot(name="Stranger bot", owners=[stranger])
    bot_services.pause_bot(bot, by=owner)
    bot_services.resume_bot(bot, by=owner)
    bot_services.pause_bot(theirs, by=stranger)
    client.force_login(owner)

    everything = client.get(reverse("bots:activity")).content.decode()
    paused_only = client.get(reverse("bots:activity"), {"subject": "bot", "person": owner.username})

    assert "Paused the bot" in everything and "Resumed the bot" in everything
    assert "Stranger bot" not in everything
    assert paused_only.status_code == 200
    bad_dates = client.get(reverse("bots:activity"), {"since": "2026-12-02", "until": "2026-12-01"})
    assert "The start date is after the end date." in bad_dates.content.decode()


def test_the_activity_page_pages_by_id(client, bot, owner, settings):
    from dashboard import activity

    for n in range(activity.ACTIVITY_PAGE_SIZE + 5):
        Activity.objects.create(action="bot.paused", message=f"Entry {n}.", actor_name="x", bot=bot)
    client.force_login(owner)

    first = client.get(reverse("bots:activity")).content.decode()
    oldest_shown = Activity.objects.order_by("-pk")[activity.ACTIVITY_PAGE_SIZE - 1].pk
    second = client.get(reverse("bots:activity"), {"before": oldest_shown}).content.decode()

    assert "Entry 54." in first and "Entry 4." not in first and "Older entries" in first
    assert "Entry 4." in second and "Entry 0." in second and "Older entries" not in second


def test_the_bot_page_and_a_tweets_history_show_its_activity(client, bot, owner):
    draft = make_tweet(bot=bot, text="Look at this one.")
    services.approve_tweet(draft, by=owner)
    client.force_login(owner)

    page = client.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    history = client.get(reverse("bots:activity"), {"tweet": draft.pk}).content.decode()

    assert "Recent activity" in page and "Approved to post now." in page
    assert "Approved to post now." in history


def test_deleting_a_tweet_in_the_admin_is_logged_with_its_text(client, superuser, bot):
    tweet = make_tweet(bot=bot, text="Soon to be gone.")
    client.force_login(superuser)

    response = client.post(reverse("admin:tweets_tweet_delete", args=[tweet.pk]), {"post": "yes"})

    assert response.status_code == 302
    entry = Activity.objects.get(action="tweet.deleted")
    assert (entry.bot, entry.actor, entry.details["text"]) == (bot, superuser, "Soon to be gone.")
    assert entry.message == "Deleted a draft tweet: “Soon to be gone.”."


def test_editing_a_drafts_text_in_the_admin_goes_through_the_service(client, superuser, bot):
    tweet = make_tweet(bot=bot, text="Draft as written.")
    posted = make_tweet(bot=bot, text="Already out.", state="posted")
    client.force_login(superuser)
    change = reverse("admin:tweets_tweet_change", args=[tweet.pk])

    inlines = {
        f"{prefix}-{field}": value
        for prefix in ("tweetimage_set", "attempts")
        for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
    }
    response = client.post(change, {"bot": bot.pk, "text": "Draft as edited.", **inlines})

    assert response.status_code == 302, response.content.decode()[:2000]
    tweet.refresh_from_db()
    assert tweet.text == "Draft as edited."
    assert Activity.objects.get(action="tweet.edited").details == {"before": "Draft as written."}
    too_long = client.post(change, {"bot": bot.pk, "text": "word " * 80, **inlines})
    assert "the limit is 280" in too_long.content.decode()
    page = client.get(reverse("admin:tweets_tweet_change", args=[posted.pk])).content.decode()
    assert 'name="text"' not in page


@pytest.mark.parametrize("bot_by_bot", [50, 1])
def test_the_activity_page_is_newest_first_across_bots_and_corpora_page_after_page(
    client, owner, monkeypatch, bot_by_bot
):
    from dashboard import activity

    monkeypatch.setattr(activity, "ACTIVITY_PAGE_SIZE", 3)
    monkeypatch.setattr(activity, "BOT_BY_BOT", bot_by_bot)  # read bot by bot, or in one go
    first, second = make_bot(owners=[owner]), make_bot(owners=[owner])
    stranger = make_bot(owners=[make_user()])
    corpus = make_corpus(created_by=owner)
    now = timezone.now()
    for days, bot, corpus_ in [
        (1, first, None),
        (6, second, None),
        (2, None, corpus),
        (4, first, None),
        (3, stranger, None),
        (5, second, None),
        (0, None, None),  # about nothing the owner may see
    ]:
        Activity.objects.create(
            action="bot.paused",
            message=f"{days} days ago.",
            actor_name="x",
            bot=bot,
            corpus=corpus_,
            created_at=now - datetime.timedelta(days=days),
        )
    client.force_login(owner)

    pages, before = [], None
    while True:
        page = activity.activity_page(owner, {"before": before} if before else {})
        pages.append([entry.message for entry in page["entries"]])
        if not (before := page["next_before"]):
            break

    assert pages == [
        ["1 days ago.", "2 days ago.", "4 days ago."],
        ["5 days ago.", "6 days ago."],
    ]


def test_the_activity_page_keeps_to_dates_in_the_sites_time_zone(client, bot, owner):
    today = timezone.localdate()
    for days, message in ((0, "Today."), (10, "Ten days ago."), (20, "Twenty days ago.")):
        Activity.objects.create(
            action="bot.paused",
            message=message,
            actor_name="x",
            bot=bot,
            created_at=timezone.now() - datetime.timedelta(days=days),
        )
    client.force_login(owner)
    until = (today - datetime.timedelta(days=10)).isoformat()
    since = (today - datetime.timedelta(days=15)).isoformat()

    html = client.get(reverse("bots:activity"), {"since": since, "until": until}).content.decode()

    assert "Ten days ago." in html and "Today." not in html and "Twenty days ago." not in html
