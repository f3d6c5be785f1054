"""Admin for corpora and their sources. Sources are added and removed on the corpus's own
page, whose services queue the rebuild and log the change; here they are read only. A staff
member who is not a superuser meets only their own corpora and bots, and links a corpus to a
bot through the same services as the corpus page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from bots.models import Bot
from corpora import services
from corpora.models import BotCorpus, Corpus, CorpusSource


class CorpusSourceInline(admin.TabularInline):
    model = CorpusSource
    extra = 0
    fields = ["kind", "name", "size", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BotCorpusInline(admin.TabularInline):
    model = BotCorpus
    extra = 0
    autocomplete_fields = ["bot"]

    def get_queryset(self, request):
        # Another owner's bot may speak from a corpus this person sees: not theirs to change.
        return super().get_queryset(request).filter(bot__in=Bot.objects.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bot":
            kwargs["queryset"] = Bot.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Corpus)
class CorpusAdmin(admin.ModelAdmin):
    list_display = ["name", "state_size", "status", "sentence_count", "word_count", "built_at"]
    list_filter = ["status", "state_size"]
    search_fields = ["name"]
    readonly_fields = [
        "sources_page",
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
        if change:
            services.change_corpus(obj, name=obj.name, state_size=obj.state_size, by=request.user)
            return
        corpus = services.create_corpus(name=obj.name, state_size=obj.state_size, by=request.user)
        obj.pk = corpus.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not BotCorpus:
            return super().save_formset(request, form, formset, change)
        corpus, deleted = form.instance, formset.deleted_forms
        for row in formset.forms:
            stored = BotCorpus.objects.filter(pk=row.instance.pk).select_related("bot").first()
            if stored and (row in deleted or stored.bot_id != row.cleaned_data["bot"].pk):
                services.unlink_corpus(corpus, bot=stored.bot, by=request.user)
            if row.has_changed() and row not in deleted:
                services.link_corpus(
                    corpus,
                    bot=row.cleaned_data["bot"],
                    weight=row.cleaned_data["weight"],
                    by=request.user,
                )
        # The services wrote the rows; the admin's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description="Sources")
    def sources_page(self, corpus):
        if not corpus.pk:
            return "Add text on the corpus's page once it is saved."
        return format_html(
            '<a href="{}">Add or remove sources on the corpus page</a> (it rebuilds the model).',
            reverse("corpora:detail", args=[corpus.pk]),
        )


@admin.register(CorpusSource)
class CorpusSourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "corpus", "kind", "size", "created_at"]
    list_filter = ["kind", ("corpus", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "corpus__name"]
    list_select_related = ["corpus"]
    fields = ["corpus", "kind", "name", "size", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        sources = super().get_queryset(request).defer("text")
        return sources.filter(corpus__in=Corpus.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.remove_source(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for source in queryset.select_related("corpus"):
            services.remove_source(source, by=request.user)
