"""The law pages: a law with the articles the knowledge base holds, and one article."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from .models import Law, Provision
from .structured_data import legislation


def law_crumbs(law):
    return [(_("Home"), reverse("articles:home")), (str(law), law.get_absolute_url())]


class LawDetailView(DetailView):
    model = Law
    context_object_name = "law"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provisions=self.object.provisions.select_related("chapter").order_by("number"),
            breadcrumbs=law_crumbs(self.object),
            **kwargs,
        )


class ProvisionDetailView(DetailView):
    """One article. An article the knowledge base does not hold is a 404 that links to its law."""

    context_object_name = "provision"

    def get(self, request, *args, **kwargs):
        try:
            self.object = Provision.objects.with_law().get(law__slug=kwargs["slug"], number=kwargs["number"])
        except Provision.DoesNotExist:
            law = get_object_or_404(Law, slug=kwargs["slug"])
            context = {"law": law, "number": kwargs["number"], "breadcrumbs": law_crumbs(law)}
            return render(request, "legal_refs/provision_missing.html", context, status=404)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        provision = self.object
        return super().get_context_data(
            previous_provision=provision.held_neighbour(before=True),
            next_provision=provision.held_neighbour(before=False),
            breadcrumbs=[
                *law_crumbs(provision.law),
                (_("Article %(number)s") % {"number": provision.number}, provision.get_absolute_url()),
            ],
            structured_data=legislation(self.request, provision),
            **kwargs,
        )
