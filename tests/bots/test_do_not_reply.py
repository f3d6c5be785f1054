"""The flock's do-not-reply list: "stop" heard word-wise in any case, the owner's own stop
words, one entry per account on a network, and a text mentioning a listed account refused."""

import pytest

from activity.models import Activity
from bots.do_not_reply import (
    add_to_do_not_reply,
    is_listed,
    parse_stop_words,
    refusal_for_text,
    remove_from_do_not_reply,
    stop_word_in,
)
from bots.models import DoNotReply

pytestmark = pytest.mark.django_db


def test_stop_is_heard_as_a_word_in_any_case_and_the_owners_words_too():
    assert stop_word_in("Please STOP.") == "stop"
    assert stop_word_in("stop!!! @lighthouse_bot") == "stop"
    assert stop_word_in("The bus stopped at the stop sign") == "stop"
    assert stop_word_in("It stopped raining; nonstop fun at https://stop.example.com") == ""
    assert stop_word_in("@stop hello") == "", "a handle is not a word of the text"
    assert stop_word_in("Just leave me alone, bot.", ["leave me alone"]) == "leave me alone"
    assert stop_word_in("Leave me. Alone at last.", ["leave me alone"]) == "leave me alone"
    assert stop_word_in("Leave the door alone.", ["leave me alone"]) == ""


def test_the_owners_stop_words_are_parsed_as_phrases_without_stop_itself():
    assert parse_stop_words("Unsubscribe, STOP;  leave  me alone\nunsubscribe") == [
        "unsubscribe",
        "leave me alone",
    ]


def test_an_account_goes_on_its_networks_list_once_and_comes_off_logged(bot, owner):
    first, added = add_to_do_not_reply("x", handle="Grumpy", account_id="42", reason="stop")
    again, added_again = add_to_do_not_reply("x", handle="grumpy", account_id="42")

    assert (added, added_again, again) == (True, False, first)
    assert is_listed("x", account_id="42") and is_listed("x", handle="GRUMPY")
    assert not is_listed("mastodon", account_id="42")
    remove_from_do_not_reply(first, by=owner, bot=bot)
    assert not DoNotReply.objects.exists()
    assert Activity.objects.get(action="bot.do_not_reply_removed").bot == bot


def test_a_text_mentioning_a_listed_account_is_refused_with_its_handle(bot):
    add_to_do_not_reply("x", handle="Grumpy", account_id="42")

    assert "@grumpy, on the flock's do-not-reply list" in refusal_for_text(bot, "Hi @GRUMPY!")
    assert refusal_for_text(bot, "Hi grumpy, no mention.") == ""
    assert refusal_for_text(bot, "Hi @someone_else.") == ""
