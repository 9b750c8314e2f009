import re

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from textkit.controls import ControlCharactersForm

from .models import Chapter, Correction, Law, Provision, ProvisionVersion, Translation
from .services import (
    amend,
    correct,
    delete_laws,
    delete_provisions,
    delete_translation,
    save_chapters,
    save_law,
    save_provision,
    save_translation,
)


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


class LawForm(ControlCharactersForm, forms.ModelForm):
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
            "title_zh",
            "slug",
            "kind",
            "issuing_body",
            "issuing_body_zh",
            "aliases",
            "adopted_on",
            "adopted_by",
            "adopted_by_zh",
            "promulgation",
            "promulgation_zh",
            "effective_on",
            "effective_on_publication",
            "amended_on",
            "amendment_note",
            "amendment_note_zh",
            "in_force",
            "article_count",
        ]


class ProvisionForm(ControlCharactersForm, forms.ModelForm):
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


def numbered_paragraphs(paragraphs):
    """Paragraphs as numbered text, each paragraph's items on lines of their own."""
    return format_html_join(
        "",
        "<p><strong>{}.</strong> {}</p>",
        ((number, linebreaksbr(text)) for number, text in enumerate(paragraphs, 1)),
    )


class ChapterForm(ControlCharactersForm, forms.ModelForm):
    pass


class ChapterInline(admin.TabularInline):
    model = Chapter
    form = ChapterForm
    fields = ["number", "title", "title_zh", "first_article", "last_article"]
    extra = 0


@admin.register(Law)
class LawAdmin(ReadOnlyDisplays, admin.ModelAdmin):
    form = LawForm
    list_display = ["title", "title_zh", "kind", "issuing_body", "effective_on", "in_force"]
    list_filter = ["kind", "in_force"]
    search_fields = ["title", "short_title", "title_zh", "slug"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ChapterInline]
    read_only_displays = {"aliases": "alias_list"}

    def save_model(self, request, obj, form, change):
        save_law(obj)

    def save_formset(self, request, form, formset, change):
        chapters = formset.save(commit=False)
        save_chapters(chapters, formset.deleted_objects)

    def delete_model(self, request, obj):
        delete_laws([obj])

    def delete_queryset(self, request, queryset):
        delete_laws(queryset)

    @admin.display(description=_("aliases"))
    def alias_list(self, law):
        return format_html_join("", "<p>{}</p>", ((alias,) for alias in law.aliases))


class VersionInline(admin.TabularInline):
    """An article's versions, read-only here: each is amended (added) or corrected on its own page."""

    model = ProvisionVersion
    fields = ["effective_from", "made_by", "corrections_count"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(correction_count=Count("corrections"))

    @admin.display(description=_("corrections"))
    def corrections_count(self, version):
        return version.correction_count

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TranslationListInline(admin.TabularInline):
    """An article's translations, read-only here: each is written and chosen on its own page."""

    model = Translation
    fields = ["language", "source_title", "translator", "is_default"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("translator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProvisionAdmin(admin.ModelAdmin):
    """Law articles. Searching "social insurance 4" finds Article 4 of the Social Insurance Law.

    The official text is read here; publishers amend an article (a new version) or correct a version on the
    version's pages. Not registered here: the articles app registers it with the answers citing each article.
    """

    form = ProvisionForm
    list_display = ["__str__", "law", "number", "chapter", "updated_at"]
    list_filter = ["law"]
    list_select_related = ["law", "chapter"]
    search_fields = ["law__title", "law__short_title", "law__title_zh", "law__slug", "=number"]
    search_help_text = _("Search by law (title or slug) and article number, e.g. “social insurance 4”.")
    ordering = ["law", "number"]
    readonly_fields = ["official_text", "amend_link", "created_at", "updated_at"]
    fields = ["law", "number", "chapter", "official_text", "amend_link", "created_at", "updated_at"]
    inlines = [VersionInline, TranslationListInline]

    def get_queryset(self, request):
        # The autocomplete of citations labels each article with its law.
        return super().get_queryset(request).select_related("law", "chapter")

    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:  # names nothing, and PostgreSQL refuses it in a query (the autocomplete's too)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not request.user.has_perm("legal_refs.add_provisionversion"):
            fields = [field for field in fields if field != "amend_link"]
        return fields

    def save_model(self, request, obj, form, change):
        save_provision(obj)

    def delete_model(self, request, obj):
        delete_provisions([obj])

    def delete_queryset(self, request, queryset):
        delete_provisions(queryset)

    @admin.display(description=_("official text (latest version)"))
    def official_text(self, provision):
        return numbered_paragraphs(provision.paragraphs)

    @admin.display(description=_("amend"))
    def amend_link(self, provision):
        if provision.pk is None:
            return "–"
        url = reverse("admin:legal_refs_provisionversion_add")
        return format_html('<a href="{}?provision={}">{}</a>', url, provision.pk, _("Add a version (an amendment)"))


class VersionForm(ControlCharactersForm, forms.ModelForm):
    """Adding a version is an amendment; changing one is a correction, which needs a note."""

    paragraphs = TextListField(
        label=_("official text"),
        separator="\n\n",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text=_(
            "Separate paragraphs with a blank line; they are numbered in this order. "
            "A paragraph's items (such as “（一）…”) go on lines of their own, right below it."
        ),
    )
    note = forms.CharField(
        label=_("correction note"),
        required=False,
        max_length=500,
        help_text=_("What was wrong and where the right text comes from."),
    )

    class Meta:
        model = ProvisionVersion
        fields = ["provision", "effective_from", "made_by", "paragraphs"]

    def clean(self):
        cleaned = super().clean()
        provision, date = cleaned.get("provision"), cleaned.get("effective_from")
        if self.instance.pk is None and provision and date and not cleaned.get("made_by"):
            if provision.versions.filter(effective_from__lt=date).exists():
                self.add_error("made_by", _("An amendment names the instrument that made it."))
        if self.instance.pk is not None:
            if cleaned.get("paragraphs") == self.instance.paragraphs:
                raise forms.ValidationError(_("The text is as it was: there is nothing to correct."))
            if not cleaned.get("note", "").strip():
                self.add_error("note", _("Say what the correction fixes."))
        return cleaned


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["created_at", "corrected_by", "source", "note", "text_before"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("corrections (the version's history)")

    @admin.display(description=_("text before"))
    def text_before(self, correction):
        return numbered_paragraphs(correction.before)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProvisionVersion)
class ProvisionVersionAdmin(admin.ModelAdmin):
    """An article's wordings over time. Only publishers write here, in two ways never confused: adding a
    version is an **amendment** (the date it takes effect, the instrument that made it); changing a version's
    text is a **correction** of a transcription error, recorded in its history, which makes no version."""

    form = VersionForm
    list_display = ["provision", "effective_from", "made_by"]
    list_filter = ["provision__law"]
    list_select_related = ["provision__law"]
    search_fields = ["provision__law__title", "provision__law__slug", "=provision__number"]
    autocomplete_fields = ["provision"]
    inlines = [CorrectionInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["provision", "effective_from", "made_by", "paragraphs"]
        return ["provision", "effective_from", "made_by", "paragraphs", "note"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["provision", "effective_from", "made_by"]

    def has_delete_permission(self, request, obj=None):
        return False  # versions are the article's history

    def save_model(self, request, obj, form, change):
        if change:
            correct(obj, form.cleaned_data["paragraphs"], form.cleaned_data["note"], user=request.user)
        else:
            saved = amend(obj.provision, obj.paragraphs, obj.effective_from, obj.made_by)
            obj.pk, obj._state.adding = saved.pk, False


class TranslationForm(ControlCharactersForm, forms.ModelForm):
    paragraphs = TextListField(
        label=_("translation"),
        separator="\n\n",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text=_("Separate paragraphs with a blank line, as in the official text."),
    )

    class Meta:
        model = Translation
        fields = ["provision", "language", "paragraphs"]


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    """Unofficial translations. Editors add their own (they are recorded as the translator); publishers
    choose the one shown by default in each language (the list's action)."""

    form = TranslationForm
    list_display = ["provision", "language", "source_title", "translator", "is_default"]
    list_filter = ["language", "is_default", "provision__law"]
    list_select_related = ["provision__law", "translator"]
    search_fields = ["provision__law__title", "provision__law__slug", "=provision__number", "source_title"]
    autocomplete_fields = ["provision"]
    fields = ["provision", "language", "paragraphs", "is_default", "source_title", "translator", "version"]
    readonly_fields = ["is_default", "source_title", "translator", "version", "created_at", "updated_at"]
    actions = ["show_by_default"]

    def save_model(self, request, obj, form, change):
        if not change and not obj.source_title:
            obj.translator = request.user
        if "paragraphs" in form.changed_data or "provision" in form.changed_data:
            obj.version = None  # a new text translates the wording in force now
        save_translation(obj)

    @admin.action(description=_("Show by default (for its article and language)"), permissions=["change"])
    def show_by_default(self, request, queryset):
        chosen = list(queryset.select_related("provision"))
        if len({(t.provision_id, t.language) for t in chosen}) != len(chosen):
            message = _("Choose one translation for each article and language.")
            self.message_user(request, message, messages.ERROR)
            return
        for translation in chosen:
            translation.is_default = True
            save_translation(translation)
        count = len(chosen)
        message = ngettext(
            "%(count)d translation is now shown by default.", "%(count)d translations are now shown by default.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def delete_model(self, request, obj):
        delete_translation(obj)

    def delete_queryset(self, request, queryset):
        for translation in queryset.select_related("provision"):
            delete_translation(translation)
