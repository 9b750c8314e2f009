"""The law pages: a law with the articles the knowledge base holds, and one article.

Other apps extend these views (a subclass, a template that extends these templates) to add what they know
of a law or an article; the project's URLconf serves the extended views (see `urls.law_urlpatterns`).
"""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from .models import Law, Provision
from .structured_data import legislation


class LawDetailView(DetailView):
    model = Law
    context_object_name = "law"
    template_name = "legal_refs/law_detail.html"

    def get_provisions(self):
        return list(self.object.provisions.select_related("chapter").order_by("number"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            provisions=self.get_provisions(),
            breadcrumbs=[(str(self.object), self.object.get_absolute_url())],
            **kwargs,
        )


class ProvisionDetailView(DetailView):
    """One article. An article the knowledge base does not hold is a 404 that links to its law."""

    context_object_name = "provision"
    template_name = "legal_refs/provision_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            self.object = Provision.objects.with_law().get(law__slug=kwargs["slug"], number=kwargs["number"])
        except Provision.DoesNotExist:
            law = get_object_or_404(Law, slug=kwargs["slug"])
            context = {
                "law": law,
                "number": kwargs["number"],
                "breadcrumbs": [(str(law), law.get_absolute_url())],
            }
            return render(request, "legal_refs/provision_missing.html", context, status=404)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        provision = self.object
        return super().get_context_data(
            previous_provision=provision.held_neighbour(before=True),
            next_provision=provision.held_neighbour(before=False),
            breadcrumbs=[
                (str(provision.law), provision.law.get_absolute_url()),
                (_("Article %(number)s") % {"number": provision.number}, provision.get_absolute_url()),
            ],
            structured_data=legislation(self.request, provision),
            **kwargs,
        )
