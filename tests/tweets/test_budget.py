"""Posting budgets: each post's cost stored as it goes out, posts in 24 hours against the
daily cap, spend this month against the monthly budget, the monthly estimate, and a claim
that holds the queue, with one line in the bot's log, rather than overspend."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from bots import spend
from bots.models import Bot, BotGroup
from bots.schedule import save_schedule
from platforms.base import Call
from tests.factories import make_bot, make_tweet
from tweets import budget, posting
from tweets.models import Tweet

NOW = timezone.make_aware(datetime(2026, 11, 20, 12, 0))


def posted(bot, *, at, cost="0.015", text="Posted before"):
    """A posted row as the outcome leaves it: the tweet, and its cost in the day's spend."""
    tweet = make_tweet(
        bot=bot, text=text, state=Tweet.State.POSTED, posted_at=at, cost_usd=Decimal(cost)
    )
    budget.count_spend(tweet, at=at, cost=Decimal(cost))
    return tweet


def queued(bot, text="Waiting in the queue"):
    return make_tweet(bot=bot, text=text, state=Tweet.State.APPROVED, next_attempt_at=NOW)


def test_a_post_costs_the_link_price_only_when_x_sees_a_link(bot, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_WITH_LINK_USD = 0.2
    assert budget.post_cost(bot, "Plain words, no link.") == Decimal("0.015")
    assert budget.post_cost(bot, "Read example.com today") == Decimal("0.2")
    assert budget.post_cost(bot, "A sentence.ending with a dot") == Decimal("0.015")


def test_each_platform_has_its_own_prices(bot, settings):
    settings.X_PRICE_PER_POST_USD = 0.02
    settings.SANDBOX_PRICE_PER_POST_USD = 0.001
    assert budget.post_cost(bot, "Sandbox words") == Decimal("0.001")
    bot.platform = "x"
    assert budget.post_cost(bot, "Real words") == Decimal("0.02")


def test_spent_this_month_sums_the_costs_of_this_month_only(bot):
    posted(bot, at=NOW - timedelta(days=1, hours=1), cost="0.20")
    posted(bot, at=NOW - timedelta(days=2), cost="0.015")
    posted(bot, at=timezone.make_aware(datetime(2026, 10, 31, 23, 0)), cost="5.00")
    figures = budget.budget_for(bot, NOW)
    assert figures.spent == Decimal("0.215")
    assert figures.posts_today == 0


def test_the_estimate_uses_the_bots_recent_share_of_links(bot, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_WITH_LINK_USD = 0.2
    posted(bot, at=NOW - timedelta(days=3), cost="0.2", text="Read example.com today")
    for n in range(3):
        posted(bot, at=NOW - timedelta(days=4 + n), cost="0.015")
    settings.SANDBOX_PRICE_PER_OWNED_READ_USD = 0.001
    # A quarter of posts carry a link: 0.015 + 0.25 * 0.185 = 0.06125 a post; and the
    # credential checks read the bot's own user once a day: 30 owned reads at 0.001.
    assert budget.estimated_monthly_cost(bot, posts_per_month=100, now=NOW) == Decimal("6.16")
    assert budget.estimated_monthly_cost(bot, posts_per_month=0, now=NOW) == Decimal("0.03")


def test_amounts_show_in_dollars_with_sub_cent_prices_kept():
    assert budget.dollars(Decimal("1234.5")) == "$1,234.50"
    assert budget.dollars(Decimal("0.015")) == "$0.015"
    assert budget.dollars(Decimal("0")) == "$0.00"


def test_the_claim_holds_the_queue_at_the_daily_cap_and_says_so_once(bot):
    bot.daily_post_cap = 2
    bot.save()
    posted(bot, at=NOW - timedelta(hours=1))
    posted(bot, at=NOW - timedelta(hours=2))
    tweet = queued(bot)

    assert posting.claim_next(bot.pk, now=NOW) is None
    assert posting.claim_next(bot.pk, now=NOW + timedelta(minutes=1)) is None

    tweet.refresh_from_db()
    bot.refresh_from_db()
    assert tweet.state == Tweet.State.APPROVED and tweet.attempt_count == 0
    assert bot.budget_hold.startswith("Daily cap reached: 2 of 2 posts")
    held = Activity.objects.filter(bot=bot, action="bot.posting_held")
    assert held.count() == 1 and "Daily cap reached" in held.get().message

    # The older post leaves the 24-hour window: the tweet goes, the hold is let go.
    claimed = posting.claim_next(bot.pk, now=NOW + timedelta(hours=23, minutes=30))
    assert claimed == tweet and claimed.state == Tweet.State.POSTING
    bot.refresh_from_db()
    assert bot.budget_hold == ""
    assert Activity.objects.filter(bot=bot, action="bot.posting_released").count() == 1


def test_the_claim_refuses_a_post_the_monthly_budget_cannot_pay_for(bot, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_WITH_LINK_USD = 0.2
    bot.monthly_budget_usd = Decimal("0.25")
    bot.save()
    posted(bot, at=NOW - timedelta(days=1), cost="0.2")
    with_link = queued(bot, "Costly: see example.com")

    assert posting.claim_next(bot.pk, now=NOW) is None
    bot.refresh_from_db()
    assert bot.budget_hold == (
        "Budget reached: $0.20 of $0.25 this month. Queued tweets wait for next month, or "
        "raise the budget."
    )
    with_link.refresh_from_db()
    assert with_link.state == Tweet.State.APPROVED

    # Next month the spend starts again from nothing.
    december = timezone.make_aware(datetime(2026, 12, 1, 0, 5))
    assert posting.claim_next(bot.pk, now=december) == with_link


def test_a_budget_refusal_with_the_sandbox_stores_the_cost_and_holds_the_next(
    sandbox_bot, account, settings
):
    from xsandbox.models import Post

    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    sandbox_bot.monthly_budget_usd = Decimal("0.02")
    sandbox_bot.save()
    first = make_tweet(bot=sandbox_bot, text="The only one we can pay for.", state="approved")
    second = make_tweet(bot=sandbox_bot, text="One too many this month.", state="approved")

    claimed = posting.claim_next(sandbox_bot.pk)
    assert claimed == first
    first = posting.post_claimed(claimed)
    assert first.state == Tweet.State.POSTED and first.cost_usd == Decimal("0.015")

    assert posting.claim_next(sandbox_bot.pk) is None
    second.refresh_from_db()
    assert second.state == Tweet.State.APPROVED
    assert list(Post.objects.filter(account=account).values_list("text", flat=True)) == [
        "The only one we can pay for."
    ]
    sandbox_bot.refresh_from_db()
    assert "Budget reached: $0.015 of $0.02" in sandbox_bot.budget_hold


def test_a_post_records_the_24_hour_limit_x_reports(sandbox_bot, account, settings):
    settings.XSANDBOX_DAILY_POST_LIMIT = 17
    make_tweet(bot=sandbox_bot, text="Counting against the day.", state="approved")
    posting.post_claimed(posting.claim_next(sandbox_bot.pk))
    sandbox_bot.refresh_from_db()
    assert (sandbox_bot.x_daily_limit, sandbox_bot.x_daily_remaining) == (17, 16)
    assert sandbox_bot.x_daily_reset_at > timezone.now() + timedelta(hours=23)


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_the_bot_page_and_dashboard_show_the_figures_and_the_hold(logged_in, bot):
    bot.monthly_budget_usd = Decimal("0.03")
    bot.daily_post_cap = 5
    bot.save()
    now = timezone.now()
    posted(bot, at=now, cost="0.015")
    posted(bot, at=now, cost="0.015")

    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert "2 of 5" in page
    assert "$0.03 of $0.03" in page
    assert "Budget reached: $0.03 of $0.03 this month." in page
    assert "for 2 posts" in page

    dashboard = logged_in.get(reverse("dashboard")).content.decode()
    assert "Budget reached: $0.03 of $0.03 this month." in dashboard
    assert "2 of 5" in dashboard


def test_the_settings_form_takes_a_budget_and_refuses_a_negative_one(logged_in, bot):
    fields = {"handle": bot.handle, "platform": "sandbox", "posting_mode": "review"}
    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {**fields, "daily_post_cap": 10, "monthly_budget_usd": "-1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "greater than or equal to 0" in response.content.decode()

    response = logged_in.post(
        reverse("bots:settings", args=[bot.pk]),
        {**fields, "daily_post_cap": 10, "monthly_budget_usd": "12.50"},
    )
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.monthly_budget_usd == Decimal("12.50")


def test_the_csv_export_carries_each_posts_cost(logged_in, bot):
    import csv
    import io

    posted(bot, at=timezone.now(), cost="0.2", text="Linked: example.com")
    export = logged_in.get(reverse("tweets:history_csv", args=[bot.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][-1] == "cost_usd" and rows[1][-1] == "0.2000"


def test_the_slot_counts_posts_and_tweets_on_their_way_against_the_cap(bot):
    bot.daily_post_cap = 3
    bot.save()
    posted(bot, at=NOW - timedelta(hours=1))
    posted(bot, at=NOW - timedelta(hours=25))
    make_tweet(bot=bot, state=Tweet.State.POSTING)
    make_tweet(bot=bot, state=Tweet.State.APPROVED, awaits_slot=True)
    make_tweet(bot=bot, state=Tweet.State.DRAFT)
    assert not budget.budget_for(bot, NOW).cap_reached()

    queued(bot)

    figures = budget.budget_for(bot, NOW)
    assert figures.cap_reached(), "a slot adds no post once the cap is spoken for"
    assert (figures.posts_today, figures.against_cap, figures.queued) == (1, 3, 1)


def test_the_claim_sends_the_head_of_a_long_queue_while_sent_posts_leave_room(bot):
    bot.daily_post_cap = 2
    bot.save()
    posted(bot, at=NOW - timedelta(hours=1))
    first = queued(bot, "First in the queue")
    for n in range(4):
        queued(bot, f"Behind it {n}")

    assert budget.budget_for(bot, NOW).cap_reached()
    assert posting.claim_next(bot.pk, now=NOW) == first


def test_an_unknown_tweet_counts_against_the_cap_since_x_may_have_it(bot):
    bot.daily_post_cap = 2
    bot.save()
    posted(bot, at=NOW - timedelta(hours=1))
    # Its timeline could not be read: it waits for a person and does not hold the queue.
    make_tweet(bot=bot, state=Tweet.State.UNKNOWN, next_attempt_at=None)
    tweet = queued(bot)

    assert posting.claim_next(bot.pk, now=NOW) is None
    bot.refresh_from_db()
    assert bot.budget_hold.startswith("Daily cap reached: 2 of 2 posts")
    tweet.refresh_from_db()
    assert tweet.state == Tweet.State.APPROVED


def test_a_group_budget_holds_the_queue_of_every_bot_in_the_group(bot, owner, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    other = make_bot(owners=[owner])
    group = BotGroup.objects.create(name="Night shift", monthly_budget_usd=Decimal("0.02"))
    group.bots.add(bot, other)
    posted(other, at=NOW - timedelta(hours=3), cost="0.015")
    tweet = queued(bot)

    assert posting.claim_next(bot.pk, now=NOW) is None
    bot.refresh_from_db()
    assert bot.budget_hold == (
        "Group budget reached (Night shift): $0.015 of $0.02 this month. Queued tweets wait "
        "for next month, or raise the budget."
    )
    group.monthly_budget_usd = Decimal("0.03")
    group.save()
    assert posting.claim_next(bot.pk, now=NOW) == tweet


def test_a_site_budget_holds_every_bots_queue(bot, owner, superuser, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    spend.set_site_budget(amount=Decimal("0.02"), by=superuser)
    posted(make_bot(owners=[owner]), at=NOW - timedelta(hours=3), cost="0.015")
    tweet = queued(bot)

    assert posting.claim_next(bot.pk, now=NOW) is None
    bot.refresh_from_db()
    assert bot.budget_hold.startswith("Site budget reached: $0.015 of $0.02 this month.")
    spend.set_site_budget(amount=None, by=superuser)
    assert posting.claim_next(bot.pk, now=NOW) == tweet


def test_listening_reads_at_the_base_interval_while_the_budget_has_room(bot, settings):
    settings.LISTEN_INTERVAL_SECONDS = 60
    assert budget.listen_interval(bot, NOW) == timedelta(seconds=60)
    bot.monthly_budget_usd = Decimal("100")
    bot.save()
    read = spend.Charge(call=Call.POST_READ, payer="app", resources=("post:1",))
    spend.record_charge(bot, read, at=NOW - timedelta(days=1))
    assert budget.listen_interval(bot, NOW) == timedelta(seconds=60)


def test_listening_slows_down_when_its_pace_would_spend_more_than_the_budget_left(bot, settings):
    settings.LISTEN_INTERVAL_SECONDS = 60
    settings.SANDBOX_PRICE_PER_POST_READ_USD = 0.005
    settings.SANDBOX_PRICE_PER_OWNED_READ_USD = 0
    bot.monthly_budget_usd = Decimal("3.38")
    bot.save()
    # 70 posts read a day over the last week: $0.35 a day ($2.45), while the $0.93 left for
    # the ten and a half days left of November is $0.089 a day: listening reads about four
    # times as seldom.
    for day in range(1, 8):
        resources = tuple(f"post:{day}-{n}" for n in range(70))
        charge = spend.Charge(call=Call.POST_READ, payer="app", resources=resources)
        spend.record_charge(bot, charge, at=NOW - timedelta(days=day) + timedelta(hours=1))
    interval = budget.listen_interval(bot, NOW)
    assert timedelta(minutes=3) < interval < timedelta(minutes=5)

    bot.monthly_budget_usd = Decimal("2.45")  # spent: the reads stop
    bot.save()
    assert budget.listen_interval(bot, NOW) is None
    bot.refresh_from_db()
    assert bot.read_hold.startswith("Budget reached: $2.45 of $2.45 this month.")


def test_the_bot_page_shows_spend_by_kind_and_the_site_page_sets_the_budget(
    logged_in, bot, client, superuser
):
    spend.record_charge(bot, spend.Charge(call=Call.POST_READ, payer="a", resources=("post:1",)))
    spend.record_charge(bot, spend.Charge(call=Call.POST, payer="a", resources=("post:2",)))
    page = logged_in.get(reverse("bots:detail", args=[bot.pk])).content.decode()
    assert "Posts read" in page and "Posts</td><td>1</td><td>$0.015" in page

    assert logged_in.get(reverse("bots:site_budget")).status_code == 403
    client.force_login(superuser)
    refused = client.post(reverse("bots:site_budget"), {"monthly_budget_usd": "-1"})
    assert refused.status_code == 400 and "greater than or equal to 0" in refused.content.decode()
    client.post(reverse("bots:site_budget"), {"monthly_budget_usd": "12.50"})
    assert spend.site_budget() == Decimal("12.50")
    assert "$12.50" in client.get(reverse("bots:site_budget")).content.decode()


def test_the_forecast_of_an_hour_counts_the_slots_the_cap_lets_through_and_the_reads(bot, settings):
    settings.SANDBOX_PRICE_PER_POST_USD = 0.015
    settings.SANDBOX_PRICE_PER_POST_READ_USD = 0.005
    settings.SANDBOX_PRICE_PER_OWNED_READ_USD = 0.001
    settings.CREDENTIAL_CHECK_HOURS = 2
    bot.daily_post_cap = 3
    bot.save()
    save_schedule(bot, kind="interval", every_minutes=10, jitter_minutes=0, enabled=True)
    # Seven posts read a day over the last week, as listening read them.
    for day in range(1, 8):
        resources = tuple(f"post:{day}-{n}" for n in range(7))
        charge = spend.Charge(call=Call.POST_READ, payer="app", resources=resources)
        spend.record_charge(bot, charge, at=NOW - timedelta(days=day))

    bots = list(Bot.objects.filter(pk=bot.pk).select_related("schedule"))
    forecast = budget.forecast_for(bots, NOW, period=timedelta(hours=1))
    # Six slots, three through the cap; 49 reads in the seven and a half days since the
    # week's first midnight, $0.245, for an hour; a check every two hours.
    assert forecast["Posts"] == Decimal("0.045")
    assert forecast["Posts read"].quantize(Decimal("0.00001")) == Decimal("0.00136")
    assert forecast["Credential checks"] == Decimal("0.0005")


def test_a_mastodon_post_costs_nothing_and_the_daily_cap_still_holds(mastodon_bot):
    assert budget.post_cost(mastodon_bot, "A toot, with https://example.com") == Decimal("0")
    mastodon_bot.daily_post_cap = 1
    mastodon_bot.save()
    posted(mastodon_bot, at=NOW - timedelta(hours=1), cost="0")
    queued(mastodon_bot)
    assert posting.claim_next(mastodon_bot.pk, now=NOW) is None
    mastodon_bot.refresh_from_db()
    assert mastodon_bot.budget_hold.startswith("Daily cap reached: 1 of 1 posts")
