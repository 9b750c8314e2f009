"""The law pages: the instruments held, a law's table of contents, an article, its wording on a date and a
comparison of two of its wordings.

Other apps extend the law and article views (a subclass, a template that extends these templates) to add
what they know of a law or an article; the project's URLconf serves the extended views (see
`urls.law_urlpatterns`).
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from serving import fragments
from serving.languages import codes, in_language, is_chinese

from . import pages
from .diff import diff_paragraphs
from .models import Law, Provision, ProvisionVersion, law_rank
from .structured_data import law_legislation, legislation


def laws_crumb():
    return (_("Laws"), reverse("legal_refs:laws"))


def law_crumbs(law):
    return [laws_crumb(), (law.display_name, law.get_absolute_url())]


def provision_crumbs(provision):
    return [*law_crumbs(provision.law), (pages.article_name(provision), provision.get_absolute_url())]


class LawListView(ListView):
    """The instruments held: laws first, then administrative and local regulations."""

    template_name = "legal_refs/law_list.html"
    context_object_name = "laws"

    def get_queryset(self):
        return Law.objects.order_by(law_rank("pk"), "title")

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=[laws_crumb()], **kwargs)


class LawDetailView(DetailView):
    """A law's table of contents: its chapters, each with every article and the article's opening words."""

    model = Law
    context_object_name = "law"
    template_name = "legal_refs/law_detail.html"

    def get_provisions(self):
        """Every article with its chapter and versions, each with `opening`: its first words in force."""
        provisions = list(
            self.object.provisions.select_related("chapter").prefetch_related("versions").order_by("number")
        )
        for provision in provisions:
            provision.opening = pages.opening_words(provision)
        return provisions

    def get_context_data(self, **kwargs):
        # The contents and the articles are one block, rendered once per content generation (serving.fragments),
        # per view and template (a view extending this one shows more of each article); its articles are read only
        # when the block is not in the cache.
        view = f"{type(self).__module__}.{type(self).__qualname__}"
        contents = ("law-contents", self.object.pk, view, self.template_name)
        blocks = fragments.blocks(self.request, {"contents": contents})
        articles = {}
        if not blocks["contents"].found:
            provisions = self.get_provisions()
            articles = {
                "provisions": provisions,
                "chapters": pages.by_chapter(provisions),
                "has_chapters": any(provision.chapter_id for provision in provisions),
            }
        return super().get_context_data(
            blocks=blocks,
            breadcrumbs=law_crumbs(self.object),
            structured_data=law_legislation(self.request, self.object),
            **articles,
            **kwargs,
        )


def get_provision(slug, number, queryset=None):
    """The article `number` of the law `slug`, with its law, chapter and versions, or a 404."""
    queryset = Provision.objects.with_law().prefetch_related("versions") if queryset is None else queryset
    return get_object_or_404(queryset, law__slug=slug, number=number)


class ProvisionDetailView(DetailView):
    """One article: the official text in force, translations, history, neighbours, citations to copy."""

    context_object_name = "provision"
    template_name = "legal_refs/provision_detail.html"

    def get_object(self, queryset=None):
        corrections = Prefetch("versions", queryset=ProvisionVersion.objects.prefetch_related("corrections"))
        queryset = Provision.objects.with_law().prefetch_related(corrections, "translations")
        return get_provision(self.kwargs["slug"], self.kwargs["number"], queryset)

    def get_neighbours(self):
        """The articles numbered one before and one after, where they exist (one query)."""
        provision = self.object
        found = {
            neighbour.number: neighbour
            for neighbour in Provision.objects.filter(
                law=provision.law_id, number__in=[provision.number - 1, provision.number + 1]
            ).only("pk", "law", "number")
        }
        for neighbour in found.values():
            neighbour.law = provision.law
        return found.get(provision.number - 1), found.get(provision.number + 1)

    def get_context_data(self, **kwargs):
        provision = self.object
        today = pages.today()
        version = provision.version_on(today)
        timeline = provision.timeline()
        earlier = [v for v in timeline if version and v.effective_from < version.effective_from]
        for prior, later in zip(timeline, timeline[1:], strict=False):
            later.changes_url = pages.compare_url(provision, prior, later)  # "what changed" from the one before
        previous_provision, next_provision = self.get_neighbours()
        shown = version or (timeline[0] if timeline else None)
        paragraphs = [block.number for block in shown.blocks] if shown else []
        translations = pages.sorted_translations(provision, version)
        translated = any(translation.language == get_language() for translation in translations)
        return super().get_context_data(
            chinese_page=is_chinese(),
            # The official (Chinese) text first, except on the site of a language a translation is held in.
            translation_first=translated,
            # On another language's site, the reader is told that no translation into it is held.
            translation_missing=not is_chinese() and not translated and version is not None,
            version=version,
            earlier_versions=earlier[::-1],
            coming_versions=[v for v in timeline if v.effective_from > today],
            history=pages.history(provision),
            translations=translations,
            citation_forms=[pages.citation_forms(self.request, provision, n) for n in [None, *paragraphs]],
            previous_provision=previous_provision,
            next_provision=next_provision,
            breadcrumbs=provision_crumbs(provision),
            structured_data=legislation(self.request, provision, version),
            **kwargs,
        )


class VersionView(TemplateView):
    """The wording of an article in force on a date (any date from its first version on)."""

    template_name = "legal_refs/version_detail.html"

    def get_context_data(self, **kwargs):
        provision = get_provision(kwargs["slug"], kwargs["number"])
        date = kwargs["date"]
        version = provision.version_on(date)
        if version is None:
            raise Http404("No wording of this article was in force on that date.")
        timeline = provision.timeline()
        current = provision.version_on(pages.today())
        earlier = [v for v in timeline if v.effective_from < version.effective_from]
        own = version.get_absolute_url()  # the version's own page (its canonical link), in each language
        return super().get_context_data(
            provision=provision,
            version=version,
            language_urls={code: in_language(own, code) for code in codes()},
            is_current=current is not None and current.pk == version.pk,
            is_coming=version.effective_from > pages.today(),
            previous_version=earlier[-1] if earlier else None,
            compare_url=pages.compare_url(provision, earlier[-1], version) if earlier else "",
            breadcrumbs=[
                *provision_crumbs(provision),
                (_("Wording on %(date)s") % {"date": pages.law_date(date)}, self.request.path),
            ],
            **kwargs,
        )


class CompareView(TemplateView):
    """What changed between the wordings of an article in force on two dates."""

    template_name = "legal_refs/compare.html"

    def get_context_data(self, **kwargs):
        provision = get_provision(kwargs["slug"], kwargs["number"])
        before, after = provision.version_on(kwargs["a"]), provision.version_on(kwargs["b"])
        if before is None or after is None:
            raise Http404("No wording of this article was in force on one of those dates.")
        changes = diff_paragraphs(before.paragraphs, after.paragraphs)
        return super().get_context_data(
            provision=provision,
            before=before,
            after=after,
            changes=changes,
            is_changed=any(change.changed for change in changes),
            breadcrumbs=[
                *provision_crumbs(provision),
                (
                    _("Changes from %(a)s to %(b)s")
                    % {"a": pages.law_date(kwargs["a"]), "b": pages.law_date(kwargs["b"])},
                    self.request.path,
                ),
            ],
            **kwargs,
        )
