"""Print (and with --save, keep as drafts) sentences generated in a bot's voice."""

from django.core.management.base import BaseCommand, CommandError

from bots.models import Bot
from tweets.drafting import generate_drafts
from tweets.generation import CannotGenerate, generate_texts


class Command(BaseCommand):
    help = "Generate drafts for a bot from its corpora, one per line."

    def add_arguments(self, parser):
        parser.add_argument("--bot", required=True, help="The bot's name (or handle).")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--seed", default="", help="A word every draft must contain.")
        parser.add_argument("--save", action="store_true", help="Save them as drafts.")

    def handle(self, *args, bot, count, seed, save, **options):
        if not 1 <= count <= 1000:
            raise CommandError("--count must be between 1 and 1000.")
        found = (
            Bot.objects.filter(name=bot).first()
            or Bot.objects.filter(handle__iexact=bot.lstrip("@")).first()
        )
        if found is None:
            raise CommandError(f"No bot is named {bot!r}.")
        try:
            if save:
                texts = [tweet.text for tweet in generate_drafts(found, count=count, seed=seed)]
            else:
                texts = generate_texts(found, count=count, seed=seed).texts
        except CannotGenerate as error:
            raise CommandError(str(error)) from None
        for text in texts:
            self.stdout.write(text)
        if len(texts) < count:
            self.stderr.write(f"Only {len(texts)} of {count} could be generated.")
        if save:
            self.stderr.write(f"Saved {len(texts)} draft(s) for {found.name}.")
