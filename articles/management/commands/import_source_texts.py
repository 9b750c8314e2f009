from django.core.management.base import BaseCommand, CommandError

from articles.importer.loader import ImportFailed, import_paths


class Command(BaseCommand):
    help = (
        "Import source texts (files, or folders of *.txt) as answers with their sections and citations; "
        "the English quotes of law articles become translations. One run is one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A source text, or a folder of *.txt files.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")
        parser.add_argument(
            "--overwrite-edited",
            action="store_true",
            help="Overwrite answers that editors have changed since they were imported.",
        )
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="Import again the sources of answers that editors deleted (skipped otherwise).",
        )

    def handle(self, *args, **options):
        try:
            report = import_paths(
                options["paths"],
                dry_run=options["dry_run"],
                overwrite_edited=options["overwrite_edited"],
                restore_deleted=options["restore_deleted"],
            )
        except ImportFailed as failure:
            raise CommandError(f"Import refused; the database is unchanged.\n{failure}") from None
        for line in report.lines():
            self.stdout.write(line)
