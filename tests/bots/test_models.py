"""What a bot tells the pages about how it posts, and its address on the site."""

from bots.models import Bot


def test_a_review_first_bot_reviews_first_and_an_autopilot_does_not():
    assert Bot(posting_mode=Bot.PostingMode.REVIEW).reviews_first()
    assert not Bot(posting_mode=Bot.PostingMode.AUTOPILOT).reviews_first()


def test_a_sandbox_bot_knows_it_is_one():
    assert Bot(platform=Bot.Platform.SANDBOX).is_sandbox()
    assert not Bot(platform=Bot.Platform.X).is_sandbox()


def test_a_bots_url_is_its_page_on_the_site(client, owner, bot):
    client.force_login(owner)
    response = client.get(bot.get_absolute_url())
    assert bot.get_absolute_url() == f"/bots/{bot.pk}/"
    assert response.status_code == 200
    assert bot.name in response.content.decode()
