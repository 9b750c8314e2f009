from django.core.management.base import BaseCommand

from search.log import flush


class Command(BaseCommand):
    help = (
        "Add the searches counted in the cache to the search log, a finished minute at a time, and delete the "
        "rows older than SEARCH_LOG_KEEP_DAYS (run it every minute from cron; runs that overlap are safe)."
    )

    def handle(self, *args, **options):
        done = flush()
        self.stdout.write(
            f"Search log: {done.searches} searches of {done.minutes} minutes added, {done.removed} old rows deleted."
        )
