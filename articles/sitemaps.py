from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from .models import Answer, Status, Topic


class AnswerSitemap(Sitemap):
    def items(self):
        return Answer.objects.published().order_by("pk")

    def lastmod(self, answer):
        return answer.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        published = Q(answers__status=Status.PUBLISHED)
        return Topic.objects.public().annotate(last_updated=Max("answers__updated_at", filter=published)).order_by("pk")

    def lastmod(self, topic):
        return topic.last_updated
