"""Forms for corpora: validation only."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from bots.models import Bot
from corpora.models import Corpus

MAX_PASTED_CHARACTERS = 5_000_000


class CorpusForm(forms.ModelForm):
    class Meta:
        model = Corpus
        fields = ["name", "state_size"]


class PastedTextForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_PASTED_CHARACTERS,
        strip=False,
        error_messages={"max_length": "Paste at most 5 million characters; upload a file instead."},
    )


class UploadedFileForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 text file.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CORPUS_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
            )
        return upload


class XArchiveForm(UploadedFileForm):
    file = forms.FileField(label="tweets.js", help_text="From the data/ folder of an X archive.")
    strip_links = forms.BooleanField(initial=True, required=False, label="Remove links")
    strip_mentions = forms.BooleanField(initial=True, required=False, label="Remove @mentions")

    def __init__(self, *args, **kwargs):
        # On the corpus page beside the plain upload, whose "file" has the plain id.
        kwargs.setdefault("auto_id", "id_archive_%s")
        super().__init__(*args, **kwargs)


class BotLinkForm(forms.Form):
    bot = forms.ModelChoiceField(queryset=Bot.objects.none(), label="Bot")
    weight = forms.FloatField(
        min_value=0.0, max_value=100.0, initial=1.0, label="Weight", help_text="0 to 100."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = Bot.objects.visible_to(user)


class PreviewForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=20, initial=5, label="Sentences")
    seed = forms.CharField(max_length=100, required=False, label="Seed word")
