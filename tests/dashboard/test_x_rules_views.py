"""X's rules on the bot page and the dashboard: the automated-account checklist, the flock's
do-not-reply list added to and taken off, and autopilot replies refused until the owner
confirms X's reply rule."""

from django.urls import reverse

from activity.models import Activity
from bots.do_not_reply import add_to_do_not_reply
from bots.models import DoNotReply, Listener
from tests.factories import make_tweet

LISTENING = {
    "enabled": "on",
    "keywords": "door",
    "reply_mode": "autopilot",
    "max_replies_per_conversation": "3",
    "max_replies_per_hour": "10",
    "cooldown_minutes": "15",
}


def test_autopilot_replies_on_x_are_refused_until_the_rule_is_confirmed(logged_in, bot, owner):
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    refused = logged_in.post(reverse("bots:listener", args=[bot.pk]), LISTENING, follow=True)
    confirmed = logged_in.post(
        reverse("bots:listener", args=[bot.pk]), {**LISTENING, "confirm_reply_rule": "on"}
    )

    assert "allows an automated reply only to a post whose author" in page
    assert refused.redirect_chain[-1][0].endswith("#form-banner")
    assert "Autopilot replies on X need your confirmation first" in refused.content.decode()
    assert confirmed.status_code == 302
    listener = Listener.objects.get(bot=bot)
    assert (listener.reply_mode, listener.autopilot_confirmed_by) == ("autopilot", owner)
    assert Activity.objects.filter(bot=bot, action="bot.reply_rule_confirmed").count() == 1
    again = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert "I confirm X's rule" not in again, "confirmed once is enough"


def test_review_replies_need_no_confirmation(logged_in, bot):
    response = logged_in.post(
        reverse("bots:listener", args=[bot.pk]),
        {**LISTENING, "reply_mode": "review", "stop_words": "Unsubscribe, leave me alone"},
    )

    assert response.status_code == 302
    listener = Listener.objects.get(bot=bot)
    assert listener.stop_words == ["unsubscribe", "leave me alone"]
    assert listener.autopilot_confirmed_at is None


def test_the_do_not_reply_list_is_shown_added_to_and_taken_off_on_the_bot_page(logged_in, bot):
    heard = add_to_do_not_reply("x", handle="grumpy", account_id="77", reason="said “stop”")[0]

    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    added = logged_in.post(
        reverse("bots:do_not_reply_add", args=[bot.pk]), {"handle": "@Quiet_One", "reason": ""}
    )
    bad = logged_in.post(
        reverse("bots:do_not_reply_add", args=[bot.pk]), {"handle": "no way!"}, follow=True
    )
    removed = logged_in.post(reverse("bots:do_not_reply_remove", args=[bot.pk, heard.pk]))

    assert "@grumpy" in page and "said “stop”" in page
    assert added.status_code == removed.status_code == 302
    assert bad.redirect_chain[-1][0].endswith("#form-banner")
    assert "An X handle is 1 to 15 letters" in bad.content.decode()
    assert list(DoNotReply.objects.values_list("handle", flat=True)) == ["Quiet_One"]
    actions = set(Activity.objects.filter(bot=bot).values_list("action", flat=True))
    assert {"bot.do_not_reply_added", "bot.do_not_reply_removed"} <= actions


def test_the_checklist_shows_what_is_left_and_the_dashboard_says_so_in_one_line(
    logged_in, bot, owner
):
    bot.bio = "An automated bot run by @holmes_fan."
    bot.save()

    before = logged_in.get(reverse("dashboard")).content.decode()
    saved = logged_in.post(
        reverse("bots:x_checklist", args=[bot.pk]),
        {"label_set": "on", "operator_handle": "@holmes_fan"},
    )
    after = logged_in.get(reverse("dashboard")).content.decode()
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()

    assert f"{bot.name}</a> (3 to do)" in before
    assert saved.status_code == 302
    bot.refresh_from_db()
    assert (bot.operator_handle, bot.automated_label_confirmed_by) == ("holmes_fan", owner)
    assert "automated-account checklist is not done" not in after
    assert page.count('badge ok">Done') == 3


def test_a_review_card_says_what_a_link_costs_on_x_and_what_the_bot_does_with_it(
    logged_in, bot, settings
):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_WITH_LINK_USD = 0.20
    make_tweet(bot=bot, text="Read it at https://example.com/notes today.")
    make_tweet(bot=bot, text="No link in this one at all.")

    html = logged_in.get(reverse("tweets:review")).content.decode()

    assert html.count("This post has a link") == 1
    assert "it costs $0.2 instead of $0.015, 13 times as much" in html
    assert "The bot keeps links (the bot&#x27;s settings)." in html
