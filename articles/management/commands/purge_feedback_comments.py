from django.core.management.base import BaseCommand, CommandError

from articles.feedback import purge_comments


class Command(BaseCommand):
    help = (
        "Blank the comments of readers' feedback marked done more than FEEDBACK_COMMENT_RETENTION_DAYS days ago "
        "(run daily from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Days a done comment is kept (default: the setting)."
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        count = purge_comments(days=days)
        self.stdout.write(f"{count} comment(s) blanked.")
