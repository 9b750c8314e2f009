"""Write parsed source texts to the database, all of a run in one transaction."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import prefetch_related_objects
from django.utils.text import slugify

from legal_refs.models import Law, Provision
from legal_refs.services import save_law, save_provision

from ..models import Answer, Citation, Section, Status, Topic, content_fingerprint, slug_base, unique_slug
from ..services import AnswerWrite, save_answers, save_topic
from .parser import SourceError, decode_source, parse_source


class ImportFailed(Exception):
    """The import was refused; `errors` lists every problem found, each naming file and line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class WordingDifference:
    source: str
    law: str
    number: int
    line: int

    def __str__(self):
        return f"{self.source}, line {self.line}: {self.law}, Article {self.number} is quoted with other wording"


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    laws_created: list[str] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)
    provisions_created: list[str] = field(default_factory=list)
    wording_differences: list[WordingDifference] = field(default_factory=list)
    wording_replaced: list[WordingDifference] = field(default_factory=list)

    @property
    def changed(self):
        return bool(
            self.created
            or self.updated
            or self.laws_created
            or self.topics_created
            or self.provisions_created
            or self.wording_replaced
        )

    def lines(self):
        lines = [f"New law (name not known): {name}" for name in self.laws_created]
        lines += [f"New topic: {title}" for title in self.topics_created]
        lines += [
            f"Wording kept: {difference} (use --replace-wording to replace it)"
            for difference in self.wording_differences
        ]
        lines += [f"Wording replaced: {difference}" for difference in self.wording_replaced]
        lines += [
            f"Skipped, edited since import: {source} (use --overwrite-edited to overwrite)" for source in self.skipped
        ]
        lines.append(
            f"Answers: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped. "
            f"Law articles: {len(self.provisions_created)} created. "
            f"Wording differences: {len(self.wording_differences) + len(self.wording_replaced)}."
        )
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        elif not self.changed:
            lines.append("Nothing changed.")
        return lines


def source_files(paths):
    """The files named, and the `*.txt` files in the folders named, in a stable order."""
    files, missing = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.txt"))
            if not found:
                missing.append(SourceError(str(path), 0, "the folder holds no *.txt files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(SourceError(str(path), 0, "no such file or folder"))
    if missing:
        raise ImportFailed(missing)
    return files


def read_sources(paths):
    """Parse every file; all problems are collected before anything is written."""
    parsed, errors = [], []
    for path in source_files(paths):
        try:
            parsed.append(parse_source(decode_source(path.read_bytes(), str(path)), str(path)))
        except SourceError as error:
            errors.append(error)
        except OSError as error:
            errors.append(SourceError(str(path), 0, f"cannot be read ({error.strerror})"))
    if errors:
        raise ImportFailed(errors)
    return parsed


def import_paths(paths, **options):
    return load_sources(read_sources(paths), **options)


def _unsaved(write, new):
    """`write` as before a save that was rolled back: the rows it inserted are gone again."""
    if new:
        write.answer.pk, write.answer._state.adding = None, True
    for part in [*write.sections, *write.citations]:
        part.pk, part._state.adding = None, True
    write.cited_in_text = []


def _wording(paragraphs):
    """Paragraphs as compared for a difference in wording: runs of white space do not count."""
    return tuple(" ".join(paragraph.split()) for paragraph in paragraphs)


@dataclass(frozen=True)
class StoredAnswer:
    """An answer imported before: its fingerprint as last imported and as stored now."""

    pk: int
    imported: str
    current: str

    @property
    def edited(self):
        return self.current != self.imported


class _Loader:
    def __init__(self, report, replace_wording, overwrite_edited):
        self.report = report
        self.replace_wording = replace_wording
        self.overwrite_edited = overwrite_edited
        self.laws = {}
        self.topics = {}
        self.quoted = {}  # (law pk, number) -> (paragraphs, source) of the first quote in this run
        self.answers = {}  # (site, section, title) -> what the import needs to know of the stored answer
        self.provisions = {}  # (law pk, number) -> the stored law article
        self.wordings = {}  # (paragraphs stored, paragraphs quoted) -> whether the wording is the same
        self.slugs = set()  # the slugs given to new answers in this run
        self.stored_slugs = set()  # the slugs the new answers' questions give that answers have already
        self.writes = []  # the answers to save, all at once at the end
        self.sources = []  # the source of each

    def preload(self, sources):
        """What the sources name that is stored already: their answers, and the articles they quote."""
        titles = sorted({source.title for source in sources})
        for start in range(0, len(titles), 500):
            stored = Answer.objects.filter(source_title__in=titles[start : start + 500])
            current = stored.content_fingerprints()
            for pk, *identity, imported in stored.values_list(
                "pk", "source_site", "source_section", "source_title", "imported_fingerprint"
            ):
                self.answers[tuple(identity)] = StoredAnswer(pk, imported, current[pk])
        bases = sorted({slug_base(source.question, "question") for source in sources})
        for start in range(0, len(bases), 500):
            self.stored_slugs.update(
                Answer.objects.filter(slug__in=bases[start : start + 500]).values_list("slug", flat=True)
            )
        names = {quoted.law_name for source in sources for quoted in source.quoted}
        laws = {law.pk for law in map(Law.objects.resolve, names) if law is not None}
        numbers = {quoted.number for source in sources for quoted in source.quoted}
        if laws:
            stored = Provision.objects.filter(law__in=laws, number__in=numbers)
            self.provisions = {(provision.law_id, provision.number): provision for provision in stored}

    def save(self):
        """Save the answers loaded, all at once; if that fails, one by one, to name the source that fails."""
        adding = [write.answer._state.adding for write in self.writes]
        try:
            with transaction.atomic():
                save_answers(self.writes)
                return
        except DatabaseError:
            pass
        for write, source, new in zip(self.writes, self.sources, adding, strict=True):
            _unsaved(write, new)
            try:
                with transaction.atomic():
                    save_answers([write])
            except DatabaseError as error:
                raise ImportFailed([SourceError(source.name, source.line, f"cannot be saved: {error}")]) from error

    def new_slug(self, question):
        """The question's slug, or, if an answer has it already, the slug made unique (one query)."""
        slug = slug_base(question, "question")
        if slug in self.slugs or slug in self.stored_slugs:
            slug = unique_slug(Answer.objects, question, fallback="question", taken=self.slugs)
        self.slugs.add(slug)
        return slug

    def law(self, name):
        if name not in self.laws:
            law = Law.objects.resolve(name)
            if law is None:
                law = save_law(Law(title=name, slug=unique_slug(Law.objects, name, fallback="law")))
                self.report.laws_created.append(name)
            prefetch_related_objects([law], "chapters")  # for `chapter_for` of each new article
            self.laws[name] = law
        return self.laws[name]

    def provision(self, source, quoted):
        law = self.law(quoted.law_name)
        first_paragraphs, first_source = self.quoted.setdefault((law.pk, quoted.number), (quoted.paragraphs, source))
        if self.replace_wording and _wording(first_paragraphs) != _wording(quoted.paragraphs):
            message = (
                f"{law}, Article {quoted.number} is quoted with other wording than in {first_source.name}; "
                "--replace-wording takes one wording: import these files separately"
            )
            raise ImportFailed([SourceError(source.name, quoted.line, message)])
        provision = self.provisions.get((law.pk, quoted.number))
        if provision is None:
            provision = self.provisions[law.pk, quoted.number] = save_provision(
                Provision(
                    law=law,
                    number=quoted.number,
                    paragraphs=list(quoted.paragraphs),
                    chapter=law.chapter_for(quoted.number),
                )
            )
            self.report.provisions_created.append(f"{law}, Article {quoted.number}")
        elif not self.same_wording(provision, quoted.paragraphs):
            difference = WordingDifference(source.name, str(law), quoted.number, quoted.line)
            if self.replace_wording:
                provision.paragraphs = list(quoted.paragraphs)
                save_provision(provision)
                self.report.wording_replaced.append(difference)
            else:
                self.report.wording_differences.append(difference)
        provision.law = law
        return provision

    def same_wording(self, provision, paragraphs):
        """Whether the stored article reads as `paragraphs` (each pair of wordings is compared once a run)."""
        key = (tuple(provision.paragraphs), paragraphs)
        if key not in self.wordings:
            self.wordings[key] = _wording(provision.paragraphs) == _wording(paragraphs)
        return self.wordings[key]

    def topic(self, title):
        """The topic of that title, else the one whose slug the title gives (renamed by an editor), else a new one."""
        if title not in self.topics:
            topic = (
                Topic.objects.filter(title=title).first()
                or Topic.objects.filter(slug=slugify(title, allow_unicode=True)).first()
            )
            if topic is None:
                topic = save_topic(Topic(title=title, slug=unique_slug(Topic.objects, title, fallback="topic")))
                self.report.topics_created.append(title)
            self.topics[title] = topic
        return self.topics[title]

    def load(self, source):
        stored = self.answers.get((source.site, source.section, source.title))
        if stored and stored.edited and not self.overwrite_edited:
            self.report.skipped.append(source.name)  # before anything else is written for it
            return
        provisions = list(dict.fromkeys(self.provision(source, quoted) for quoted in source.quoted))
        topic = self.topic(source.section)
        sections = [(section.kind, section.heading, section.markdown) for section in source.sections]
        fingerprint = content_fingerprint(
            question=source.question,
            short_answer=source.short_answer,
            topic=topic.pk,
            sections=sections,
            citations=[(p.law.slug, p.number, None) for p in provisions],
        )
        if stored is None:
            answer = Answer(
                slug=self.new_slug(source.question),
                status=Status.PUBLISHED,
                source_site=source.site,
                source_section=source.section,
                source_title=source.title,
            )
            self.report.created.append(source.name)
        elif stored.current == fingerprint == stored.imported:
            self.report.unchanged.append(source.name)
            return
        else:
            answer = Answer.objects.get(pk=stored.pk)
            self.report.updated.append(source.name)
        answer.question = source.question
        answer.short_answer = source.short_answer
        answer.topic = topic
        answer.imported_fingerprint = fingerprint
        sections = [
            Section(position=position, kind=kind, heading=heading, body=body)
            for position, (kind, heading, body) in enumerate(sections)
        ]
        citations = [Citation(provision=provision, position=position) for position, provision in enumerate(provisions)]
        self.writes.append(AnswerWrite(answer, sections, citations, replace=True))
        self.sources.append(source)


def load_sources(sources, *, replace_wording=False, overwrite_edited=False, dry_run=False):
    """Create or update answers, sections, citations and law articles from parsed sources.

    One transaction: an error leaves the database as it was; a dry run rolls back.
    """
    identities = {}
    for source in sources:
        identity = (source.site, source.section, source.title)
        if identity in identities:
            raise ImportFailed([SourceError(source.name, source.line, f"the same source as {identities[identity]}")])
        identities[identity] = source.name
    report = ImportReport(dry_run=dry_run)
    loader = _Loader(report, replace_wording=replace_wording, overwrite_edited=overwrite_edited)
    with transaction.atomic():
        loader.preload(sources)
        for source in sources:
            try:
                loader.load(source)
            except DatabaseError as error:
                raise ImportFailed([SourceError(source.name, source.line, f"cannot be saved: {error}")]) from error
        loader.save()
        if dry_run:
            transaction.set_rollback(True)
    return report
