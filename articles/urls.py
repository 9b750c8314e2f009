from django.urls import path

import legal_refs.converters  # noqa: F401  (registers the "uslug" path converter)
from serving.pages import reader_page

from . import views
from .feedback import feedback_view
from .feeds import UpdatedAnswersFeed

app_name = "articles"
urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("topics/<uslug:slug>/", reader_page(views.TopicDetailView.as_view(), paginated=True), name="topic"),
    path("questions/<uslug:slug>/", reader_page(views.AnswerDetailView.as_view()), name="answer"),
    # Readers' feedback on an answer: POST only, never cached (articles.feedback).
    path("questions/<uslug:slug>/feedback/", feedback_view, name="feedback"),
    path("feed/", reader_page(UpdatedAnswersFeed()), name="feed"),
]
