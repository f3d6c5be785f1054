"""Admin for corpora and their sources."""

from django.contrib import admin

from corpora.models import BotCorpus, Corpus, CorpusSource


class CorpusSourceInline(admin.StackedInline):
    model = CorpusSource
    extra = 0
    fields = ["kind", "name", "text", "size", "created_at"]
    readonly_fields = ["size", "created_at"]


class BotCorpusInline(admin.TabularInline):
    model = BotCorpus
    extra = 0
    autocomplete_fields = ["bot"]


@admin.register(Corpus)
class CorpusAdmin(admin.ModelAdmin):
    list_display = ["name", "state_size", "status", "sentence_count", "word_count", "built_at"]
    list_filter = ["status", "state_size"]
    search_fields = ["name"]
    readonly_fields = [
        "status",
        "status_detail",
        "checksum",
        "sentence_count",
        "word_count",
        "built_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["model_file"]
    inlines = [CorpusSourceInline, BotCorpusInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CorpusSource)
class CorpusSourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "corpus", "kind", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "corpus__name"]
    list_select_related = ["corpus"]
    readonly_fields = ["size", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")
