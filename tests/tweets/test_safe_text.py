"""The word filter and the cleaning of generated text: wordfilter's list matched as whole
words (so "about" is no "abo"), and @handles and links made harmless."""

from tweets.safe_text import WordFilter, clean_text


def test_the_word_filter_matches_whole_words_and_their_plurals_not_parts_of_words():
    words = WordFilter(["Moriarty", "red circle"])

    assert words.blocked_word("I know about the above matter, and whom to blame.") == ""
    assert words.blocked_word("What an IDIOT he was.") == "idiot"
    assert words.blocked_word("Two idiots, then.") == "idiot"
    assert words.blocked_word("Professor Moriarty\u2019s men.") == "moriarty"
    assert words.blocked_word("Professor Moriarty smiled.") == "moriarty"
    assert words.blocked_word("The Red  Circle again!") == "red circle"
    assert words.blocked_word("A red door, a circle.") == ""


def test_cleaning_drops_each_at_sign_and_link_and_mends_the_spacing():
    text = "RT @holmes: the game is afoot https://t.co/abc , said \uff20watson at example.com now."

    assert clean_text(text) == "RT holmes: the game is afoot, said watson at now."
    # An e-mail address is no link and mentions no one, as X reads it.
    assert clean_text("mail name@example.co.uk please") == "mail name@example.co.uk please"
