from django.contrib import admin

from .models import Answer, Citation, Section, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    raw_id_fields = ["provision"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "topic", "status", "updated_at"]
    list_filter = ["status", "topic"]
    list_select_related = ["topic"]
    search_fields = ["question", "short_answer"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["source_site", "source_section", "source_title", "created_at", "updated_at"]
    inlines = [SectionInline, CitationInline]
