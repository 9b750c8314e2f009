from django.db import migrations

# "loss" joins the set of "lost" (search/synonyms.txt): readers ask about a lost card, and the answers tell them to
# report the loss; English stemming keeps the two words apart. A site seeded before gets it here, as
# 0003_more_synonyms adds its sets (a fresh site has it from the file already, and this changes nothing): added to
# the set that has its first term (a publisher's edit kept: only the missing terms are added), else as a new set.
ADDED = [["lost", "loss"]]
SEPARATOR = " = "


def add_synonyms(apps, schema_editor):
    SynonymSet = apps.get_model("search", "SynonymSet")
    sets = list(SynonymSet.objects.all())
    for first, *others in ADDED:
        holder = next((s for s in sets if first in s.terms.split(SEPARATOR)), None)
        if holder is None:
            sets.append(SynonymSet.objects.create(terms=SEPARATOR.join(sorted({first, *others}))))
            continue
        terms = set(holder.terms.split(SEPARATOR))
        if not terms.issuperset(others):
            holder.terms = SEPARATOR.join(sorted(terms | set(others)))
            holder.save(update_fields=["terms", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_more_synonyms"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
    ]
