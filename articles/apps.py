from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Questions and answers"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the search document in step)
