"""bots.spend: each billable call to X priced as X prices it and kept per bot, UTC day and
kind, a resource read twice in a day charged once; checked against the sandbox over HTTP,
whose own bill (xsandbox.billing) must say the same to the cent. Budgets of groups and the
whole site hold reads."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from activity.models import Activity
from bots import spend
from bots.models import BotGroup, DailySpend, XApp
from platforms import client_for
from platforms.base import Call
from tests.factories import image_bytes, make_bot, make_sandbox_mentions
from xsandbox.accounts import app_credentials, ensure_app
from xsandbox.billing import bill_by_kind
from xsandbox.models import Grant

PRICES = {
    "SANDBOX_PRICE_PER_POST_USD": 0.015,
    "SANDBOX_PRICE_PER_POST_WITH_LINK_USD": 0.20,
    "SANDBOX_PRICE_PER_SUMMONED_REPLY_USD": 0.010,
    "SANDBOX_PRICE_PER_MEDIA_METADATA_USD": 0.005,
    "SANDBOX_PRICE_PER_POST_READ_USD": 0.005,
    "SANDBOX_PRICE_PER_USER_READ_USD": 0.010,
    "SANDBOX_PRICE_PER_OWNED_READ_USD": 0.001,
}


@pytest.fixture(autouse=True)
def prices(settings):
    for name, price in PRICES.items():
        setattr(settings, name, price)


def spent(bot) -> dict[str, tuple[int, Decimal]]:
    return {row.call: (row.calls, row.cost_usd) for row in DailySpend.objects.filter(bot=bot)}


def sandbox_bill(*handles) -> dict[str, tuple[int, Decimal]]:
    kinds = bill_by_kind(handles=list(handles))["by_kind"]
    return {call: (row["calls"], Decimal(row["cost_usd"])) for call, row in kinds.items()}


@pytest.fixture
def connected_bot(account, credential_keys):
    """A bot connected through one of the site's X apps: its account does not own the app."""
    app, _ = ensure_app("Flock app")
    grant = Grant.objects.create(app=app, account=account)
    keys = app_credentials(app)
    site_app = XApp(name="Flock app", platform="sandbox")
    site_app.set_consumer_credentials(key=keys["consumer_key"], secret=keys["consumer_secret"])
    site_app.save()
    return make_bot(
        name="Connected",
        handle=account.handle,
        platform="sandbox",
        app=site_app,
        x_user_id=account.user_id,
        credentials={
            **keys,
            "access_token": grant.access_token,
            "access_token_secret": grant.access_token_secret,
        },
    )


def test_each_kind_of_post_is_priced_as_x_prices_it(sandbox_bot, tmp_path):
    client = client_for(sandbox_bot)
    first = client.post("Plain words")
    client.post("Read example.com today")
    client.post("A reply to that", reply_to=first)
    path = tmp_path / "image.png"
    path.write_bytes(image_bytes())
    client.upload_image(path, alt_text="A red square")

    assert spent(sandbox_bot) == {
        Call.POST: (1, Decimal("0.015")),
        Call.POST_WITH_URL: (1, Decimal("0.2")),
        Call.SUMMONED_REPLY: (1, Decimal("0.01")),
        Call.MEDIA_METADATA: (1, Decimal("0.005")),
    }
    assert sandbox_bill(sandbox_bot.handle) == spent(sandbox_bot)


def test_a_read_is_charged_per_resource_and_once_a_day(connected_bot, account, other_account):
    make_sandbox_mentions(author=other_account, mentioned=account, count=3)
    client = client_for(connected_bot)
    assert len(client.mentions()) == 3
    assert len(client.mentions()) == 3  # read again the same day: nothing more to pay
    client.me()

    # Three posts and their one author; the bot's own user, since it does not own the app.
    assert spent(connected_bot) == {
        Call.POST_READ: (3, Decimal("0.015")),
        Call.USER_READ: (2, Decimal("0.02")),
    }
    assert sandbox_bill(account.handle) == spent(connected_bot)


def test_the_app_owner_pays_owned_reads_for_its_own_user_and_posts(sandbox_bot):
    client = client_for(sandbox_bot)
    client.post("Mine, read back")
    client.recent_posts()
    client.me()

    assert spent(sandbox_bot) == {
        Call.POST: (1, Decimal("0.015")),
        Call.OWNED_READ: (2, Decimal("0.002")),
    }
    assert sandbox_bill(sandbox_bot.handle) == spent(sandbox_bot)


def test_the_next_utc_day_charges_a_read_again(bot):
    charge = spend.Charge(call=Call.POST_READ, payer="app", resources=("post:1", "post:2"))
    today = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert spend.record_charge(bot, charge, at=today) == Decimal("0.010")
    assert spend.record_charge(bot, charge, at=today + timedelta(minutes=10)) == Decimal("0")
    assert spend.record_charge(bot, charge, at=today + timedelta(hours=1)) == Decimal("0.010")
    assert DailySpend.objects.filter(bot=bot).count() == 2


def test_a_month_of_spend_is_the_sum_of_its_days(bot):
    charge = spend.Charge(call=Call.POST, payer="app", resources=("post:1",))
    for day in (datetime(2026, 10, 31, 12, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)):
        spend.record_charge(bot, charge, at=day)
    spend.record_charge(bot, charge, at=datetime(2026, 11, 15, tzinfo=UTC))
    assert spend.spent_this_month([bot], datetime(2026, 11, 20, tzinfo=UTC)) == Decimal("0.030")


def test_a_group_budget_spent_stops_its_bots_reads_and_says_why(bot, owner):
    other = make_bot(owners=[owner])
    group = BotGroup.objects.create(name="Night shift", monthly_budget_usd=Decimal("0.02"))
    group.bots.add(bot, other)
    charge = spend.Charge(call=Call.POST, payer="app", resources=("post:1",))
    spend.record_charge(other, charge)
    assert spend.hold_reads(bot) == ""

    spend.record_charge(other, charge)  # the group's bots together spent $0.03
    held = spend.hold_reads(bot)
    assert held.startswith("Group budget reached (Night shift): $0.03 of $0.02 this month.")
    bot.refresh_from_db()
    assert bot.read_hold == held
    assert Activity.objects.filter(action="bot.reads_held", bot=bot).count() == 1
    spend.hold_reads(bot)
    assert Activity.objects.filter(action="bot.reads_held", bot=bot).count() == 1

    group.monthly_budget_usd = Decimal("1")
    group.save()
    assert spend.hold_reads(bot) == ""
    assert Activity.objects.filter(action="bot.reads_released", bot=bot).count() == 1


def test_a_site_budget_spent_stops_every_bots_reads(bot, owner, superuser):
    other = make_bot(owners=[owner])
    spend.set_site_budget(amount=Decimal("0.01"), by=superuser)
    spend.record_charge(other, spend.Charge(call=Call.POST, payer="a", resources=("post:1",)))
    assert spend.hold_reads(bot).startswith("Site budget reached: $0.015 of $0.01 this month.")
    # The hold is for this month only: the next month's sum starts empty.
    next_month = timezone.now() + timedelta(days=32)
    assert spend.budget_refusal(bot, at=next_month, waiting="Reads") == ""
