"""An Atom feed of recently updated answers."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serving.languages import html_lang
from textkit.controls import strip_control_characters

from .models import Answer, Revision


def _xml_safe(value):
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom without the control characters XML 1.0 forbids: text stored before the forms refused them
    would otherwise make the whole feed fail."""

    def add_item(self, **kwargs):
        super().add_item(**{name: _xml_safe(value) for name, value in kwargs.items()})


class UpdatedAnswersFeed(Feed):
    """The answers recently updated in the feed's language (each language's site has its own feed)."""

    feed_type = XmlSafeAtom1Feed
    title = _("Social security card answers: recently updated")
    subtitle = _("Answers to social security card questions, each backed by the law it rests on.")
    link = reverse_lazy("articles:home")
    author_name = _("Social security card answers")  # Atom asks for an author: the site, whose answers these are
    description_template = "articles/feed_description.html"
    limit = 20

    def items(self):
        answers = Answer.objects.published().filter(language=get_language())
        latest = Prefetch("revisions", queryset=Revision.objects.change_notes()[:1], to_attr="change_notes")
        return answers.select_related("topic").prefetch_related("sections", latest)[: self.limit]

    @property
    def language(self):
        """The feed's language, as xml:lang writes it (zh-Hans, en)."""
        return html_lang(get_language())

    def item_title(self, item):
        return item.question

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.topic.display_title]
