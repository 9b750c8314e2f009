from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import get_language, override

from serving.languages import LanguageSitemap

from .models import Answer, Status, Topic


class HomeSitemap(LanguageSitemap):
    """The home page of the sitemap's language. Its x-default is `/`, which sends a reader to the language the
    browser asks for, as the page's own x-default link says."""

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["alternates"][-1] = {"lang_code": "x-default", "location": f"{protocol}://{domain}/"}
        return urls


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
