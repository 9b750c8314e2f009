from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from articles.sitemaps import AnswerSitemap, HomeSitemap, TopicSitemap
from articles.views import LawView, ProvisionView
from legal_refs import urls as law_urls
from legal_refs.sitemaps import LawListSitemap, LawSitemap, ProvisionSitemap
from serving import health, languages
from serving.metrics import metrics_view
from serving.pages import reader_page
from sscard_kb.accounts.views import ThrottledPasswordResetView

sitemaps = {
    "home": HomeSitemap,
    "answers": AnswerSitemap,
    "topics": TopicSitemap,
    "law-list": LawListSitemap,
    "laws": LawSitemap,
    "articles": ProvisionSitemap,
}

# Password reset by email for staff, as Django's admin documentation wires it (the admin's sign-in page links
# to admin_password_reset); before the admin's own URLs, which end in a catch-all.
password_reset_urlpatterns = [
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

# Unprefixed: the staff's pages and the machines'; `/` leads to a language; then the reader's pages, each under
# its language's prefix (serving.languages); uploads in development; last, former unprefixed reader URLs (301).
urlpatterns = [
    *password_reset_urlpatterns,
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", languages.root, name="root"),
]

urlpatterns += i18n_patterns(
    path(
        "sitemap.xml",
        reader_page(sitemap, paginated=True),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # The law pages, with the answers citing each article (the articles app extends the law app's views).
    path("laws/", include((law_urls.law_urlpatterns(LawView, ProvisionView), law_urls.app_name))),
    path("search/", include("search.urls")),
    path("", include("articles.urls")),
)

# Uploaded images in development; in production the web server or object storage serves MEDIA_URL.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
urlpatterns += [re_path(languages.FORMER_ADDRESS, languages.former_address, name="former-address")]
