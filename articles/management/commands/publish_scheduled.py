from django.core.management.base import BaseCommand

from articles.proposals import SCHEDULE
from articles.services import publish_due


class Command(BaseCommand):
    help = (
        "Carry out the scheduled changes whose time has come: publish the answers whose “publish at” has passed, "
        "take off the site those whose “take off the site at” has passed. Run it from cron every minute; two runs "
        "at once carry out each change once. Then publish the approved changes to live answers whose time has come."
    )

    def handle(self, *args, **options):
        done = publish_due(changes=SCHEDULE)
        for item in done:
            self.stdout.write(f"{item.change}: {item.row} ({item.row.pk})")
        if not done:
            self.stdout.write("Nothing is due.")
