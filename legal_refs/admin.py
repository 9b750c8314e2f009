from django.contrib import admin

from .models import Chapter, Law, Provision


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ["title", "short_title", "slug", "effective_on", "amended_on"]
    search_fields = ["title", "short_title", "slug"]
    inlines = [ChapterInline]


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "law", "number", "chapter", "updated_at"]
    list_filter = ["law"]
    list_select_related = ["law", "chapter"]
    search_fields = ["law__title", "law__short_title", "=number"]
    ordering = ["law", "number"]
