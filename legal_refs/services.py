"""Every write of the law corpus goes through here: the one place where what a write must also do is added.

An article's official wording changes in two ways, never confused:
- an **amendment** (`amend`) is a new version, with the date it takes effect and the instrument that made it;
- a **correction** (`correct`) fixes a transcription error in a version and is recorded in the article's history
  (`Correction`) without making a version.
Both keep `Provision.paragraphs` (a copy of the latest version's text) and the search columns in step.
"""

from django.utils import timezone

from serving.pages import content_changed

from .models import SEARCH_FIELDS, Correction, Law, Provision, ProvisionVersion, Translation


def save_law(law: Law) -> Law:
    law.save()
    content_changed()
    return law


def save_chapters(chapters, removed=()) -> None:
    """Save a law's chapters (changed or new) and delete those `removed`."""
    for chapter in removed:
        chapter.delete()
    for chapter in chapters:
        chapter.save()
    content_changed()


def delete_laws(laws) -> None:
    """Delete laws with their chapters and articles (the answers citing them lose those citations)."""
    Law.objects.filter(pk__in=[law.pk for law in laws]).delete()
    content_changed()


def delete_provisions(provisions) -> None:
    """Delete law articles with their versions and translations."""
    Provision.objects.filter(pk__in=[provision.pk for provision in provisions]).delete()
    content_changed()


def save_provision(provision: Provision) -> Provision:
    """Save a law article; its search text follows its number, text and translations (`Provision.save`)."""
    provision.save()
    content_changed()
    return provision


def create_provisions(provisions, versions):
    """Create new law articles, each with its versions, in a few queries (a first import of a whole text).

    `versions` maps each provision (by position) to its (effective_from, made_by, paragraphs) wordings."""
    for provision, wordings in zip(provisions, versions, strict=True):
        provision.paragraphs = list(max(wordings)[2])
        provision.fill_search_columns(wordings=[paragraphs for _, _, paragraphs in wordings])
    Provision.objects.bulk_create(provisions)
    created = [
        ProvisionVersion(provision=provision, effective_from=date, made_by=made_by, paragraphs=list(paragraphs))
        for provision, wordings in zip(provisions, versions, strict=True)
        for date, made_by, paragraphs in wordings
    ]
    ProvisionVersion.objects.bulk_create(created)
    content_changed()
    return created


def _follow_latest(provision: Provision) -> None:
    """Copy the latest version's text to the article; its search columns follow every version's text. The
    translations written before the article had any official text translate the wording in force."""
    in_force = ProvisionVersion.objects.latest_by_article([provision.pk], on=timezone.localdate()).get(provision.pk)
    if in_force is not None:
        provision.translations.filter(version__isnull=True).update(version=in_force)
    latest = provision.versions.order_by("-effective_from").first()
    provision.paragraphs = latest.paragraphs if latest else []
    provision.save(update_fields=["paragraphs", "updated_at"])
    content_changed()  # a new wording or a correction: the article, its law, the answers citing it


def add_version(provision: Provision, paragraphs, effective_from, made_by="") -> ProvisionVersion:
    """Add the wording in force from `effective_from`: an article's first version, an earlier period's wording
    or an amendment. (An answer citing the article comes due for review when a version newer than the one it
    was checked against exists: see articles.review.)"""
    version = ProvisionVersion(
        provision=provision, effective_from=effective_from, made_by=made_by, paragraphs=list(paragraphs)
    )
    version.full_clean(exclude=["provision"])
    version.save()
    _follow_latest(provision)
    return version


def amend(provision: Provision, paragraphs, effective_from, made_by) -> ProvisionVersion:
    """An amendment: a new version of the article, in force from `effective_from`, made by `made_by`."""
    return add_version(provision, paragraphs, effective_from, made_by)


def correct(version: ProvisionVersion, paragraphs, note, *, user=None, source="") -> Correction:
    """Fix a transcription error in `version`; recorded as a correction, no version is made."""
    before = ProvisionVersion.objects.values_list("paragraphs", flat=True).get(pk=version.pk)  # as stored
    version.paragraphs = list(paragraphs)
    version.full_clean(exclude=["provision"])
    version.save(update_fields=["paragraphs"])
    correction = Correction.objects.create(
        version=version, before=before, after=version.paragraphs, note=note, corrected_by=user, source=source
    )
    _follow_latest(version.provision)
    return correction


def save_translation(translation: Translation) -> Translation:
    """Save a translation; the one shown by default in its language is unique (choosing one unsets the
    others), it records the wording it translates (the version in force, unless set; a caller that changes
    the text clears `version`), and the article's search text follows."""
    if translation.is_default:
        Translation.objects.filter(
            provision=translation.provision_id, language=translation.language, is_default=True
        ).exclude(pk=translation.pk).update(is_default=False)
    elif (
        not Translation.objects.filter(
            provision=translation.provision_id, language=translation.language, is_default=True
        )
        .exclude(pk=translation.pk)
        .exists()
    ):
        translation.is_default = True  # the first translation in a language is shown until a publisher picks one
    _set_wording(translation)
    translation.save()
    translation.provision.save(update_fields=[])
    content_changed()
    return translation


def _set_wording(*translations):
    """A translation without the version it translates gets the version in force (it was written now)."""
    pending = [translation for translation in translations if translation.version_id is None]
    if not pending:
        return
    articles = {translation.provision_id for translation in pending}
    in_force = ProvisionVersion.objects.latest_by_article(articles, on=timezone.localdate())
    for translation in pending:
        translation.version = in_force.get(translation.provision_id)


def save_translations(translations) -> None:
    """Save many translations at once (an import): new ones in one INSERT, changed ones in one UPDATE; the first
    translation of an article in a language becomes its default when it has none; each article's search text
    is rebuilt once."""
    if not translations:
        return
    provisions = {translation.provision_id: translation.provision for translation in translations}
    with_default = set(
        Translation.objects.filter(provision__in=provisions, is_default=True).values_list("provision", "language")
    )
    for translation in translations:
        key = (translation.provision_id, translation.language)
        if translation.is_default or key not in with_default:
            translation.is_default = True
            with_default.add(key)
    _set_wording(*translations)
    now = timezone.now()
    changed = [translation for translation in translations if not translation._state.adding]
    for translation in changed:
        translation.updated_at = now
    Translation.objects.bulk_create([translation for translation in translations if translation._state.adding])
    Translation.objects.bulk_update(changed, ["paragraphs", "source_title", "is_default", "version", "updated_at"])
    held = {pk: [] for pk in provisions}
    for provision_id, paragraphs in Translation.objects.filter(provision__in=provisions).values_list(
        "provision", "paragraphs"
    ):
        held[provision_id].append(paragraphs)
    wordings = {pk: [] for pk in provisions}
    for provision_id, paragraphs in ProvisionVersion.objects.filter(provision__in=provisions).values_list(
        "provision", "paragraphs"
    ):
        wordings[provision_id].append(paragraphs)
    for pk, provision in provisions.items():
        provision.fill_search_columns(held[pk], wordings[pk])
    Provision.objects.bulk_update(provisions.values(), SEARCH_FIELDS)
    content_changed()


def delete_translation(translation: Translation) -> None:
    provision = translation.provision
    translation.delete()
    provision.save(update_fields=[])
    content_changed()


def rebuild_search_words(batch_size=500) -> int:
    """Cut the Chinese of every law article again (after a change of the segmenter's dictionary): the number of
    articles whose search words changed. Search only: no page shows them."""
    changed = []
    for provision in Provision.objects.only("pk", "search_text", "search_cjk", "search_words").iterator(batch_size):
        before = (provision.search_cjk, provision.search_words)
        provision.fill_search_words()
        if (provision.search_cjk, provision.search_words) != before:
            changed.append(provision)
    Provision.objects.bulk_update(changed, ["search_cjk", "search_words"], batch_size=batch_size)
    return len(changed)
