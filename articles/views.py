from django.shortcuts import render
from django.views.generic import DetailView, ListView

from . import search as site_search
from .forms import SearchForm
from .models import Answer, Topic


class HomeView(ListView):
    template_name = "articles/home.html"
    queryset = Topic.objects.all()
    context_object_name = "topics"


class TopicDetailView(DetailView):
    model = Topic
    context_object_name = "topic"


class AnswerDetailView(DetailView):
    queryset = Answer.objects.published()
    context_object_name = "answer"


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
        },
    )
