from django.urls import path

from serving.pages import reader_page

from . import converters, views  # noqa: F401  (converters registers "uslug" and "isodate")

app_name = "legal_refs"


def law_urlpatterns(law_view=views.LawDetailView, provision_view=views.ProvisionDetailView):
    """The law pages' URLs, the law and article pages served by these views or by views that extend them;
    the project includes them under the namespace `app_name`."""
    article = "<uslug:slug>/articles/<int:number>/"
    return [
        path("", reader_page(views.LawListView.as_view()), name="laws"),
        path("<uslug:slug>/", reader_page(law_view.as_view()), name="law"),
        path(article, reader_page(provision_view.as_view()), name="provision"),
        path(f"{article}versions/<isodate:date>/", reader_page(views.VersionView.as_view()), name="version"),
        path(f"{article}compare/<isodate:a>/<isodate:b>/", reader_page(views.CompareView.as_view()), name="compare"),
    ]
