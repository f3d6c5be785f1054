"""Bot groups: named sets of a person's bots that filter the dashboard and the review queue
and pause, resume or generate for every bot at once."""

import pytest
from django.urls import reverse

from activity.models import Activity
from bots import groups
from bots.models import Bot, BotGroup
from tests.factories import make_bot, make_tweet, make_user
from tweets.models import GenerationJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def night_shift(owner):
    bots = [make_bot(name=f"Night {n}", owners=[owner]) for n in range(3)]
    group = BotGroup.objects.create(name="Night shift", created_by=owner)
    group.bots.set(bots)
    return group


def test_it_creates_a_group_then_adds_my_bots_by_name(logged_in, owner, bot):
    response = logged_in.post(reverse("bots:groups"), {"name": "Poets"})

    group = BotGroup.objects.get(name="Poets")
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()

    added = logged_in.post(
        reverse("bots:group_add_bot", args=[group.pk]), {"bot": bot.name.upper()}, follow=True
    )

    assert f"{bot.name} is in Poets now." in added.content.decode()
    assert list(group.bots.all()) == [bot]
    again = logged_in.post(reverse("bots:group_add_bot", args=[group.pk]), {"bot": bot.pk})
    assert again.status_code == 302
    assert list(group.bots.all()) == [bot]


def test_it_refuses_a_repeated_name(logged_in, owner, night_shift):
    response = logged_in.post(reverse("bots:groups"), {"name": "night SHIFT"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert 'id="form-banner"' in html
    assert "You already have a group named “night SHIFT”." in html
    assert BotGroup.objects.count() == 1


def test_it_refuses_to_add_someone_elses_bot_and_says_so(logged_in, owner, night_shift):
    theirs = make_bot(name="Not mine", owners=[make_user()])

    response = logged_in.post(
        reverse("bots:group_add_bot", args=[night_shift.pk]), {"bot": "Not mine"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#form-banner")
    assert "None of your bots is called “Not mine”." in html
    assert theirs not in night_shift.bots.all()


def test_saving_the_name_and_budget_keeps_the_members(logged_in, night_shift):
    url = reverse("bots:group", args=[night_shift.pk])

    logged_in.post(url, {"name": "Late shift", "monthly_budget_usd": "12.50"})

    night_shift.refresh_from_db()
    assert night_shift.name == "Late shift"
    assert str(night_shift.monthly_budget_usd) == "12.50"
    assert night_shift.bots.count() == 3


def test_removing_a_bot_leaves_the_bot_and_the_rest_of_the_group(logged_in, night_shift):
    leaving = night_shift.bots.get(name="Night 1")

    response = logged_in.post(
        reverse("bots:group_remove_bot", args=[night_shift.pk, leaving.pk]), follow=True
    )

    assert "Night 1 left Night shift; the bot is untouched." in response.content.decode()
    assert sorted(night_shift.bots.values_list("name", flat=True)) == ["Night 0", "Night 2"]
    assert Bot.objects.filter(pk=leaving.pk).exists()


def test_the_group_page_lists_its_bots_a_page_at_a_time_with_a_picker(
    logged_in, owner, night_shift, monkeypatch
):
    monkeypatch.setattr(groups, "MEMBERS_PER_PAGE", 2)
    url = reverse("bots:group", args=[night_shift.pk])

    first = logged_in.get(url).content.decode()
    second = logged_in.get(url, {"page": 2}).content.decode()

    def listed(html):
        bots = night_shift.bots.order_by("name")
        return [bot.name for bot in bots if f'{bot.get_absolute_url()}">{bot.name}</a>' in html]

    assert listed(first) == ["Night 0", "Night 1"]
    assert listed(second) == ["Night 2"]
    assert "3 bots" in first and "Page 1 of 2" in first
    assert 'type="checkbox"' not in first
    assert f'hx-get="{reverse("bots:suggestions")}"' in first


def test_pause_and_resume_reach_every_bot_of_the_group(logged_in, owner, night_shift):
    response = logged_in.post(reverse("bots:group_pause", args=[night_shift.pk]), follow=True)

    assert "Paused 3 bots in Night shift." in response.content.decode()
    assert not Bot.objects.filter(groups=night_shift, is_active=True).exists()
    assert Activity.objects.filter(action="bot.paused", actor=owner).count() == 3

    logged_in.post(reverse("bots:group_resume", args=[night_shift.pk]))
    assert not Bot.objects.filter(groups=night_shift, is_active=False).exists()


def test_group_actions_never_reach_bots_the_person_does_not_own(logged_in, owner, night_shift):
    theirs = make_bot(name="Not mine", owners=[make_user()])
    night_shift.bots.add(theirs)

    logged_in.post(reverse("bots:group_pause", args=[night_shift.pk]))

    theirs.refresh_from_db()
    assert theirs.is_active


def test_generate_asks_for_drafts_from_every_bot(
    logged_in, night_shift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = logged_in.post(
            reverse("bots:group_generate", args=[night_shift.pk]), {"count": 2}, follow=True
        )

    assert "Writing 2 drafts for each of 3 bots in Night shift." in response.content.decode()
    assert GenerationJob.objects.filter(count=2).count() == 3
    assert len(queued) == 3


def test_a_bad_generate_request_says_why(logged_in, night_shift):
    response = logged_in.post(
        reverse("bots:group_generate", args=[night_shift.pk]), {"count": 500}, follow=True
    )

    assert "Ask for 1 to 20 drafts per bot." in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_the_dashboard_and_review_queue_filter_by_group(logged_in, owner, night_shift):
    outside = make_bot(name="Day bot", owners=[owner])
    make_tweet(bot=outside, text="A draft of the day bot.")
    make_tweet(bot=night_shift.bots.first(), text="A draft of the night.")

    dashboard = logged_in.get(reverse("dashboard"), {"group": night_shift.pk}).content.decode()
    review = logged_in.get(reverse("tweets:review"), {"group": night_shift.pk}).content.decode()
    unfiltered = logged_in.get(reverse("dashboard"), {"group": "nonsense"}).content.decode()

    assert "Night 0" in dashboard and "Day bot" not in dashboard
    assert "A draft of the night." in review and "A draft of the day bot." not in review
    assert "Day bot" in unfiltered


def test_deleting_a_group_leaves_its_bots(logged_in, night_shift):
    logged_in.post(reverse("bots:group_delete", args=[night_shift.pk]), {"confirmed": "yes"})

    assert not BotGroup.objects.exists()
    assert Bot.objects.filter(name__startswith="Night").count() == 3


def test_a_group_is_not_deleted_until_the_person_confirms(logged_in, night_shift):
    url = reverse("bots:group_delete", args=[night_shift.pk])

    unconfirmed = logged_in.post(url, follow=True)

    assert unconfirmed.redirect_chain == [(url, 302)]
    assert "Delete the group Night shift? Its bots are untouched." in unconfirmed.content.decode()
    assert BotGroup.objects.exists()
