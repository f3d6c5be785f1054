"""The mention decision badge: a reply shows green, a skip stays plain."""

from autonomy.models import Mention
from autonomy.templatetags.mention_format import decision_badge


def test_a_reply_is_green_and_a_skip_is_plain():
    assert decision_badge(Mention.Decision.REPLIED) == "ok"
    assert decision_badge(Mention.Decision.SKIPPED) == ""
