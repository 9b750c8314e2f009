"""Synonym sets: publishers add, change and delete them; editors see them (permissions: search 0001)."""

from django import forms
from django.contrib import admin

from textkit.controls import ControlCharactersForm

from .models import SynonymSet


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
