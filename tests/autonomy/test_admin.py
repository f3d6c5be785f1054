"""The mentions admin shows a staff member only what their own bots heard."""

from django.urls import reverse
from django.utils import timezone

from autonomy.models import Mention
from tests.factories import make_bot, make_staff


def hear(bot, author):
    return Mention.objects.create(
        bot=bot,
        post_id=str(Mention.objects.count() + 1),
        author_id="7",
        author_username=author,
        text=f"@{bot.handle} hello",
        decision=Mention.Decision.SKIPPED,
        received_at=timezone.now(),
    )


def test_staff_sees_only_the_mentions_of_their_own_bots(client, owner, bot):
    hear(bot, "friend_of_mine")
    theirs = hear(make_bot(name="someone-elses"), "stranger_elsewhere")
    make_staff(owner, Mention)
    client.force_login(owner)
    html = client.get(reverse("admin:autonomy_mention_changelist")).content.decode()
    assert "friend_of_mine" in html
    assert "stranger_elsewhere" not in html
    change = reverse("admin:autonomy_mention_change", args=[theirs.pk])
    assert client.get(change).status_code == 302
