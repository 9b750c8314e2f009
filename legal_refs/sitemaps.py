from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Law, Provision


class LawSitemap(Sitemap):
    def items(self):
        return Law.objects.annotate(last_updated=Max("provisions__updated_at")).order_by("pk")

    def lastmod(self, law):
        return law.last_updated


class ProvisionSitemap(Sitemap):
    def items(self):
        return Provision.objects.with_law().order_by("law", "number")

    def lastmod(self, provision):
        return provision.updated_at
