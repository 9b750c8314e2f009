from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.roles import ROLES, set_role


class Command(BaseCommand):
    help = (
        "Make a user an editor (writes answers) or a publisher (also publishes them), or remove the role. "
        "The user can then sign in to the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[*ROLES, "none"], help="editor, publisher, or none to remove the role")

    def handle(self, *args, username, role, **options):
        User = get_user_model()  # noqa: N806
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(
                f"There is no user “{username}”. Create the account first (admin: Users, Add user)."
            ) from None
        set_role(user, None if role == "none" else role)
        if role == "none":
            self.stdout.write(f"{username} no longer has an editorial role.")
        else:
            self.stdout.write(f"{username} now has the role “{role}” and can sign in to the admin.")
