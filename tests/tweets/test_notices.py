"""One email per problem of a bot, to the owners who want them (tweets.notices)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from tests.conftest import SECRETS
from tests.factories import make_bot, make_tweet, make_user
from tweets.models import Notice, Tweet
from tweets.notices import send_notices, set_notices


def _owners(*emails):
    return [make_user(email=email) for email in emails]


def test_a_bot_that_needs_reconnecting_emails_each_owner_once(db, credential_keys, mailoutbox):
    ann, bob = _owners("ann@example.org", "bob@example.org")
    bot = make_bot(owners=[ann, bob], credentials=SECRETS, attention_reason="X refused the keys.")

    first = send_notices(timezone.now())
    second = send_notices(timezone.now())

    assert first == {"opened": 1, "closed": 0, "emails": 2}
    assert second == {"opened": 0, "closed": 0, "emails": 0}
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ann@example.org", "bob@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == f"Aviary: {bot.name}: needs reconnecting"
    assert "X refused the keys." in mail.body
    assert reverse("bots:detail", args=[bot.pk]) in mail.body
    assert all(secret not in mail.body for secret in SECRETS.values())
    assert Activity.objects.filter(bot=bot, action="notice.sent").count() == 1


def test_a_problem_that_goes_and_comes_back_is_news_again(db, credential_keys, mailoutbox):
    (ann,) = _owners("ann@example.org")
    bot = make_bot(owners=[ann], credentials=SECRETS, attention_reason="Refused.")
    send_notices(timezone.now())

    bot.attention_reason = ""
    bot.save()
    assert send_notices(timezone.now())["closed"] == 1
    bot.attention_reason = "Refused again."
    bot.save()
    send_notices(timezone.now())

    assert len(mailoutbox) == 2
    assert "Refused again." in mailoutbox[1].body
    assert Notice.objects.open().get().detail == "Refused again."


def test_an_owner_who_turned_problem_emails_off_gets_none(db, credential_keys, mailoutbox):
    ann, bob = _owners("ann@example.org", "bob@example.org")
    bot = make_bot(owners=[ann, bob], credentials=SECRETS)
    set_notices(bot, user=bob, on=False)
    bot.out_of_credit_reason = "X credit is spent."
    bot.save()

    send_notices(timezone.now())

    assert [mail.to for mail in mailoutbox] == [["ann@example.org"]]
    assert "Top up" in mailoutbox[0].body
    assert Notice.objects.get().recipients == 1


def test_a_bot_that_keeps_failing_emails_once_not_once_a_tweet(db, credential_keys, mailoutbox):
    (ann,) = _owners("ann@example.org")
    bot = make_bot(owners=[ann], credentials=SECRETS)
    for n in range(5):
        make_tweet(bot=bot, state=Tweet.State.FAILED, last_error=f"Refused {n}")
        send_notices(timezone.now())

    assert len(mailoutbox) == 1
    assert "failed in the last 24 hours" in mailoutbox[0].body

    make_tweet(bot=bot, state=Tweet.State.POSTED, posted_at=timezone.now() + timedelta(seconds=1))
    assert send_notices(timezone.now())["closed"] == 1


def test_failures_with_a_post_after_them_are_no_problem(db, credential_keys, mailoutbox):
    (ann,) = _owners("ann@example.org")
    bot = make_bot(owners=[ann], credentials=SECRETS)
    for _ in range(3):
        make_tweet(bot=bot, state=Tweet.State.FAILED)
    make_tweet(bot=bot, state=Tweet.State.POSTED, posted_at=timezone.now() + timedelta(seconds=1))

    assert send_notices(timezone.now())["opened"] == 0
    assert mailoutbox == []


def test_the_sweep_costs_the_same_queries_for_a_quiet_flock_of_any_size(
    db, credential_keys, django_assert_max_num_queries
):
    for _ in range(30):
        make_bot(credentials=SECRETS)

    with django_assert_max_num_queries(3):
        send_notices(timezone.now())


def test_an_owner_turns_problem_emails_off_and_on_from_the_bot_page(client, owner, bot):
    client.force_login(owner)
    url = reverse("tweets:notices", args=[bot.pk])

    off = client.post(url, {"on": ""}, follow=True)
    assert "No more problem emails" in off.text
    assert "Turn problem emails on" in off.text

    on = client.post(url, {"on": "1"}, follow=True)
    assert "You will get an email" in on.text
    assert "Turn problem emails off" in on.text
