from django.core.management.base import BaseCommand
from django.db import transaction

from articles.search_document import rebuild_search_words as rebuild_answers
from legal_refs.services import rebuild_search_words as rebuild_provisions


class Command(BaseCommand):
    help = (
        "Cut the Chinese of every answer and law article into words again, with the segmenter's dictionary as it "
        "is now (run it after a change of textkit/dictionary/words.txt or of the segmenter)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            answers, provisions = rebuild_answers(), rebuild_provisions()
        self.stdout.write(f"Search words cut again: {answers} answers and {provisions} law articles changed.")
