from django.conf import settings
from django.urls import path

from serving.limits import rate_limited

from . import views

app_name = "search"
urlpatterns = [
    # The one public page that cannot be cached: limited per client (settings.SEARCH_RATE_LIMIT).
    path(
        "",
        rate_limited("search", settings.SEARCH_RATE_LIMIT, settings.SEARCH_RATE_WINDOW)(views.search),
        name="search",
    ),
]
