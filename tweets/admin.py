"""Admin for tweets and the API calls made for them. A staff member who is not a superuser
meets only their own bots' tweets, in the lists, the filters and every choice. Attempts are
the record of calls made and images are chosen on the review card: both are read only here."""

from django.contrib import admin, messages
from django.utils.html import format_html

from bots.models import Bot
from corpora.models import Corpus
from tweets import services
from tweets.forms import TweetAdminForm
from tweets.models import GenerationJob, PostAttempt, Tweet, TweetImage


class PostAttemptInline(admin.TabularInline):
    model = PostAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "outcome", "http_status", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TweetImageInline(admin.TabularInline):
    model = TweetImage
    extra = 0
    fields = ["image", "position"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tweet)
class TweetAdmin(admin.ModelAdmin):
    form = TweetAdminForm
    list_display = ["short_text", "bot", "state", "created_at", "posted_at", "post_link"]
    list_filter = ["state", ("bot", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["text", "x_post_id"]
    list_select_related = ["bot"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ["bot", "corpus", "approved_by"]
    readonly_fields = [
        "state",
        "approved_by",
        "approved_at",
        "next_attempt_at",
        "lease_until",
        "attempt_count",
        "x_post_id",
        "posted_at",
        "cost_usd",
        "last_error",
        "created_at",
        "updated_at",
    ]
    inlines = [TweetImageInline, PostAttemptInline]
    actions = ["approve", "post_now", "reject", "retry"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        # Drafts come from generation and the composer, whose services log them.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bot":
            kwargs["queryset"] = Bot.objects.visible_to(request.user)
        elif db_field.name == "corpus":
            kwargs["queryset"] = Corpus.objects.visible_to(request.user)
        elif db_field.name == "generation_job":
            kwargs["queryset"] = GenerationJob.objects.filter(
                bot__in=Bot.objects.visible_to(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Text changes go through edit_tweet (X's rules, the activity log), on editable
        # tweets only.
        if obj is not None and not obj.is_editable():
            return [*self.readonly_fields, "text"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change and "text" in form.changed_data:
            text = obj.text
            obj.text = form.initial["text"]
            super().save_model(request, obj, form, change)
            services.edit_tweet(obj, text=text, by=request.user)
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.delete_tweet(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tweet in queryset.select_related("bot"):
            services.delete_tweet(tweet, by=request.user)

    @admin.display(description="Text")
    def short_text(self, tweet):
        return tweet.text[:80]

    @admin.display(description="Post")
    def post_link(self, tweet):
        if not tweet.x_post_id:
            return ""
        return format_html('<a href="{}">{}</a>', tweet.x_post_url, tweet.x_post_id)

    @admin.action(description="Approve selected drafts (post as soon as possible)")
    def approve(self, request, queryset):
        self._apply(request, queryset, services.approve_tweet, "approved")

    @admin.action(description="Post selected now")
    def post_now(self, request, queryset):
        self._apply(request, queryset, services.post_now, "queued to post now")

    @admin.action(description="Reject selected drafts")
    def reject(self, request, queryset):
        self._apply(request, queryset, services.reject_tweet, "rejected")

    @admin.action(description="Retry selected failed tweets")
    def retry(self, request, queryset):
        self._apply(request, queryset, services.retry_tweet, "queued again")

    def _apply(self, request, queryset, service, done):
        succeeded, refused = 0, []
        for tweet in queryset.select_related("bot"):
            try:
                service(tweet, by=request.user)
            except (services.InvalidTransition, services.InvalidText) as error:
                refused.append(f"“{tweet.text[:40]}”: {error}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} tweet(s) {done}.", messages.SUCCESS)
        for reason in refused[:10]:
            self.message_user(request, reason, messages.WARNING)


@admin.register(PostAttempt)
class PostAttemptAdmin(admin.ModelAdmin):
    list_display = ["tweet", "number", "started_at", "duration_ms", "outcome", "http_status"]
    list_filter = ["outcome", "started_at"]
    search_fields = ["tweet__text", "error"]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(tweet__in=Tweet.objects.visible_to(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
