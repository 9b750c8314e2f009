from django.core.management.base import BaseCommand

from articles import review
from serving.mail import mail_configured


class Command(BaseCommand):
    help = (
        "Print what each responsible editor has due for review against the law (question, reasons, admin page) "
        "and, unless the mail backend is the console or dummy one, mail each editor their list. Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-mail", action="store_true", help="Only print; mail nobody.")

    def handle(self, *args, **options):
        reminders = review.reminders()
        for reminder in reminders:
            self.stdout.write(f"{reminder.name} ({len(reminder.answers)} due):")
            self.stdout.write(review.reminder_text(reminder))
            self.stdout.write("")
        mailed = [] if options["no_mail"] or not mail_configured() else review.send_reminders(reminders)
        unmailed = [r.name for r in reminders if r.editor is not None and not r.editor.email]
        if unmailed and not options["no_mail"] and mail_configured():
            self.stdout.write(f"Not mailed, no e-mail address: {', '.join(unmailed)}.")
        due = sum(len(reminder.answers) for reminder in reminders)
        self.stdout.write(f"Answers due: {due}. Editors mailed: {len(mailed)}.")
