"""The data bench.pages measures against, written by PostgreSQL itself (INSERT ... SELECT over
generate_series): a flock of bots with owners and groups, a year of tweets, one busy bot, a
post attempt for every tweet sent, and the activity log, seeded once per database and scale."""

# Models and the connection are imported inside the functions: bench.pages imports this module
# before its child process has configured Django for the bench's own database.

import time
from dataclasses import dataclass, replace

# Words the bench tweets are made of: each tweet has two of them, so a search for one matches
# about one tweet in twenty; RARE is in one tweet in ten thousand; ABSENT is in none of the
# busy bot's tweets and in one in fifty of the others'.
WORDS = (
    "dog",
    "night",
    "curious",
    "incident",
    "moor",
    "hound",
    "fog",
    "lamp",
    "violin",
    "pipe",
    "cab",
    "street",
    "letter",
    "ring",
    "cipher",
    "dancing",
    "men",
    "speckled",
    "band",
    "copper",
    "beeches",
    "engineer",
    "thumb",
    "blue",
    "carbuncle",
    "noble",
    "bachelor",
    "crooked",
    "lip",
    "yellow",
    "face",
    "stockbroker",
    "clerk",
    "naval",
    "treaty",
    "reigate",
    "squire",
    "cardboard",
    "box",
    "resident",
    "patient",
    "greek",
    "interpreter",
    "final",
    "problem",
    "empty",
    "house",
    "norwood",
    "builder",
)
RARE = "zephyrine"
ABSENT = "marmalade"
BUSY_NAME = "Bench bot 0000"
QUIET_INDEX = 9  # among the owner's bots: no tweets and no activity at all


@dataclass(frozen=True)
class Scale:
    bots: int = 1000
    tweets: int = 1_000_000
    busy_posts: int = 90_000
    busy_drafts: int = 10_000
    busy_days: int = 42
    activity: int = 3_000_000
    owned: int = 10

    @property
    def signature(self) -> str:
        return f"pages-seed v2 {self}"

    def tenth(self) -> "Scale":
        """The same shape at a tenth of the size: the second size for query counts."""
        return replace(
            self,
            bots=self.bots // 10,
            tweets=self.tweets // 10,
            busy_posts=self.busy_posts // 10,
            busy_drafts=self.busy_drafts // 10,
            activity=self.activity // 10,
        )


def seed(scale: Scale, *, log=print) -> bool:
    """Fill the current database at `scale` unless it already holds exactly that; True if it
    seeded. Every table the pages read is emptied first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seed (signature text NOT NULL)")
        cursor.execute("SELECT signature FROM bench_seed")
        if cursor.fetchall() == [(scale.signature,)]:
            return False
    log(f"Seeding {scale} (once for this database)...")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_seed")
        cursor.execute(
            "TRUNCATE bots_activity, tweets_postattempt, tweets_tweetimage, tweets_tweet, "
            "bots_botgroup_bots, bots_botgroup, bots_bot_owners, bots_bot, auth_user "
            "RESTART IDENTITY CASCADE"
        )
    admin, owner, busy, regular = _people_and_bots(scale)
    steps = [
        ("tweets of the flock", lambda c: _regular_tweets(c, scale, regular, admin)),
        ("the busy bot's tweets", lambda c: _busy_tweets(c, scale, busy, admin)),
        ("post attempts", _post_attempts),
        ("daily spend", _daily_spend),
        ("activity", lambda c: _activity(c, scale, admin, owner)),
    ]
    for label, step in steps:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            step(cursor)
        log(f"  {label}: {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("INSERT INTO bench_seed VALUES (%s)", [scale.signature])
    log(f"Seeded in {time.perf_counter() - began:.0f} s")
    return True


def insert_select(cursor, model, values: dict[str, str], source: str, params: dict) -> None:
    """INSERT INTO the model's table, filling `values` (column: SQL expression over `source`)
    and every other column with its field's default, so a NOT NULL column added to the model
    later is filled too; a column with neither is an error, not a silent NULL."""
    from django.db import connection

    columns, expressions, params = [], [], dict(params)
    for field in model._meta.concrete_fields:
        if field.column in values:
            expression = values[field.column]
        elif field.primary_key:
            continue
        elif field.has_default() or field.null or field.blank:
            key = f"default_{field.column}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            expression = f"%({key})s"
        else:
            raise ValueError(f"The bench does not fill {model.__name__}.{field.name}.")
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    cursor.execute(sql, params)


def _people_and_bots(scale: Scale):
    from django.contrib.auth import get_user_model

    from bots.models import Bot, BotGroup

    User = get_user_model()
    # The benchmark logs in with force_login: these users have no usable password.
    admin = User.objects.create_superuser("bench-admin", password=None)
    owner = User.objects.create_user("bench-owner", password=None)
    bots = Bot.objects.bulk_create(
        Bot(name=f"Bench bot {n:04}", handle=f"bench{n}", platform="sandbox")
        for n in range(scale.bots)
    )
    owned = bots[: scale.owned]
    owner.bots.add(*owned)
    busy, quiet = bots[0], owned[QUIET_INDEX]
    regular = [bot.pk for bot in bots if bot not in (busy, quiet)]
    admin_group = BotGroup.objects.create(name="Bench group", created_by=admin)
    admin_group.bots.add(*bots[: max(1, scale.bots // 10)])
    owner_group = BotGroup.objects.create(name="Bench group", created_by=owner)
    owner_group.bots.add(*owned[: scale.owned // 2])
    return admin, owner, busy, regular


def _text(number: str) -> str:
    """A tweet's text as SQL: two of WORDS by its number, RARE in one of ten thousand."""
    words = f"ARRAY{list(WORDS)!r}::text[]"
    return (
        f"'Bench tweet ' || {number} || ' about the ' || ({words})[1 + {number} %% {len(WORDS)}]"
        f" || ' and the ' || ({words})[1 + ({number} / 7) %% {len(WORDS)}]"
        f" || CASE WHEN {number} %% 10000 = 77 THEN ' {RARE}' ELSE '' END"
    )


def _tweet_values(state: str, at: str, posted: str, admin) -> dict[str, str]:
    return {
        "bot_id": "b.id",
        "state": state,
        "attempt_count": f"CASE WHEN {state} IN ('posted', 'failed') THEN 1 ELSE 0 END",
        "x_post_id": f"CASE WHEN {state} = 'posted' THEN (1000000000 + g)::text ELSE '' END",
        "last_error": (
            f"CASE WHEN {state} = 'failed' THEN 'X refused the credentials (401).' ELSE '' END"
        ),
        "cost_usd": f"CASE WHEN {state} = 'posted' THEN %(price)s END",
        "approved_by_id": (
            f"CASE WHEN {state} IN ('posted', 'approved', 'failed') THEN {admin.pk} END"
        ),
        "approved_at": f"CASE WHEN {state} IN ('posted', 'approved', 'failed') THEN {at} END",
        "posted_at": f"CASE WHEN {state} = 'posted' THEN {posted} END",
        "next_attempt_at": (
            f"CASE WHEN {state} = 'approved' THEN now() + (g %% 1000) * interval '1 minute' END"
        ),
        "created_at": at,
        "updated_at": f"coalesce(CASE WHEN {state} = 'posted' THEN {posted} END, {at})",
    }


def _regular_tweets(cursor, scale: Scale, regular: list[int], admin) -> None:
    from tweets.models import Tweet

    count = scale.tweets - scale.busy_posts - scale.busy_drafts
    state = (
        "(CASE WHEN g %% 100 < 88 THEN 'posted' WHEN g %% 100 < 94 THEN 'draft' "
        "WHEN g %% 100 < 96 THEN 'approved' WHEN g %% 100 < 99 THEN 'rejected' "
        "ELSE 'failed' END)"
    )
    # Oldest first, so ids follow time as they do when rows are written as things happen.
    at = "(now() - (%(count)s - g)::float / %(count)s * interval '365 days')"
    values = _tweet_values(state, at, f"least(now(), {at} + interval '1 hour')", admin)
    values["text"] = _text("g") + f" || CASE WHEN g %% 50 = 3 THEN ' {ABSENT}' ELSE '' END"
    source = (
        "FROM generate_series(1, %(count)s) AS g "
        "CROSS JOIN LATERAL (SELECT (%(regular)s::bigint[])[1 + g %% %(bots)s] AS id) AS b"
    )
    params = {"count": count, "regular": regular, "bots": len(regular), "price": _price()}
    insert_select(cursor, Tweet, values, source, params)


def _busy_tweets(cursor, scale: Scale, busy, admin) -> None:
    """The busy bot: its posts and drafts interleaved over its last `busy_days` days."""
    from tweets.models import Tweet

    count = scale.busy_posts + scale.busy_drafts
    every = max(1, count // max(1, scale.busy_drafts))
    state = f"(CASE WHEN g %% {every} = 0 THEN 'draft' ELSE 'posted' END)"
    at = f"(now() - (%(count)s - g)::float / %(count)s * interval '{scale.busy_days} days')"
    values = _tweet_values(state, at, f"least(now(), {at} + interval '10 minutes')", admin)
    values["x_post_id"] = f"CASE WHEN {state} = 'posted' THEN (5000000000 + g)::text ELSE '' END"
    values["text"] = _text("g")
    source = "FROM generate_series(1, %(count)s) AS g CROSS JOIN (SELECT %(busy)s::bigint AS id) b"
    params = {"count": count, "busy": busy.pk, "price": _price()}
    insert_select(cursor, Tweet, values, source, params)


def _price():
    from platforms.base import Call
    from platforms.x.rules import RULES

    return RULES.price(Call.POST)


def _post_attempts(cursor) -> None:
    from tweets.models import PostAttempt

    values = {
        "tweet_id": "t.id",
        "number": "1",
        "started_at": "t.updated_at - interval '2 seconds'",
        "finished_at": "t.updated_at - interval '1 second'",
        "duration_ms": "840",
        "outcome": "CASE WHEN t.state = 'posted' THEN 'posted' ELSE 'unauthorized' END",
        "http_status": "CASE WHEN t.state = 'posted' THEN 201 ELSE 401 END",
        "error": "CASE WHEN t.state = 'posted' THEN '' ELSE 'Unauthorized' END",
    }
    source = "FROM tweets_tweet t WHERE t.state IN ('posted', 'failed')"
    insert_select(cursor, PostAttempt, values, source, {})


def _daily_spend(cursor) -> None:
    """Each bot's posts by UTC day as the posting pipeline counts them (bots.spend): one
    DailySpend row per bot and day it posted."""
    from bots.models import DailySpend
    from platforms.base import Call

    values = {
        "bot_id": "t.bot_id",
        "day": "(t.posted_at AT TIME ZONE 'UTC')::date",
        "call": "%(call)s",
        "calls": "count(*)",
        "cost_usd": "coalesce(sum(t.cost_usd), 0)",
    }
    source = (
        "FROM tweets_tweet t WHERE t.state = 'posted' "
        "GROUP BY t.bot_id, (t.posted_at AT TIME ZONE 'UTC')::date"
    )
    insert_select(cursor, DailySpend, values, source, {"call": Call.POST.value})


def _activity(cursor, scale: Scale, admin, owner) -> None:
    """Three entries per tweet in turn (written; approved, rejected or posted; something
    about its bot a while later) until there are `scale.activity` rows."""
    from activity.models import Activity

    kind = "((g - 1) / %(tweets)s)"
    other = (
        "(ARRAY['bot.paused', 'image.added', 'schedule.slot_ran', 'mention.replied', "
        "'corpus.rebuilt'])[1 + g %% 5]"
    )
    action = (
        f"CASE {kind} %% 3 WHEN 0 THEN 'tweet.generated' WHEN 1 THEN "
        "(CASE t.state WHEN 'posted' THEN 'tweet.posted' WHEN 'rejected' THEN 'tweet.rejected'"
        f" ELSE 'tweet.approved' END) ELSE {other} END"
    )
    values = {
        "created_at": (f"least(now(), t.created_at + ({kind} %% 3) * interval '90 minutes')"),
        "actor_id": f"CASE {kind} %% 3 WHEN 1 THEN {admin.pk} WHEN 2 THEN {owner.pk} END",
        "actor_name": (
            f"CASE {kind} %% 3 WHEN 0 THEN 'worker' WHEN 1 THEN 'bench-admin' "
            "ELSE 'bench-owner' END"
        ),
        "action": action,
        "message": f"'Bench entry ' || g || ': ' || {action}",
        "bot_id": "t.bot_id",
        "tweet_id": f"CASE WHEN {kind} %% 3 < 2 THEN t.id END",
    }
    source = (
        "FROM generate_series(1, %(activity)s) AS g "
        "JOIN tweets_tweet t ON t.id = 1 + (g - 1) %% %(tweets)s"
    )
    insert_select(
        cursor, Activity, values, source, {"activity": scale.activity, "tweets": scale.tweets}
    )
