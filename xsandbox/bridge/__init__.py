"""The sandbox's Bridgy Fed (https://fed.brid.gy): the bridge between its Mastodon instance
and its Bluesky PDS, so a Mastodon bot and a Bluesky bot can answer each other with the same
client code that talks to the real networks.

As on Bridgy Fed, only accounts that opt in are bridged (on Mastodon by following
@bsky.brid.gy@bsky.brid.gy, on Bluesky by following @ap.brid.gy: here a toggle on the
account's sandbox page). A Bluesky account alice.bsky.social appears in the fediverse as
@alice.bsky.social@bsky.brid.gy; a Mastodon account @bob of the instance at example.host
appears on Bluesky as bob.example.host.ap.brid.gy, with a DID of its own (`accounts`).
Posts, replies and mentions cross both ways with threads kept (`posts`, texts by `text`).

Bridgy Fed takes seconds to minutes to carry a post across; the sandbox carries it while
the post is created, in the same transaction, so tests need not wait.
"""

from xsandbox.bridge.posts import bridge_record, bridge_status  # noqa: F401
