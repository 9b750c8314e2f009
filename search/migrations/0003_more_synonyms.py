from django.db import migrations

# The synonym sets that search/synonyms.txt gained after 0001_initial seeded a site from it: a site seeded before
# gets them here (a fresh site has them from the file already, and this changes nothing). Each is added to the set
# that already has its first term (a publisher's edit kept: only the missing terms are added), else as a new set.
# Stored as 0001_initial stores a set: its terms in order, joined by " = ". The cached synonyms are not
# forgotten here: searches apply these within a day (search.synonyms.CACHE_TIMEOUT), or at a publisher's next
# change of any set.
ADDED = [
    ["孩子", "宝宝"],  # a baby's card is a child's card (孩子 = 儿童 = 少儿 = 未成年人 = 小孩)
    ["换卡", "换领", "换发"],  # exchanging a card (for a new one, a third-generation one)
    ["多久", "多长时间"],  # how long
    ["使用", "用"],  # to use
]
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
        ("search", "0002_search_log"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
    ]
