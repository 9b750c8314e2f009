from django.db.models import Max
from django.urls import reverse

from serving.languages import LanguageSitemap

from .models import Law, Provision


def latest(*dates):
    """The latest of `dates` that are set (a datetime or None each), or None."""
    return max((date for date in dates if date is not None), default=None)


class LawListSitemap(LanguageSitemap):
    """The list of instruments, changed when any article was (one query)."""

    def items(self):
        return ["legal_refs:laws"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Provision.objects.aggregate(last=Max("updated_at"))["last"]


class LawSitemap(LanguageSitemap):
    def items(self):
        return Law.objects.annotate(last_updated=Max("provisions__updated_at")).order_by("pk")

    def lastmod(self, law):
        return law.last_updated


class ProvisionSitemap(LanguageSitemap):
    """Every article, changed when its text, one of its versions (a correction included) or a translation was."""

    def items(self):
        return (
            Provision.objects.select_related("law")
            .only("number", "updated_at", "law__slug")
            .annotate(
                last_version=Max("versions__created_at"),
                last_correction=Max("versions__corrections__created_at"),
                last_translation=Max("translations__updated_at"),
            )
            .order_by("law", "number")
        )

    def lastmod(self, provision):
        p = provision
        return latest(p.updated_at, p.last_version, p.last_correction, p.last_translation)
