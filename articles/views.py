"""The reader's pages of the Q&A content: home, topics, answers; and the law pages with the answers citing
each article (the law app's views, extended here, since only this side knows answers)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from legal_refs.models import Law, ProvisionVersion, Translation
from legal_refs.pages import today
from legal_refs.views import LawDetailView, ProvisionDetailView
from serving import fragments
from serving.fragments import NOT_CACHED, Fragment
from serving.languages import Written, is_chinese

from .models import Answer, Citation, FormerSlug, Status, Topic, may_preview, prefetch_page_content
from .page_reads import published_for_page
from .review import Amended, amended
from .structured_data import answer_text, faq_page

RECENT_ANSWERS = 5
RELATED_ANSWERS = 10
CHANGE_NOTES = 10  # the latest changes with a note for readers, on the answer


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.with_published_answers(get_language())

    def get_context_data(self, **kwargs):
        recent = Answer.objects.for_site(get_language()).order_by("in_other_language", "-updated_at", "pk")
        return super().get_context_data(
            recent_answers=recent[:RECENT_ANSWERS],
            laws=Law.objects.all(),
            **kwargs,
        )


class TopicDetailView(ListView):
    """A topic's published questions, paginated."""

    template_name = "articles/topic_detail.html"
    context_object_name = "answers"
    paginate_by = 25

    def get_queryset(self):
        # A topic with no published answer is not a public page yet.
        self.topic = get_object_or_404(Topic.objects.public(), slug=self.kwargs["slug"])
        shown = Answer.objects.for_site(get_language()).filter(topic=self.topic)
        return shown.order_by("in_other_language", "question", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic,
            breadcrumbs=[(self.topic.written_title, self.topic.get_absolute_url())],
            **kwargs,
        )


@dataclass(frozen=True)
class CitedArticle:
    """A citation as the answer page's legal basis shows it: the cited article's text in the page's language
    where a translation is held (`translation`), else its official wording in force (`version`), and whether
    it was amended since the citation was checked (`amended`, whose `compare_url` shows what changed). When the
    block was found in the cache (`fragment.found`) it is shown as found, and the others are None."""

    citation: Citation
    version: ProvisionVersion | None
    translation: Translation | None
    amended: Amended | None
    fragment: Fragment = NOT_CACHED


def cited_articles(citations, blocks, language):
    """The legal basis of an answer page. Each block is one fragment (serving.fragments, looked up by the view:
    `blocks`, one for each citation) named by the article, the paragraph cited and the version the citation
    was checked against, so that the pages citing an article the same way render it once per content
    generation. The blocks not found need the cited articles' versions, and translations in the page's
    language: two queries (one on a Chinese page), none when every block was found."""
    missing = [citation for citation, fragment in zip(citations, blocks, strict=True) if not fragment.found]
    official = is_chinese(language)
    code = language.split("-")[0]
    if missing:
        translations = [] if official else [Prefetch("translations", Translation.objects.filter(language=code))]
        prefetch_related_objects([citation.provision for citation in missing], "versions", *translations)
    reasons = {reason.citation.pk: reason for reason in amended(missing)}
    basis = []
    for citation, fragment in zip(citations, blocks, strict=True):
        if fragment.found:
            basis.append(CitedArticle(citation, None, None, None, fragment))
            continue
        provision = citation.provision
        version = provision.version_on(today())
        translation = None if official else provision.default_translation(code, version)
        basis.append(CitedArticle(citation, version, translation, reasons.get(citation.pk), fragment))
    return basis


class AnswerDetailView(DetailView):
    """An answer; drafts are 404 for readers and shown to staff with a banner.

    An answer's page is on the site of its language. On the other language's site, its address leads to its
    translation where one is published (302: editors may link another), else shows the answer in that site's
    interface with a notice that it exists in its own language only, and a canonical link to its own page (the
    same content: search engines keep the one page; no `hreflang` names this one).

    An answer taken off the site answers 410 ("gone"), and an answer's former address 301 (`former_or_gone`)."""

    context_object_name = "answer"

    def get_queryset(self):
        return Answer.objects.visible_to(self.request.user).for_page().select_related("translation")

    def get_object(self, queryset=None):
        """A reader's answer in one statement written once per process (`page_reads`: the one `get_queryset`
        would run, so `queryset` is not used for readers); staff, who also preview drafts, through the queryset."""
        if may_preview(self.request.user):
            return super().get_object(queryset)
        answer = published_for_page(self.kwargs[self.slug_url_kwarg])
        if answer is None:
            raise Http404
        return answer

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            return self.former_or_gone()
        translation = self.shown_translation()
        if self.object.language != get_language() and translation is not None:
            return redirect(translation.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def former_or_gone(self):
        """No answer the reader may see has this slug (the lookups of the miss only). An answer withdrawn from the
        site answers 410 with a page leading to its topic; a former slug of an answer that readers may see, or
        could once, answers 301 to its address on this language's site. Otherwise (a draft never published) 404."""
        slug = self.kwargs["slug"]
        public_topic = Exists(Answer.objects.published().filter(topic=OuterRef("topic")))
        gone = Answer.objects.filter(slug=slug, withdrawn_at__isnull=False).exclude(status=Status.PUBLISHED)
        withdrawn = gone.select_related("topic").annotate(topic_is_public=public_topic).first()
        if withdrawn is not None:
            return render(self.request, "articles/answer_gone.html", {"answer": withdrawn}, status=410)
        former = FormerSlug.objects.filter(slug=slug).select_related("answer").first()
        if former is not None:
            answer = former.answer
            if answer.is_public or answer.withdrawn_at or may_preview(self.request.user):
                return HttpResponsePermanentRedirect(answer.url_in(get_language()))
        raise Http404

    def shown_translation(self):
        """The answer's translation, if the reader may see it (published, or a preview for staff)."""
        translation = self.object.translation
        if translation is None or translation.language == self.object.language:
            return None
        if translation.status != Status.PUBLISHED and not may_preview(self.request.user):
            return None
        return translation

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)  # a staff preview is never kept by a cache
        return response

    def get_context_data(self, **kwargs):
        answer = self.object
        translation = self.shown_translation()
        urls = {answer.language: answer.get_absolute_url()}
        if translation is not None:
            urls[translation.language] = translation.get_absolute_url()
        # The blocks rendered once per content generation (serving.fragments), in one round trip to the cache: the
        # page's description and structured data (the latter names the host), the answer itself (question, sections,
        # legal basis, changes) and the related questions. The content is read only for the blocks missing
        # (`content`), and the answer's legal-basis blocks are looked up only when the answer's block is.
        page = fragments.blocks(
            self.request,
            {
                "description": ("answer-description", answer.pk),
                "data": ("answer-data", answer.pk, self.request.scheme, self.request.get_host()),
                "body": ("answer-body", answer.pk),
                "related": ("related", answer.pk),
            },
        )
        content = self.content(answer, page) if not all(fragment.found for fragment in page.values()) else {}
        in_other_language = answer.language != get_language()
        return super().get_context_data(
            in_other_language=in_other_language,
            translation=translation,
            language_urls=urls,
            indexed_languages=set(urls),
            blocks=page,
            breadcrumbs=[
                (answer.topic.written_title, answer.topic.get_absolute_url()),
                (Written(answer.question, answer.html_lang if in_other_language else ""), answer.site_url),
            ],
            **content,
            **kwargs,
        )

    def content(self, answer, blocks):
        """What the blocks not found in the cache show, read for those only: the sections for the answer and for the
        description and structured data (its text), the citations for the answer and the related questions."""
        missing = {name for name, fragment in blocks.items() if not fragment.found}
        needs_text = bool(missing & {"description", "data"})
        needs_citations = bool(missing & {"body", "related"})
        prefetch_page_content(answer, sections=needs_text or "body" in missing, citations=needs_citations)
        citations = list(answer.citations.all()) if needs_citations else []
        provisions = [citation.provision for citation in citations]
        content = {"related_answers": self.related_answers(answer, provisions)}  # read only when rendered
        if needs_text:
            text = answer_text(answer)
            content["description"] = Truncator(answer.short_answer or text or answer.question).words(30)
            content["structured_data"] = faq_page(self.request, answer, text)
        if "body" in missing:
            identities = [("cited-article", c.provision_id, c.paragraph, c.version_id) for c in citations]
            content |= {
                "citations": citations,
                "cited_provisions": provisions,
                "sections": list(answer.sections.all()),
                "legal_basis": cited_articles(
                    citations, fragments.lookup(self.request, identities), get_language() or "en"
                ),
                "change_notes": answer.revisions.change_notes()[:CHANGE_NOTES],  # read only when rendered
            }
        return content

    def related_answers(self, answer, provisions):
        """Other answers citing the same articles, those shown on this language's site (`for_site`), the most
        shared articles first, then those in the page's language."""
        if not provisions:
            return []
        related = Answer.objects.for_site(get_language()).related_to(answer, provisions)
        return related.order_by("-shared", "in_other_language", "question", "pk")[:RELATED_ANSWERS]


class LawView(LawDetailView):
    """A law's page, each article with `cited_by`: how many published answers cite it."""

    template_name = "articles/law_detail.html"

    def get_provisions(self):
        return Answer.objects.count_citing(super().get_provisions())


class ProvisionView(ProvisionDetailView):
    """An article's page with the published answers citing it, by the paragraph they cite."""

    template_name = "articles/provision_detail.html"

    def get_context_data(self, **kwargs):
        citing = Answer.objects.for_site(get_language()).citing_by_paragraph(self.object)
        return super().get_context_data(citing=citing, **kwargs)
