"""The editorial roles: "Editors" write answers; "Publishers" also publish them.

Neither group holds any permission on users, groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# (app label, codename)
EDITOR_PERMISSIONS = [
    *(("articles", f"{action}_answer") for action in ("add", "change", "view")),
    # Sections and citations are edited inside an answer; removing one is part of editing it.
    *(("articles", f"{action}_section") for action in ("add", "change", "delete", "view")),
    *(("articles", f"{action}_citation") for action in ("add", "change", "delete", "view")),
    # Topics are public pages with stable URLs: editors add them, publishers change them.
    ("articles", "add_topic"),
    ("articles", "view_topic"),
    ("legal_refs", "view_law"),
    ("legal_refs", "view_chapter"),
    ("legal_refs", "view_provision"),
]
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, ("articles", "change_topic"), ("articles", "publish_answer")]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    add_groups(apps)


def add_groups(apps):
    """Create the groups with their permissions (which must exist), or complete them."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        wanted = set(pairs)
        found = [
            p
            for p in Permission.objects.filter(content_type__app_label__in={app for app, _ in wanted}).select_related(
                "content_type"
            )
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        if missing:
            raise RuntimeError(f"permissions missing: {sorted(missing)}")
        return found

    for name, pairs in ((EDITORS, EDITOR_PERMISSIONS), (PUBLISHERS, PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions(pairs))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editorial_workflow"),
        ("legal_refs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
