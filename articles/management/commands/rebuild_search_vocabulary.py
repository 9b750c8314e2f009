from django.core.management.base import BaseCommand

from articles.search_document import rebuild_vocabulary


class Command(BaseCommand):
    help = (
        "Make the search's spelling vocabulary again from the published answers, dropping the words none of "
        "them has any more (run it now and then, for example nightly, or after unpublishing answers)."
    )

    def handle(self, *args, **options):
        words, added, removed = rebuild_vocabulary()
        self.stdout.write(f"Search vocabulary: {words} words ({added} added, {removed} removed).")
