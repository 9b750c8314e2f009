"""The search page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Topic

from .forms import SearchForm
from .results import search as find


def search(request: HttpRequest) -> HttpResponse:
    """Search results for `q`: answers (paginated) and law articles; a clear message for a bad query."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = find(form.cleaned_data["q"], request.GET.get("page"))
    nothing_found = results is not None and results.is_empty
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "topics": Topic.objects.public() if nothing_found else None,
            "breadcrumbs": [(_("Search"), reverse("search:search"))],
        },
    )
