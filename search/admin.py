"""Synonym sets: publishers add, change and delete them; editors see them (permissions: search 0001). The search
log: editors and publishers see the queries that most often found nothing, and start an answer to one."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Language
from articles.roles import CHANGE_PERMISSION
from textkit.controls import ControlCharactersForm
from textkit.tokens import CJK_RUN

from .forms import SearchLogPeriodForm
from .models import SearchTermDay, SynonymSet


class SynonymSetForm(ControlCharactersForm, forms.ModelForm):
    class Meta:
        model = SynonymSet
        fields = ["terms"]


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    form = SynonymSetForm
    list_display = ["terms", "updated_at"]
    search_fields = ["terms"]
    ordering = ["terms"]


ROWS_SHOWN = 200  # queries listed on the search log's page, the most often unanswered first


@admin.register(SearchTermDay)
class SearchTermDayAdmin(admin.ModelAdmin):
    """The search log, read only, for those who write answers (editors and publishers): its list is the page of
    the queries that most often found nothing over a period, each with a link that starts an answer to it."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE_PERMISSION)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SearchLogPeriodForm(request.GET or None)
        start, end = form.period(timezone.localdate())
        rows = list(SearchTermDay.objects.found_nothing_most(start, end)[:ROWS_SHOWN])
        add_answer = reverse("admin:articles_answer_add", current_app=self.admin_site.name)
        for row in rows:
            language = Language.ZH_HANS if CJK_RUN.search(row["query"]) else Language.EN
            row["draft_url"] = f"{add_answer}?{urlencode({'question': row['query'], 'language': language})}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("What search could not answer"),
            "form": form,
            "start": start,
            "end": end,
            "periods": [
                (days, f"?{urlencode({'days': days})}", start == end - datetime.timedelta(days=days - 1))
                for days in SearchLogPeriodForm.DAYS
            ],
            "rows": rows,
            "rows_shown": ROWS_SHOWN,
            "totals": SearchTermDay.objects.totals(start, end),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/search/searchtermday/change_list.html", context)
