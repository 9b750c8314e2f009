from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles.sitemaps import AnswerSitemap, TopicSitemap
from articles.views import LawView, ProvisionView
from legal_refs import urls as law_urls
from legal_refs.sitemaps import LawListSitemap, LawSitemap, ProvisionSitemap
from serving import health
from serving.pages import reader_page

sitemaps = {
    "answers": AnswerSitemap,
    "topics": TopicSitemap,
    "law-list": LawListSitemap,
    "laws": LawSitemap,
    "articles": ProvisionSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sitemap.xml", reader_page(sitemap), {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"),
    # The law pages, with the answers citing each article (the articles app extends the law app's views).
    path("laws/", include((law_urls.law_urlpatterns(LawView, ProvisionView), law_urls.app_name))),
    path("search/", include("search.urls")),
    path("", include("articles.urls")),
]

# Uploaded images in development; in production the web server or object storage serves MEDIA_URL.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
