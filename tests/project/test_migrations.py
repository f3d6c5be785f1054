"""The move to one home per concept keeps every row: a database filled by the old layout
(the log in bots, mentions in tweets) migrates to the new apps with nothing lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD_LAYOUT = [
    ("bots", "0006_bot_groups"),
    ("corpora", "0001_initial"),
    ("tweets", "0006_merge_20261128_1658"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


@pytest.fixture
def old_layout(transactional_db):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old = migrate([*OLD_LAYOUT, ("activity", None), ("autonomy", None)])
    yield old
    migrate(latest)


def test_activity_and_mentions_keep_their_rows_in_their_new_apps(old_layout):
    Bot = old_layout.get_model("bots", "Bot")
    Tweet = old_layout.get_model("tweets", "Tweet")
    bot = Bot.objects.create(name="Old", handle="old_bot")
    reply = Tweet.objects.create(bot=bot, text="A reply", state="posted", x_post_id="77")
    old_layout.get_model("bots", "Activity").objects.create(
        actor_name="worker", action="tweet.posted", message="Posted.", bot=bot, tweet=reply
    )
    old_layout.get_model("tweets", "Mention").objects.create(
        bot=bot,
        post_id="5",
        author_id="9",
        text="@old_bot hello",
        decision="replied",
        reply=reply,
        received_at=timezone.now(),
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    entry = new.get_model("activity", "Activity").objects.get()
    assert (entry.bot_id, entry.tweet_id, entry.message) == (bot.pk, reply.pk, "Posted.")
    mention = new.get_model("autonomy", "Mention").objects.get()
    assert (mention.bot_id, mention.reply_id, mention.text) == (bot.pk, reply.pk, "@old_bot hello")
