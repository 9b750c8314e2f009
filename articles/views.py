"""The reader's pages of the Q&A content: home, topics, answers, search."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from legal_refs.models import Law

from . import search as site_search
from .forms import SearchForm
from .models import Answer, Topic
from .structured_data import answer_text, faq_page

RECENT_ANSWERS = 5
RELATED_ANSWERS = 10


def home_crumb():
    return (_("Home"), reverse("articles:home"))


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.with_published_answers()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recent_answers=Answer.objects.published()[:RECENT_ANSWERS],
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
        return Answer.objects.published().filter(topic=self.topic).order_by("question", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic,
            breadcrumbs=[home_crumb(), (self.topic.title, self.topic.get_absolute_url())],
            **kwargs,
        )


class AnswerDetailView(DetailView):
    """An answer; drafts are 404 for readers and shown to staff with a banner."""

    context_object_name = "answer"

    def get_queryset(self):
        return Answer.objects.visible_to(self.request.user).for_page()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)  # a staff preview is never kept by a cache
        return response

    def get_context_data(self, **kwargs):
        answer = self.object
        citations = list(answer.citations.all())
        provisions = [citation.provision for citation in citations]
        return super().get_context_data(
            citations=citations,
            cited_provisions=provisions,
            sections=list(answer.sections.all()),
            related_answers=Answer.objects.related_to(answer, provisions)[:RELATED_ANSWERS] if provisions else [],
            breadcrumbs=[
                home_crumb(),
                (answer.topic.title, answer.topic.get_absolute_url()),
                (answer.question, answer.get_absolute_url()),
            ],
            description=Truncator(answer.short_answer or answer_text(answer) or answer.question).words(30),
            structured_data=faq_page(self.request, answer),
            **kwargs,
        )


def search(request):
    """Search results for `q`: answers (paginated) and law articles; a clear message for a bad query."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = site_search.search(form.cleaned_data["q"], request.GET.get("page"))
    nothing_found = results is not None and results.is_empty
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "results": results,
            "topics": site_search.topics_to_browse() if nothing_found else None,
            "breadcrumbs": [home_crumb(), (_("Search"), reverse("articles:search"))],
        },
    )
