import importlib

from django.db import migrations

# "loss" joins the set of "lost" (search/synonyms.txt): readers ask about a lost card, and the answers tell them to
# report the loss; English stemming keeps the two words apart. A site seeded before gets it here, as
# 0003_more_synonyms adds its sets (a fresh site has it from the file already, and this changes nothing).
ADDED = [["lost", "loss"]]


def add_synonyms(apps, schema_editor):
    importlib.import_module("search.migrations.0003_more_synonyms").add_sets(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_more_synonyms"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
    ]
