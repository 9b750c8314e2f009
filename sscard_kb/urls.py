from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("laws/", include("legal_refs.urls")),
    path("", include("articles.urls")),
]
