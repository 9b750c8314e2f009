from django import forms
from django.utils.translation import gettext_lazy as _

from textkit.query import MAX_QUERY_LENGTH, clean_query


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search answers and law articles"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": _("Please shorten your search to at most %(limit_value)d characters (it has %(show_value)d).")
        },
    )

    def clean_q(self) -> str:
        """Control characters become spaces (NUL is refused by the field itself, with its own message)."""
        return clean_query(self.cleaned_data["q"])
