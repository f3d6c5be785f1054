"""Templates display, they do not decide (STYLE.md): no state strings compared, no query
strings built by hand, no network limits as literals; and the links {% querystring %} builds
keep the filters a person chose."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import tweets.views
from activity.services import record_activity
from bots.models import BotGroup
from dashboard import activity, stats
from tests.factories import make_bot, make_tweet
from tweets import history

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATE_COMPARISON = re.compile(
    r"\.(state|status|decision|kind|platform|posting_mode)\s*==|==\s*[\"']"
)
HAND_BUILT_QUERY = re.compile(r"\?(page|before|after)=|&(amp;)?[a-z_]+=|\{\{\s*query\s*\}\}")
LIMIT_LITERAL = re.compile(r"\b(280|300|500|1,?000)\b|at most \d|maxlength=\"\d")


def template_lines():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            yield f"{name}:{number}", line


@pytest.mark.parametrize(
    "pattern", [STATE_COMPARISON, HAND_BUILT_QUERY, LIMIT_LITERAL], ids=["state", "query", "limit"]
)
def test_no_template_decides_what_the_code_should(pattern):
    found = [f"{where}: {line.strip()}" for where, line in template_lines() if pattern.search(line)]
    assert found == []


def test_the_scan_would_catch_what_it_forbids():
    assert STATE_COMPARISON.search('{% if tweet.state == "draft" %}')
    assert STATE_COMPARISON.search("{% if corpus.status == 'ready' %}")
    assert HAND_BUILT_QUERY.search('<a href="?page={{ page.next_page_number }}">')
    assert HAND_BUILT_QUERY.search("?{{ query }}&amp;before={{ page.next_before }}")
    assert LIMIT_LITERAL.search("{{ length }} / 280")
    assert not HAND_BUILT_QUERY.search('<a href="{% querystring page=page.next_page_number %}">')


def test_the_dashboard_pager_keeps_the_group(logged_in, owner, monkeypatch):
    monkeypatch.setattr(stats, "BOTS_PER_PAGE", 1)
    group = BotGroup.objects.create(name="Pair", created_by=owner)
    group.bots.add(make_bot(owners=[owner]), make_bot(owners=[owner]))
    page = logged_in.get(reverse("dashboard"), {"group": group.pk, "page": 1}).content.decode()
    assert f'href="?group={group.pk}&amp;page=2">Next</a>' in page


def test_load_more_drafts_keeps_the_bot_filter(logged_in, bot, monkeypatch):
    monkeypatch.setattr(tweets.views, "REVIEW_PAGE_SIZE", 1)
    first, _ = make_tweet(bot=bot), make_tweet(bot=bot)
    page = logged_in.get(reverse("tweets:review"), {"bot": bot.pk}).content.decode()
    assert f'href="?bot={bot.pk}&amp;after={first.pk}"' in page


def test_older_tweets_and_the_csv_keep_the_filters_but_not_the_cursor(logged_in, bot, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_PAGE_SIZE", 1)
    make_tweet(bot=bot, text="Older words")
    newest = make_tweet(bot=bot, text="Newer words")
    url = reverse("tweets:history", args=[bot.pk])
    page = logged_in.get(url, {"q": "words", "before": newest.pk + 1}).content.decode()
    csv_url = reverse("tweets:history_csv", args=[bot.pk])
    assert f'href="?q=words&amp;before={newest.pk}"' in page
    assert f'href="{csv_url}?q=words">Download CSV</a>' in page


def test_older_activity_keeps_the_filters(logged_in, owner, bot, monkeypatch):
    monkeypatch.setattr(activity, "ACTIVITY_PAGE_SIZE", 1)
    record_activity("bot.paused", message="Paused.", by=owner, bot=bot)
    newest = record_activity("bot.resumed", message="Resumed.", by=owner, bot=bot)
    page = logged_in.get(reverse("bots:activity"), {"bot": bot.pk}).content.decode()
    assert f'href="?bot={bot.pk}&amp;before={newest.pk}"' in page
