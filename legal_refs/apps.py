from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalRefsConfig(AppConfig):
    name = "legal_refs"
    verbose_name = _("Law corpus")
