"""The editorial roles on the law corpus: publishers amend and correct law articles, choose the translation
shown by default and mark answers checked against the law; editors read the versions and add translations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# (app label, codename)
EDITOR_PERMISSIONS = [
    ("legal_refs", "view_provisionversion"),
    ("legal_refs", "view_correction"),
    ("legal_refs", "view_translation"),
    ("legal_refs", "add_translation"),
]
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("legal_refs", "add_provisionversion"),
    ("legal_refs", "change_provisionversion"),
    ("legal_refs", "change_translation"),
    ("legal_refs", "delete_translation"),
]


def create_permissions_and_add(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    add_permissions(apps)


def add_permissions(apps):
    """Give the groups (created by 0003_editor_groups) these permissions."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, pairs in ((EDITORS, EDITOR_PERMISSIONS), (PUBLISHERS, PUBLISHER_PERMISSIONS)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        wanted = set(pairs)
        found = [
            permission
            for permission in Permission.objects.filter(content_type__app_label__in={"articles", "legal_refs"})
            .select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        if missing:
            raise RuntimeError(f"permissions missing: {sorted(missing)}")
        group.permissions.add(*found)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {codename for _, codename in PUBLISHER_PERMISSIONS}
    for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS]):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_law_review"),
        ("legal_refs", "0003_instruments_versions_translations"),
    ]

    operations = [migrations.RunPython(create_permissions_and_add, remove_permissions)]
