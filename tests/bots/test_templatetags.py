"""The bot badge: the most urgent thing about a bot, in one word or two."""

from bots.models import Bot
from bots.templatetags.bot_format import bot_badge, link_breaks


def test_a_bot_needing_attention_says_so_before_anything_else():
    bot = Bot(attention_reason="401", out_of_credit_reason="402", is_active=True)
    assert bot_badge(bot) == '<span class="badge warn">Needs attention</span>'


def test_a_bot_out_of_credit_says_so_before_active():
    bot = Bot(out_of_credit_reason="402", is_active=True)
    assert bot_badge(bot) == '<span class="badge bad">Out of credit</span>'


def test_an_active_bot_and_a_paused_one():
    assert bot_badge(Bot(is_active=True)) == '<span class="badge ok">Active</span>'
    assert bot_badge(Bot(is_active=False)) == '<span class="badge">Paused</span>'


def test_a_help_texts_link_may_wrap_at_its_slashes_and_stays_escaped():
    html = link_breaks("On <X> (https://x.com/handle/status/123…)")
    assert html == "On &lt;X&gt; (https:/<wbr>/<wbr>x.com/<wbr>handle/<wbr>status/<wbr>123…)"
