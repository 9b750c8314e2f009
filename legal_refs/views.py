from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .models import Law, Provision


class LawDetailView(DetailView):
    model = Law
    context_object_name = "law"


class ProvisionDetailView(DetailView):
    context_object_name = "provision"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Provision.objects.with_law(), law__slug=self.kwargs["slug"], number=self.kwargs["number"]
        )
