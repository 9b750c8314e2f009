import re

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Chapter, Law, Provision
from .services import save_law, save_provision


class TextListField(forms.CharField):
    """A list of strings edited as plain text: items separated by `separator` (blank lines, or line breaks)."""

    widget = forms.Textarea

    def __init__(self, *, separator, **kwargs):
        self.separator = separator
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return self.separator.join(value)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("\r\n", "\n")
        items = text.split("\n") if self.separator == "\n" else re.split(r"\n[ \t]*\n", text)
        return [item.strip() for item in items if item.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class LawForm(forms.ModelForm):
    aliases = TextListField(
        label=_("aliases"),
        separator="\n",
        required=False,
        help_text=_("Other names the law goes by in source texts, one a line."),
    )

    class Meta:
        model = Law
        fields = [
            "title",
            "short_title",
            "slug",
            "aliases",
            "adopted_on",
            "adopted_by",
            "promulgation",
            "effective_on",
            "amended_on",
            "amendment_note",
            "article_count",
        ]


class ProvisionForm(forms.ModelForm):
    class Meta:
        model = Provision
        fields = ["law", "number", "chapter"]


class ReadOnlyDisplays:
    """Those who may only view a row read some fields through a display method instead of a form field:
    `read_only_displays` maps each such field to its method's name."""

    read_only_displays = {}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return [self.read_only_displays.get(field, field) for field in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.read_only_displays.values()]


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0


@admin.register(Law)
class LawAdmin(ReadOnlyDisplays, admin.ModelAdmin):
    form = LawForm
    list_display = ["title", "short_title", "slug", "effective_on", "amended_on"]
    search_fields = ["title", "short_title", "slug"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ChapterInline]
    read_only_displays = {"aliases": "alias_list"}

    def save_model(self, request, obj, form, change):
        save_law(obj)

    @admin.display(description=_("aliases"))
    def alias_list(self, law):
        return format_html_join("", "<p>{}</p>", ((alias,) for alias in law.aliases))


class ProvisionAdmin(ReadOnlyDisplays, admin.ModelAdmin):
    """Law articles. Searching "social insurance 4" finds Article 4 of the Social Insurance Law.

    Not registered here: the articles app registers it with the answers citing each article added.
    """

    form = ProvisionForm
    list_display = ["__str__", "law", "number", "chapter", "updated_at"]
    list_filter = ["law"]
    list_select_related = ["law", "chapter"]
    search_fields = ["law__title", "law__short_title", "law__slug", "=number"]
    search_help_text = _("Search by law (title or slug) and article number, e.g. “social insurance 4”.")
    ordering = ["law", "number"]
    readonly_fields = ["created_at", "updated_at"]
    # Those who only view an article read its paragraphs as numbered text, not as a list.
    read_only_displays = {"paragraphs": "numbered_paragraphs"}

    def get_queryset(self, request):
        # The autocomplete of citations labels each article with its law.
        return super().get_queryset(request).select_related("law", "chapter")

    def save_model(self, request, obj, form, change):
        save_provision(obj)

    @admin.display(description=_("paragraphs"))
    def numbered_paragraphs(self, provision):
        return format_html_join(
            "", "<p><strong>{}.</strong> {}</p>", ((k, text) for k, text in enumerate(provision.paragraphs, 1))
        )
