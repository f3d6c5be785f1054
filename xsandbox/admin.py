"""Sandbox admin, for superusers only: accounts (with their faults, editable), apps and the
accounts connected to them, posts and media."""

from django.contrib import admin, messages

from xsandbox.accounts import FAULT_FIELDS, set_faults
from xsandbox.models import Account, App, Grant, Media, Post


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Every sandbox account and its posts, whoever's bot speaks as it: no permission given to
    a staff member opens these, only being a superuser does."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Account)
class AccountAdmin(SuperuserOnlyAdmin):
    list_display = ["handle", "name", "description", *FAULT_FIELDS, "created_at"]
    list_editable = list(FAULT_FIELDS)
    search_fields = ["handle", "name"]
    # The app credentials are shown by `manage.py sandbox_account`, never on a page.
    exclude = ["consumer_key", "access_token"]
    actions = ["clear_faults"]

    @admin.action(description="Clear all faults")
    def clear_faults(self, request, queryset):
        for account in queryset:
            set_faults(account, reset=True)
        self.message_user(
            request, f"Cleared faults on {len(queryset)} account(s).", messages.SUCCESS
        )


class GrantInline(admin.TabularInline):
    """Which accounts are connected to the app, and since when; never their tokens."""

    model = Grant
    fields = ["account", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(App)
class AppAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "callback_urls", "created_at"]
    search_fields = ["name"]
    # The consumer key and secret are shown by `manage.py sandbox_app`, never on a page.
    exclude = ["consumer_key"]
    inlines = [GrantInline]


@admin.register(Post)
class PostAdmin(SuperuserOnlyAdmin):
    list_display = ["__str__", "account", "created_at", "deleted"]
    list_filter = ["deleted", "account"]
    search_fields = ["text"]
    list_select_related = ["account"]
    raw_id_fields = ["in_reply_to", "conversation_root"]
    filter_horizontal = ["media", "mentioned"]


@admin.register(Media)
class MediaAdmin(SuperuserOnlyAdmin):
    list_display = ["__str__", "account", "content_type", "width", "height", "size", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["account"]
    search_fields = ["alt_text"]
