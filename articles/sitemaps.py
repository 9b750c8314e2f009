from django.db.models import Max, Q
from django.utils.translation import get_language, override

from serving.languages import LanguageSitemap

from .models import Answer, Status, Topic


class AnswerSitemap(LanguageSitemap):
    """The answers in the sitemap's language; an answer's alternates are its published translation's page."""

    def items(self):
        return Answer.objects.published().filter(language=get_language()).select_related("translation").order_by("pk")

    def languages_of(self, answer):
        translation = answer.translation
        if (
            translation is not None
            and translation.status == Status.PUBLISHED
            and translation.language != answer.language
        ):
            return [answer.language, translation.language]
        return [answer.language]

    def location(self, answer):
        language = get_language()
        if language != answer.language:
            with override(language):
                return answer.translation.get_absolute_url()
        return answer.get_absolute_url()

    def lastmod(self, answer):
        return answer.updated_at


class TopicSitemap(LanguageSitemap):
    def items(self):
        published = Q(answers__status=Status.PUBLISHED)
        return Topic.objects.public().annotate(last_updated=Max("answers__updated_at", filter=published)).order_by("pk")

    def lastmod(self, topic):
        return topic.last_updated
