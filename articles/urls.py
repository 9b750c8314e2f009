from django.urls import path

import legal_refs.converters  # noqa: F401  (registers the "uslug" path converter)

from . import views
from .feeds import UpdatedAnswersFeed

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("topics/<uslug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("questions/<uslug:slug>/", views.AnswerDetailView.as_view(), name="answer"),
    path("feed/", UpdatedAnswersFeed(), name="feed"),
]
