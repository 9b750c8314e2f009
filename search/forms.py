import datetime

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


class SearchLogPeriodForm(forms.Form):
    """The period of the search log's report: the last `days` days to `end` (today unless given), or from
    `start` to `end`. Not valid: the default period."""

    DAYS = (7, 30, 90)
    DEFAULT_DAYS = 30

    days = forms.TypedChoiceField(
        label=_("Last"), choices=[(days, days) for days in DAYS], coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."), code="period_reversed")
        return cleaned

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """(first day, last day), both included."""
        cleaned = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = cleaned.get("end") or today
        days = cleaned.get("days") or self.DEFAULT_DAYS
        return cleaned.get("start") or end - datetime.timedelta(days=days - 1), end
