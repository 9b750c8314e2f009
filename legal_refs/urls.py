from django.urls import path

from . import converters, views  # noqa: F401  (converters registers "uslug")

app_name = "legal_refs"


def law_urlpatterns(law_view=views.LawDetailView, provision_view=views.ProvisionDetailView):
    """The law pages' URLs, served by these views or by views that extend them; the project includes them
    under the namespace `app_name`."""
    return [
        path("<uslug:slug>/", law_view.as_view(), name="law"),
        path("<uslug:slug>/articles/<int:number>/", provision_view.as_view(), name="provision"),
    ]
