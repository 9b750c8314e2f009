from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Answer, Topic


class AnswerSitemap(Sitemap):
    def items(self):
        return Answer.objects.published().order_by("pk")

    def lastmod(self, answer):
        return answer.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        return (
            Topic.objects.filter(answers__in=Answer.objects.published())
            .annotate(last_updated=Max("answers__updated_at"))
            .order_by("pk")
        )

    def lastmod(self, topic):
        return topic.last_updated
