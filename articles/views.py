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

    def get_queryset(self):
        return self.staff_preview_queryset() or super().get_queryset()

    def staff_preview_queryset(self):
        """Staff who may change answers also see drafts and answers in review (the admin's "view on site")."""
        if self.request.user.has_perm("articles.change_answer"):
            return Answer.objects.all()
        return None
