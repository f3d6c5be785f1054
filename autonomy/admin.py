"""Mentions in the admin: read only, as the listener decided them."""

from django.contrib import admin

from autonomy.models import Mention
from bots.models import Bot


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Mentions are decided by the listener; the admin shows them, it does not change them."""

    list_display = ["received_at", "bot", "author_username", "keyword", "decision", "reason"]
    list_filter = ["decision", ("bot", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "author_username", "post_id", "conversation_id"]
    list_select_related = ["bot"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(bot__in=Bot.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
