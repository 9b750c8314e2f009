from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import synonyms  # noqa: F401 (connects the signals that keep the cached synonyms in step)
