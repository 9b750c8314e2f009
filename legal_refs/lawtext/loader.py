"""Load law texts and their metadata into the database, all of a run in one transaction.

A re-import compares each file with what it gave last time (`LawTextImport`), not with the database, so that
it never undoes a publisher's change: a value the file did not change is left as the database has it. For a
changed article, the metadata decides: a new version when an amendment (or a new wording date) names it, a
correction of the version otherwise.
"""

import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from serving.pages import content_changed

from ..models import Chapter, Law, LawTextImport, Provision
from ..services import add_version, correct, create_provisions, save_law
from .metadata import Metadata, parse_metadata
from .parser import LawText, LawTextError, parse_law_text

MAX_FILE_SIZE = 2 * 1024 * 1024  # the whole Social Insurance Law is 40 KB


class LawImportFailed(Exception):
    """The import was refused; `errors` lists every problem found, each naming its file (and line)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class LawFile:
    metadata: Metadata
    text: LawText
    name: str  # the text file's name, which identifies it between runs
    metadata_path: str = ""


@dataclass
class LawImportReport:
    dry_run: bool = False
    lines: list[str] = field(default_factory=list)
    laws_created: list[str] = field(default_factory=list)
    versions_added: int = 0
    amendments: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged_files: list[str] = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.laws_created or self.versions_added or self.corrections or self.updated or self.kept)

    def counts(self):
        """What a file's load may add to, to tell whether it changed anything."""
        return (self.versions_added, len(self.corrections), len(self.updated), len(self.kept))

    def summary(self):
        lines = [*self.lines]
        lines += [f"New instrument: {name}" for name in self.laws_created]
        lines += [f"Amendment: {line}" for line in self.amendments]
        lines += [f"Correction: {line}" for line in self.corrections]
        lines += [f"Kept as the database has it: {line}" for line in self.kept]
        lines += [f"Warning: {line}" for line in self.warnings]
        lines += [f"Updated: {line}" for line in self.updated]
        lines.append(
            f"Versions added: {self.versions_added}; amendments: {len(self.amendments)}; "
            f"corrections: {len(self.corrections)}; files unchanged: {len(self.unchanged_files)}."
        )
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        elif not self.changed:
            lines.append("Nothing changed.")
        return lines


def read_text(path: Path) -> str:
    """A text file's content; a file that is no regular file, too large or not UTF-8 is refused."""
    try:
        info = path.stat()  # follows a symbolic link: what counts is what it points to
    except OSError as error:
        raise LawTextError(str(path), 0, f"cannot be read ({error.strerror})") from error
    if not stat.S_ISREG(info.st_mode):
        raise LawTextError(str(path), 0, "is not a regular file")
    if info.st_size > MAX_FILE_SIZE:
        raise LawTextError(str(path), 0, f"is larger than {MAX_FILE_SIZE // 1024} KB")
    with path.open("rb") as file:
        data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise LawTextError(str(path), 0, f"is larger than {MAX_FILE_SIZE // 1024} KB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LawTextError(str(path), line, "is not UTF-8 text") from error


def metadata_files(paths):
    """The metadata files named, and those in the folders named (`*.toml`), in a stable order."""
    files, errors = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                errors.append(LawTextError(str(path), 0, "the folder holds no law text metadata (*.toml)"))
            files.extend(found)
        elif path.suffix == ".toml" and path.is_file():
            files.append(path)
        elif path.is_file():
            errors.append(LawTextError(str(path), 0, "name a law text's metadata (*.toml) or a folder"))
        else:
            errors.append(LawTextError(str(path), 0, "no such file or folder"))
    if errors:
        raise LawImportFailed(errors)
    return files


def read_law_files(paths):
    """Parse every metadata file and its text; all problems are collected before anything is written. The
    whole instruments come first, then the texts of some articles (which need their instrument)."""
    files, errors = [], []
    for path in metadata_files(paths):
        try:
            metadata = parse_metadata(read_text(path), str(path))
            text_path = path.parent / metadata.text
            if Path(metadata.text).name != metadata.text:
                raise LawTextError(str(path), 0, "“text” must name a file in the same folder")
            text = parse_law_text(read_text(text_path), str(text_path), whole=metadata.whole)
            files.append(LawFile(metadata, text, metadata.text, str(path)))
        except LawTextError as error:
            errors.append(error)
    names = {}
    for law_file in files:
        if law_file.name in names:
            errors.append(LawTextError(law_file.name, 0, "named by two metadata files"))
        names[law_file.name] = law_file
    if errors:
        raise LawImportFailed(errors)
    return sorted(files, key=lambda law_file: (not law_file.metadata.whole, law_file.name))


def import_law_paths(paths, **options):
    return load_law_files(read_law_files(paths), **options)


def load_law_files(files, *, dry_run=False):
    report = LawImportReport(dry_run=dry_run)
    with transaction.atomic():
        for law_file in files:
            try:
                _FileLoader(law_file, report).load()
            except ValidationError as error:
                where = law_file.metadata_path or law_file.name  # the values come from the metadata
                raise LawImportFailed([LawTextError(where, 0, f"not valid: {_problems(error)}")]) from error
            except DatabaseError as error:
                raise LawImportFailed([LawTextError(law_file.name, 0, f"cannot be saved: {error}")]) from error
        if dry_run:
            transaction.set_rollback(True)
        else:
            content_changed()  # the chapters and import records it writes itself; the rest through the services
    return report


def _problems(error):
    """A validation error as “field: message; …”."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return "; ".join(error.messages)


def _apply(obj, values, previous):
    """Set each of `values` on `obj` that the file changed since it last gave `previous` (all of them the first
    time); returns the names of the fields whose value changed."""
    changed = []
    for name, value in values.items():
        if previous is not None and previous.get(name) == value:
            continue  # the file gives what it gave: whatever the database holds now stays
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _given_dates(values):
    """`values` as stored in JSON: dates as ISO text."""
    return {name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in values.items()}


class _FileLoader:
    def __init__(self, law_file, report):
        self.file, self.report = law_file, report
        self.metadata, self.text, self.name = law_file.metadata, law_file.text, law_file.name
        record = LawTextImport.objects.filter(name=self.name).first()
        self.record = record
        self.previous = record.given if record else None

    def error(self, message, line=0):
        return LawImportFailed([LawTextError(self.name, line, message)])

    def load(self):
        law = self.law()
        chapters = self.chapters(law) if self.metadata.whole else {}
        provisions = {provision.number: provision for provision in law.provisions.prefetch_related("versions")}
        before = self.report.counts()
        articles = {}
        for article in self.text.articles:
            wording = self.metadata.wording_of(article.number)
            articles[str(article.number)] = {
                "effective_from": wording.effective_from.isoformat(),
                "made_by": wording.made_by,
                "paragraphs": list(article.paragraphs),
            }
        new = [article for article in self.text.articles if article.number not in provisions]
        if new and not self.metadata.whole:
            article = new[0]
            raise self.error(f"{law} has no article {article.number}: only its whole text adds articles", article.line)
        self.create(law, chapters, new)
        for article in self.text.articles:
            if article not in new:
                self.article(law, provisions, chapters, article, articles[str(article.number)])
        given = {
            "instrument": _given_dates(self.metadata.instrument),
            "chapters": {str(number): values for number, values in self.chapter_values().items()},
            "articles": articles,
        }
        after = self.report.counts()
        if self.record is None:
            LawTextImport.objects.create(name=self.name, law=law, given=given)
        elif self.record.given != given or self.record.law_id != law.pk:
            self.record.given, self.record.law = given, law
            self.record.save()
        if before == after and self.record is not None:
            self.report.unchanged_files.append(self.name)
        else:
            self.report.lines.append(
                f"{self.name}: {law}, {len(self.text.articles)} articles"
                + (f" in {len(self.text.chapters)} chapters" if self.text.chapters else "")
            )

    def law(self):
        numbers = {article.number for article in self.text.articles}
        for amendment in self.metadata.amendments:
            missing = sorted(set(amendment.articles) - numbers)
            if missing:
                listed = ", ".join(map(str, missing))
                raise self.error(f"the amendment of {amendment.effective_from} names articles the text lacks: {listed}")
        slug = self.metadata.law
        if not self.metadata.whole:
            law = Law.objects.filter(slug=slug).first()
            if law is None:
                raise self.error(f"the instrument “{slug}” is not loaded: import its whole text first")
            if law.title_zh != self.text.title:
                raise self.error(f"the title “{self.text.title}” is not {law}'s official title “{law.title_zh}”", 1)
            return law
        instrument = self.metadata.instrument
        if instrument["title_zh"] != self.text.title:
            raise self.error(f"the title “{self.text.title}” is not the metadata's title_zh “{instrument['title_zh']}”")
        values = {**instrument, "article_count": len(self.text.articles)}
        law = Law.objects.filter(slug=slug).first()
        previous = None
        if law is None:
            law = Law(slug=slug)
            self.report.laws_created.append(f"{instrument['title']} ({slug})")
        elif self.previous is not None:
            previous = {**self.previous["instrument"], "article_count": len(self.previous["articles"])}
            previous = _undated(previous, values)
        changed = _apply(law, values, previous)
        if law._state.adding or changed:
            law.full_clean()
            save_law(law)
        if changed and not law._state.adding and self.previous is not None:
            self.report.updated.append(f"{law}: {', '.join(changed)}")
        return law

    def chapter_values(self):
        return {
            chapter.number: {
                "title_zh": chapter.title,
                "title": self.metadata.chapters.get(chapter.number, ""),
                "first_article": chapter.first_article,
                "last_article": chapter.last_article,
            }
            for chapter in self.text.chapters
        }

    def chapters(self, law):
        missing = [chapter.number for chapter in self.text.chapters if chapter.number not in self.metadata.chapters]
        if missing:
            raise self.error(f"the metadata gives no English title for chapter(s) {', '.join(map(str, missing))}")
        extra = sorted(set(self.metadata.chapters) - {chapter.number for chapter in self.text.chapters})
        if extra:
            raise self.error(f"the metadata titles chapter(s) the text does not have: {', '.join(map(str, extra))}")
        stored = {chapter.number: chapter for chapter in law.chapters.all()}
        previous = self.previous["chapters"] if self.previous else {}
        for number, values in self.chapter_values().items():
            chapter = stored.get(number) or Chapter(law=law, number=number)
            changed = _apply(chapter, values, previous.get(str(number)) if self.previous else None)
            if chapter._state.adding or changed:
                try:
                    chapter.full_clean(exclude=["law"])
                except ValidationError as error:
                    raise ValidationError(f"chapter {number}: {_problems(error)}") from error
                chapter.save()
                if changed and self.previous is not None:
                    self.report.updated.append(f"{law}, chapter {number}: {', '.join(changed)}")
            stored[number] = chapter
        return stored

    def create(self, law, chapters, articles):
        """The articles new to the database, each with the version this file gives, all at once."""
        provisions = [
            Provision(law=law, number=article.number, chapter=chapters.get(article.chapter)) for article in articles
        ]
        wordings = [self.metadata.wording_of(article.number) for article in articles]
        create_provisions(
            provisions,
            [[(w.effective_from, w.made_by, a.paragraphs)] for w, a in zip(wordings, articles, strict=True)],
        )
        self.report.versions_added += len(provisions)

    def article(self, law, provisions, chapters, article, given):
        wording = self.metadata.wording_of(article.number)
        provision = provisions[article.number]
        chapter = chapters.get(article.chapter) if article.chapter else None
        if self.metadata.whole and provision.chapter_id != (chapter and chapter.pk):
            provision.chapter = chapter
            provision.save(update_fields=["chapter", "updated_at"])
        provision.law = law
        previous = self.previous["articles"].get(str(article.number)) if self.previous else None
        if previous == given:
            return  # the file gives what it gave last time: the database stays as publishers left it
        label = f"{law}, Article {article.number}"
        versions = {version.effective_from: version for version in provision.versions.all()}
        existing = versions.get(wording.effective_from)
        if existing is not None and existing.paragraphs == given["paragraphs"]:
            if existing.made_by != wording.made_by and (previous or {}).get("made_by") != wording.made_by:
                existing.made_by = wording.made_by
                existing.full_clean(exclude=["provision"])
                existing.save(update_fields=["made_by"])
                self.report.updated.append(f"{label}, version in force from {wording.effective_from}: made_by")
            return
        if existing is None:
            earlier = [date for date in versions if date < wording.effective_from]
            if earlier and versions[max(earlier)].paragraphs == given["paragraphs"]:
                self.report.warnings.append(
                    f"{label}: the metadata dates a version from {wording.effective_from}, but the text is that of the "
                    f"version in force from {max(earlier)}; no version made ({self.name})"
                )
                return
            newest = max(versions, default=None)
            add_version(provision, article.paragraphs, wording.effective_from, wording.made_by)
            self.report.versions_added += 1
            if newest is not None and wording.effective_from > newest:
                self.report.amendments.append(f"{label}, in force from {wording.effective_from} ({self.name})")
            return
        if previous is not None and previous["effective_from"] == given["effective_from"]:
            if previous["made_by"] != wording.made_by:
                existing.made_by = wording.made_by
                existing.save(update_fields=["made_by"])
            correct(existing, article.paragraphs, f"Corrected from {self.name}", source=self.name)
            self.report.corrections.append(f"{label}, version in force from {wording.effective_from} ({self.name})")
        else:
            self.report.kept.append(
                f"{label}: the version in force from {wording.effective_from} differs from {self.name}"
            )


def _undated(previous, values):
    """The previous values, with dates as the current values hold them (the record keeps ISO text)."""
    dated = {name for name, value in values.items() if hasattr(value, "isoformat")}
    return {name: values[name].fromisoformat(value) if name in dated else value for name, value in previous.items()}
