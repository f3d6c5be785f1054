"""Forms of the dashboard app: the activity page's filter, a group in the admin, and the bot
page's listening and X's rules (the do-not-reply list, the checklist): validation only."""

from datetime import timedelta

from django import forms
from django.urls import reverse_lazy

from bots.do_not_reply import parse_stop_words
from bots.listener import X_REPLY_RULE, parse_keywords
from bots.models import Bot, BotGroup, Listener
from bots.picker import BotPickerField
from dashboard.activity import SUBJECTS
from platforms.x.handles import HANDLE_RULE, is_valid_handle


class ActivityFilterForm(forms.Form):
    bot = BotPickerField(
        required=False, search_url=reverse_lazy("bots:suggestions"), placeholder="Any bot"
    )
    group = forms.ModelChoiceField(
        queryset=BotGroup.objects.none(), required=False, empty_label="Any group"
    )
    subject = forms.ChoiceField(required=False, label="About")
    person = forms.CharField(
        required=False, max_length=150, label="Who", help_text="A username, or schedule, worker…"
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tweet = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    corpus = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = Bot.objects.visible_to(user)
        self.fields["group"].queryset = BotGroup.objects.visible_to(user)
        self.fields["subject"].choices = [("", "Anything"), *SUBJECTS]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


class BotGroupAdminForm(forms.ModelForm):
    """A group in the admin: its name unique among its keeper's groups, its bots the keeper's
    own. The admin sets `user`, the staff member saving it."""

    user = None

    class Meta:
        model = BotGroup
        fields = ["name", "bots", "monthly_budget_usd", "created_by"]

    def keeper(self):
        if "created_by" in self.fields:
            return self.cleaned_data.get("created_by")
        return self.instance.created_by if self.instance.pk else self.user

    def clean(self):
        cleaned = super().clean()
        keeper, name = self.keeper(), (cleaned.get("name") or "").strip()
        cleaned["name"] = name
        taken = BotGroup.objects.filter(created_by=keeper, name__iexact=name)
        if keeper is not None and taken.exclude(pk=self.instance.pk).exists():
            self.add_error("name", f"{keeper} already has a group called “{name}”.")
        if keeper is not None:
            theirs = Bot.objects.visible_to(keeper)
            strangers = [bot.name for bot in cleaned.get("bots") or () if bot not in theirs]
            if strangers:
                self.add_error("bots", f"Not {keeper}'s bots: {', '.join(strangers)}.")
        return cleaned


class DoNotReplyForm(forms.Form):
    """An account put on the flock's do-not-reply list by hand."""

    handle = forms.CharField(
        max_length=16, label="Handle", validators=[], help_text="The account's @handle."
    )
    reason = forms.CharField(max_length=200, required=False, label="Why")

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lstrip("@")
        if not is_valid_handle(handle):
            raise forms.ValidationError(HANDLE_RULE)
        return handle


class ChecklistForm(forms.Form):
    """A person's word on X's automated-account checklist."""

    label_set = forms.BooleanField(
        required=False, label="The “automated” label is set on the account at X"
    )
    operator_handle = forms.CharField(
        max_length=16, required=False, label="Operator's account", help_text="Its @handle."
    )

    def clean_operator_handle(self):
        handle = self.cleaned_data["operator_handle"].strip().lstrip("@")
        if handle and not is_valid_handle(handle):
            raise forms.ValidationError(HANDLE_RULE)
        return handle


class ListenerForm(forms.ModelForm):
    """What a bot listens for and the limits on its replies."""

    keywords = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma-separated words; a mention containing one gets a reply seeded with it.",
    )
    cooldown_minutes = forms.FloatField(
        min_value=0,
        max_value=7 * 24 * 60,
        initial=15,
        label="Cooldown per account (minutes)",
        help_text="At most one reply to the same account in this time.",
    )

    stop_words = forms.CharField(
        max_length=500,
        required=False,
        label="Stop words",
        help_text="Besides “stop”, always heard: comma-separated words or phrases that put a "
        "mention's author on the flock's do-not-reply list.",
    )
    confirm_reply_rule = forms.BooleanField(
        required=False, label="I confirm X's rule for automated replies", help_text=X_REPLY_RULE
    )

    class Meta:
        model = Listener
        fields = ["enabled", "reply_mode", "max_replies_per_conversation", "max_replies_per_hour"]
        labels = {"enabled": "Listen to mentions", "reply_mode": "Replies"}

    def __init__(self, *args, bot: Bot, **kwargs):
        # Beside the schedule on the bot page, whose "enabled" has the plain id.
        kwargs.setdefault("auto_id", "id_listening_%s")
        super().__init__(*args, **kwargs)
        self.bot = bot
        if self.instance.pk:
            self.initial["keywords"] = ", ".join(self.instance.keywords)
            minutes = self.instance.cooldown.total_seconds() / 60
            # 15, not 15.0: whole minutes as people write them.
            self.initial["cooldown_minutes"] = int(minutes) if minutes.is_integer() else minutes
            self.initial["stop_words"] = ", ".join(self.instance.stop_words)
        self.instance.bot = bot
        if not self.instance.needs_autopilot_confirmation():
            # Confirmed already, or a network without the rule: nothing to confirm.
            del self.fields["confirm_reply_rule"]

    def clean_stop_words(self):
        return parse_stop_words(self.cleaned_data["stop_words"])

    def clean_keywords(self):
        keywords = parse_keywords(self.cleaned_data["keywords"])
        if any(" " in keyword for keyword in keywords):
            raise forms.ValidationError("Keywords are single words; separate them with commas.")
        return keywords

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enabled") and not cleaned.get("keywords"):
            self.add_error("keywords", "Give at least one keyword to listen for.")
        if (
            cleaned.get("reply_mode") == Bot.PostingMode.AUTOPILOT
            and "confirm_reply_rule" in self.fields
            and not cleaned.get("confirm_reply_rule")
        ):
            self.add_error(
                "reply_mode",
                "Autopilot replies on X need your confirmation first: tick “I confirm X's "
                "rule for automated replies” below (replies only to posts that mention the "
                "bot, one per post), or keep replies for review.",
            )
        return cleaned

    def listener_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "enabled": data["enabled"],
            "keywords": data["keywords"],
            "reply_mode": data["reply_mode"],
            "max_replies_per_conversation": data["max_replies_per_conversation"],
            "max_replies_per_hour": data["max_replies_per_hour"],
            "cooldown": timedelta(minutes=data["cooldown_minutes"]),
            "stop_words": data["stop_words"],
            "confirm_reply_rule": bool(data.get("confirm_reply_rule")),
        }
