"""The activity log in the admin: read only, as the services wrote it."""

from django.contrib import admin

from activity.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The activity log is written by the services; the admin reads it."""

    list_display = ["created_at", "actor_name", "bot", "action", "message"]
    list_filter = ["action", ("bot", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["message", "actor_name"]
    list_select_related = ["bot"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
