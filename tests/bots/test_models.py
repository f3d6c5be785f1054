"""A bot's own address on the site."""


def test_a_bots_url_is_its_page_on_the_site(client, owner, bot):
    client.force_login(owner)
    response = client.get(bot.get_absolute_url())
    assert bot.get_absolute_url() == f"/bots/{bot.pk}/"
    assert response.status_code == 200
    assert bot.name in response.content.decode()
