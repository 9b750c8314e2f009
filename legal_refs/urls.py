from django.urls import path

from . import converters, views  # noqa: F401  (converters registers "uslug")

app_name = "legal_refs"
urlpatterns = [
    path("<uslug:slug>/", views.LawDetailView.as_view(), name="law"),
    path("<uslug:slug>/articles/<int:number>/", views.ProvisionDetailView.as_view(), name="provision"),
]
