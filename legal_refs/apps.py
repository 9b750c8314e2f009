from django.apps import AppConfig


class LegalRefsConfig(AppConfig):
    name = "legal_refs"
    verbose_name = "Law corpus"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the search columns in step)
