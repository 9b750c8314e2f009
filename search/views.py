"""The search page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Topic

from . import log
from .forms import SearchForm
from .results import search as find


def search(request: HttpRequest) -> HttpResponse:
    """Search results for `q`: answers (paginated) and law articles; a clear message for a bad query.

    A search is counted in the search log (search.log: in the shared cache, or without Redis in its table once
    the page is rendered) on its first page only, not again when the reader turns the pages."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = find(form.cleaned_data["q"], request.GET.get("page"))
    nothing_found = results is not None and results.is_empty
    response = render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "topics": Topic.objects.public() if nothing_found else None,
            "breadcrumbs": [(_("Search"), reverse("search:search"))],
        },
    )
    if results is not None and "page" not in request.GET:
        log.record(form.cleaned_data["q"], found_nothing=results.is_empty, corrected=bool(results.similar_to))
    return response
