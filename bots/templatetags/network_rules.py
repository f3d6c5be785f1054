"""The Rules of a bot's network for templates: `{% with rules=bot|rules %}`, then
`rules.max_length` or `rules.max_alt_text` instead of a limit written in the page."""

from django import template

from platforms import rules_for
from platforms.x import rules as x_rules

register = template.Library()


@register.filter
def rules(bot):
    # A page with no bot (the count of a text being typed) shows X's rules, which the
    # sandbox shares.
    return rules_for(bot) if bot else x_rules.RULES
