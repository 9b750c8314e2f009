from django.core.management.base import BaseCommand, CommandError

from legal_refs.lawtext.loader import LawImportFailed, import_law_paths


class Command(BaseCommand):
    help = (
        "Import official law texts: each metadata file (*.toml) with the text it names, or every one in a folder "
        "(fixtures/laws/). A re-import compares each file with what it gave last time. One run is one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A law text's metadata (*.toml), or a folder.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")

    def handle(self, *args, **options):
        try:
            report = import_law_paths(options["paths"], dry_run=options["dry_run"])
        except LawImportFailed as failure:
            raise CommandError(f"Import refused; the database is unchanged.\n{failure}") from None
        for line in report.summary():
            self.stdout.write(line)
