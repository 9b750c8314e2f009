from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles.sitemaps import AnswerSitemap, TopicSitemap
from legal_refs.sitemaps import LawSitemap, ProvisionSitemap

sitemaps = {"answers": AnswerSitemap, "topics": TopicSitemap, "laws": LawSitemap, "articles": ProvisionSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"),
    path("laws/", include("legal_refs.urls")),
    path("", include("articles.urls")),
]

# Uploaded images in development; in production the web server or object storage serves MEDIA_URL.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
