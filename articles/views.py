from django.views.generic import DetailView, ListView

from .models import Answer, Topic


class HomeView(ListView):
    template_name = "articles/home.html"
    queryset = Topic.objects.all()
    context_object_name = "topics"


class TopicDetailView(DetailView):
    model = Topic
    context_object_name = "topic"


class AnswerDetailView(DetailView):
    queryset = Answer.objects.published()
    context_object_name = "answer"
