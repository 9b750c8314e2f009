"""The editorial roles, as groups created by a migration: Editors write answers; Publishers also publish them."""

from django.contrib.auth.models import Group
from django.db import transaction

ROLES = {"editor": "Editors", "publisher": "Publishers"}
# What the roles hold: editors (and publishers) change answers; only publishers publish them.
CHANGE_PERMISSION = "articles.change_answer"
PUBLISH_PERMISSION = "articles.publish_answer"


class UnknownRole(ValueError):
    pass


@transaction.atomic
def set_role(user, role):
    """Give `user` exactly one editorial role (or none, with role=None); staff status follows."""
    if role is not None and role not in ROLES:
        raise UnknownRole(role)
    user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
    if role is None:
        user.is_staff = user.is_superuser or user.groups.exists()
    else:
        user.groups.add(Group.objects.get(name=ROLES[role]))
        user.is_staff = True
    user.save(update_fields=["is_staff"])
