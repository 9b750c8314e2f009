from django.apps import AppConfig


class LegalRefsConfig(AppConfig):
    name = "legal_refs"
    verbose_name = "Law corpus"
