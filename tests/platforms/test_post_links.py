"""Where a pasted link is under one of a bot's web roots (platforms.post_links): the host in
any case and either scheme, the root's own path prefix, nothing outside it."""

from platforms.post_links import host_of, path_under

ROOTS = ("https://mastodon.social", "http://127.0.0.1:8000/xsandbox/mastodon")


def test_a_link_under_a_root_gives_the_path_below_it():
    assert path_under("https://Mastodon.Social/@a/1?x=1#y", ROOTS) == "/@a/1"
    assert path_under("http://mastodon.social/@a/1", ROOTS) == "/@a/1"
    assert path_under("http://127.0.0.1:8000/xsandbox/mastodon/@a/1", ROOTS) == "/@a/1"


def test_a_link_elsewhere_is_under_no_root():
    assert path_under("https://mastodon.social.evil.example/@a/1", ROOTS) is None
    assert path_under("http://127.0.0.1:8000/xsandbox/mastodonx/@a/1", ROOTS) is None
    assert path_under("http://127.0.0.1:9000/xsandbox/mastodon/@a/1", ROOTS) is None
    assert path_under("ftp://mastodon.social/@a/1", ROOTS) is None
    assert path_under("@a/1", ROOTS) is None


def test_the_host_of_a_link_is_named_for_a_refusal():
    assert host_of("https://fosstodon.org/@a/1") == "fosstodon.org"
    assert host_of("not a link") == ""
