"""Admin for bots and their galleries; credentials are write-only here as everywhere. It
lives with the dashboard because the bot's admin page combines apps: it generates drafts,
describes the schedule, and removing an image takes it off drafts. A staff member who is not a
superuser meets here only their own bots, images, groups and the people they share bots with:
in the lists, the filters and every choice, and every write goes through the services."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from bots import gallery, groups, services
from bots.credential_forms import ANY_NETWORK
from bots.forms import BotAdminForm, BotImageAdminForm
from bots.models import Bot, BotGroup, BotImage, Listener, Schedule
from bots.schedule import describe
from dashboard.forms import BotGroupAdminForm
from platforms import label_of
from tweets.images import remove_gallery_image
from tweets.services import request_generation

CREDENTIALS = "Credentials (write-only)"
STATUS_FIELDS = [
    "x_user_id",
    "verified_at",
    "attention_reason",
    "schedule_and_listening",
    "credentials_checked_at",
    "credentials_error",
    "out_of_credit_reason",
    "budget_hold",
    "x_daily_limit",
    "x_daily_remaining",
    "x_daily_reset_at",
    "created_at",
    "updated_at",
]


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin):
    form = BotAdminForm
    list_display = [
        "name",
        "handle",
        "platform",
        "is_active",
        "posting_mode",
        "daily_post_cap",
        "credentials_saved",
        "verified_at",
        "attention",
    ]
    list_filter = ["platform", "is_active", "posting_mode"]
    search_fields = ["name", "handle", "x_user_id"]
    filter_horizontal = ["owners"]
    readonly_fields = STATUS_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "handle", "platform", "owners"]}),
        (
            "Posting",
            {
                "fields": [
                    "is_active",
                    "posting_mode",
                    "daily_post_cap",
                    "monthly_budget_usd",
                    "draft_max_age_hours",
                    "auto_image_percent",
                ]
            },
        ),
        (
            CREDENTIALS,
            {
                "fields": list(ANY_NETWORK),
                "description": "Saved credentials are encrypted and never shown again.",
            },
        ),
        ("Status", {"fields": STATUS_FIELDS}),
    ]
    actions = ["verify", "generate_drafts", "pause", "resume"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_fieldsets(self, request, obj=None):
        # Only the credentials a person may type on the bot's network (none on Mastodon).
        typed = BotAdminForm.typed_credentials(obj)
        fieldsets = []
        for name, options in self.fieldsets:
            if name == CREDENTIALS:
                if not typed:
                    continue
                if obj:
                    name = f"{capfirst(label_of(obj.platform))} credentials (write-only)"
                options = {**options, "fields": list(typed)}
            fieldsets.append((name, options))
        return fieldsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "owners":
            kwargs["queryset"] = people_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Schedule and listening")
    def schedule_and_listening(self, bot):
        # Edited on the bot's page, whose service sets the row's next run.
        schedule = Schedule.objects.filter(bot=bot).first()
        listener = Listener.objects.filter(bot=bot).first()
        listening = ", ".join(listener.keywords) if listener and listener.enabled else "nothing"
        return format_html(
            'Posts {}; listens for {}. <a href="{}#schedule">Change on the bot page</a>',
            describe(schedule) if schedule else "only what people approve",
            listening,
            reverse("bots:detail", args=[bot.pk]) if bot.pk else "",
        )

    def save_model(self, request, obj, form, change):
        services.save_bot_settings(obj, credentials=form.credential_values(), by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            # A bot its staff member cannot see again is lost to them: they stay an owner.
            form.instance.owners.add(request.user)

    @admin.display(description="Credentials", boolean=True)
    def credentials_saved(self, bot):
        return bot.has_credentials()

    @admin.display(description="Needs attention")
    def attention(self, bot):
        if not bot.attention_reason:
            return ""
        return format_html('<span title="{}">⚠ {}</span>', bot.attention_reason, "yes")

    @admin.action(description="Verify credentials with X")
    def verify(self, request, queryset):
        for bot in queryset:
            outcome = services.verify_bot(bot, by=request.user)
            self.message_user(
                request, outcome.message, messages.SUCCESS if outcome.ok else messages.ERROR
            )

    @admin.action(description="Generate 5 drafts for each selected bot")
    def generate_drafts(self, request, queryset):
        for bot in queryset:
            request_generation(bot, count=5, by=request.user)
        self.message_user(
            request,
            f"Generating drafts for {len(queryset)} bot(s) on the worker; they appear in "
            "the review queue when ready.",
            messages.SUCCESS,
        )

    @admin.action(description="Pause selected bots")
    def pause(self, request, queryset):
        for bot in queryset:
            services.pause_bot(bot, by=request.user)
        self.message_user(request, f"Paused {len(queryset)} bot(s).", messages.SUCCESS)

    @admin.action(description="Resume selected bots")
    def resume(self, request, queryset):
        for bot in queryset:
            services.resume_bot(bot, by=request.user)
        self.message_user(request, f"Resumed {len(queryset)} bot(s).", messages.SUCCESS)


@admin.register(BotImage)
class BotImageAdmin(admin.ModelAdmin):
    form = BotImageAdminForm
    list_display = [
        "preview",
        "__str__",
        "bot",
        "width",
        "height",
        "has_alt_text",
        "used_count",
        "removed_at",
        "created_at",
    ]
    list_filter = [("bot", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["alt_text", "sha256"]
    list_select_related = ["bot"]
    readonly_fields = ["preview", "sha256", "format", "width", "height", "created_at"]

    def get_queryset(self, request):
        images = super().get_queryset(request).with_used_count()
        return images.filter(bot__in=Bot.objects.visible_to(request.user))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["bot", "upload", "alt_text"]
        return ["bot", "preview", "alt_text", "sha256", "format", "width", "height", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["bot"] if obj else [])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bot":
            kwargs["queryset"] = Bot.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            upload = form.cleaned_data["upload"]
            obj.pk = gallery.add_gallery_image(obj.bot, upload=upload, by=request.user).image.pk
        obj.refresh_from_db()  # set_alt_text compares with what is stored
        gallery.set_alt_text(obj, text=form.cleaned_data["alt_text"], by=request.user)

    def delete_model(self, request, obj):
        remove_gallery_image(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            remove_gallery_image(image, by=request.user)

    @admin.display(description="Image")
    def preview(self, image):
        if not image.thumbnail:
            return ""
        return format_html(
            '<img src="{}" alt="{}" style="max-height:80px">', image.thumbnail.url, image.alt_text
        )

    @admin.display(description="Alt text", boolean=True)
    def has_alt_text(self, image):
        return bool(image.alt_text)

    @admin.display(description="Times used", ordering="used_count")
    def used_count(self, image):
        return getattr(image, "used_count", None)


@admin.register(BotGroup)
class BotGroupAdmin(admin.ModelAdmin):
    form = BotGroupAdminForm
    list_display = ["name", "created_by", "created_at"]
    filter_horizontal = ["bots"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        return ["name", "bots", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # A group is its keeper's: only a superuser gives one to someone else.
        return [] if request.user.is_superuser else ["created_by"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "bots":
            kwargs["queryset"] = Bot.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        groups.save_group(
            obj,
            name=form.cleaned_data["name"],
            bots=form.cleaned_data["bots"],
            by=request.user,
            created_by=form.keeper(),
        )

    def save_related(self, request, form, formsets, change):
        """save_group wrote the members."""

    def delete_model(self, request, obj):
        groups.delete_group(obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            groups.delete_group(group)


def people_for(user):
    """The users a staff member may name as a bot's owners: themselves and whoever shares a
    bot with them (every user, for a superuser)."""
    users = get_user_model().objects.all()
    if user.is_superuser:
        return users
    return users.filter(Q(pk=user.pk) | Q(bots__in=Bot.objects.visible_to(user))).distinct()
