"""What the bot page and the dashboard show of X's rules for automated accounts: the
checklist, the flock's do-not-reply list, the reply rule (bots.checklist, bots.do_not_reply)."""

from bots import checklist, do_not_reply
from bots.listener import X_REPLY_RULE
from bots.models import Bot
from dashboard.forms import ChecklistForm, DoNotReplyForm


def bot_page_context(bot: Bot, *, do_not_reply_form=None, checklist_form=None) -> dict:
    """The bot page's sections on X's rules: its checklist (on X only) and its network's
    do-not-reply list."""
    return {
        "x_checklist": checklist.checklist_for(bot),
        "checklist_form": checklist_form
        or ChecklistForm(
            initial={
                "label_set": bot.automated_label_confirmed_at is not None,
                "operator_handle": bot.operator_handle,
            }
        ),
        "do_not_reply": do_not_reply.listed(bot.network),
        "do_not_reply_form": do_not_reply_form or DoNotReplyForm(),
        "x_reply_rule": X_REPLY_RULE,
    }


def dashboard_context(bots) -> dict:
    """The dashboard's one line on X's checklist: the bots of the page with items open."""
    return {"checklist_open": checklist.bots_with_open_items(bots)}
