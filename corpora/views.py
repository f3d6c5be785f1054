"""Pages for corpora: list, create, add sources, link to bots, see the build status."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from corpora import forms, services
from corpora.access import corpus_for_user
from corpora.markov import UnknownWord
from corpora.model_cache import NoModel
from corpora.models import BotCorpus, Corpus
from corpora.sources import SourceRejected
from corpora.uploads import limit_uploads
from pages.confirming import ask_first, is_confirmed
from pages.failed_forms import failed_form_redirect, restore_failed_form


@login_required
def corpus_list(request):
    form = forms.CorpusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        corpus = services.create_corpus(
            name=form.cleaned_data["name"],
            state_size=form.cleaned_data["state_size"],
            by=request.user,
        )
        messages.success(request, f"Created corpus “{corpus.name}”. Now give it some text.")
        return redirect("corpora:detail", pk=corpus.pk)
    if request.method == "POST":
        to, title = reverse("corpora:list"), "The corpus was not created"
        return failed_form_redirect(request, form, to=to, key="corpus", title=title, anchor="new")
    corpora = Corpus.objects.visible_to(request.user)
    form = restore_failed_form(request, forms.CorpusForm, key="corpus") or form
    return render(request, "corpora/corpus_list.html", {"corpora": corpora, "form": form})


@login_required
def corpus_detail(request, pk):
    corpus = corpus_for_user(request.user, pk)
    return render(request, "corpora/corpus_detail.html", _detail_context(request, corpus))


def _detail_context(request, corpus):
    restored = {
        kind: restore_failed_form(request, form_class, key=kind)
        for kind, form_class in SOURCE_FORMS.items()
    }
    link_form = restore_failed_form(request, forms.BotLinkForm, key="link", user=request.user)
    return {
        "corpus": corpus,
        "sources": corpus.sources.defer("text"),
        "links": BotCorpus.objects.filter(corpus=corpus).select_related("bot"),
        "text_form": restored["text"] or forms.PastedTextForm(),
        "file_form": restored["file"] or forms.UploadedFileForm(),
        "archive_form": restored["x_archive"] or forms.XArchiveForm(),
        "link_form": link_form or forms.BotLinkForm(user=request.user),
        "max_upload": settings.CORPUS_MAX_UPLOAD_BYTES,
        "preview_form": forms.PreviewForm(),
        "activity": {"entries": corpus.activity.select_related("bot", "tweet", "corpus")[:10]},
    }


SOURCE_FORMS = {
    "text": forms.PastedTextForm,
    "file": forms.UploadedFileForm,
    "x_archive": forms.XArchiveForm,
}
SOURCE_TITLES = {
    "text": "The text was not added",
    "file": "The file was not added",
    "x_archive": "The archive was not imported",
}


@csrf_exempt  # the upload limit must be in place before CSRF reads the body
@login_required
@require_POST
def add_source(request, pk, kind):
    limit = limit_uploads(request, settings.CORPUS_MAX_UPLOAD_BYTES + 1)
    return _add_source(request, pk, kind, limit)


@csrf_protect
def _add_source(request, pk, kind, limit):
    corpus = corpus_for_user(request.user, pk)
    form = SOURCE_FORMS[kind](request.POST, request.FILES)
    if limit.exceeded:
        size = filesizeformat(settings.CORPUS_MAX_UPLOAD_BYTES)
        form.add_error(None, f"The file is larger than the {size} limit.")
    elif form.is_valid():
        try:
            _call_source_service(corpus, kind, form.cleaned_data, request.user)
        except SourceRejected as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Added. The model is being rebuilt.")
            return redirect("corpora:detail", pk=corpus.pk)
    to, title = reverse("corpora:detail", args=[corpus.pk]), SOURCE_TITLES[kind]
    return failed_form_redirect(request, form, to=to, key=kind, title=title, anchor=f"add-{kind}")


def _call_source_service(corpus, kind, data, by):
    if kind == "text":
        return services.add_text_source(corpus, text=data["text"], name=data["name"], by=by)
    upload = data["file"]
    if kind == "file":
        return services.add_file_source(corpus, data=upload.read(), name=upload.name, by=by)
    return services.add_x_archive_source(
        corpus,
        data=upload.read(),
        strip_links=data["strip_links"],
        strip_mentions=data["strip_mentions"],
        by=by,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_source(request, pk, source_pk):
    corpus = corpus_for_user(request.user, pk)
    source = get_object_or_404(corpus.sources, pk=source_pk)
    if not is_confirmed(request):
        question = f"Remove “{source}” from {corpus.name}? The model is rebuilt without it."
        cancel = reverse("corpora:detail", args=[corpus.pk])
        return ask_first(request, question=question, action="Remove source", cancel_url=cancel)
    services.remove_source(source, by=request.user)
    messages.success(request, "Source removed. The model is being rebuilt.")
    return redirect("corpora:detail", pk=corpus.pk)


@login_required
@require_POST
def link_bot(request, pk):
    corpus = corpus_for_user(request.user, pk)
    form = forms.BotLinkForm(request.POST, user=request.user)
    if form.is_valid():
        services.link_corpus(
            corpus,
            bot=form.cleaned_data["bot"],
            weight=form.cleaned_data["weight"],
            by=request.user,
        )
        messages.success(request, f"{form.cleaned_data['bot'].name} now speaks from this corpus.")
        return redirect("corpora:detail", pk=corpus.pk)
    to, title = reverse("corpora:detail", args=[corpus.pk]), "No bot was linked"
    return failed_form_redirect(request, form, to=to, key="link", title=title, anchor="link-bot")


@login_required
@require_POST
def rebuild(request, pk):
    corpus = corpus_for_user(request.user, pk)
    services.request_build(corpus)
    messages.success(request, "Rebuilding the model.")
    return redirect("corpora:detail", pk=corpus.pk)


@login_required
@require_GET
def preview(request, pk):
    corpus = corpus_for_user(request.user, pk)
    form = forms.PreviewForm(request.GET)
    context = {"corpus": corpus, "preview_form": form, "sentences": None, "problem": ""}
    if form.is_valid():
        try:
            context["sentences"] = services.preview_sentences(corpus, **form.cleaned_data)
        except (NoModel, UnknownWord) as error:
            context["problem"] = str(error)
    else:
        context["problem"] = "Ask for 1 to 20 sentences."
    if request.htmx:
        return render(request, "corpora/includes/preview.html", context)
    return render(
        request, "corpora/corpus_detail.html", {**_detail_context(request, corpus), **context}
    )
