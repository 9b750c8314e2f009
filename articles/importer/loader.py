"""Write parsed source texts to the database, all of a run in one transaction.

The law corpus is read, never written: the laws and articles a source names must be held (`manage.py
import_law_text`), or the run is refused. An English quote of an article is recorded as a translation of it,
one per article and source (saved all at once, `legal_refs.services.save_translations`); a Chinese quote is
compared with the official text, which is kept.
"""

import os
import stat
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils.text import slugify

from legal_refs.models import Law, Provision, Translation, normalize_law_name
from legal_refs.services import save_translations
from serving.pages import content_changed

from ..markdown import check_bounds
from ..models import (
    Answer,
    Citation,
    DeletedSource,
    ReviewReason,
    Revision,
    Section,
    Status,
    Topic,
    content_fingerprint,
    slug_base,
    unique_slug,
)
from ..review import request_reviews
from ..search_document import check_index_size
from ..services import AnswerWrite, link_translations, save_answers, save_topic
from .parser import CHINESE, ENGLISH, SourceError, decode_source, parse_source, text_language

TOPIC_NAMES_FILE = "topics.toml"  # in a folder of source texts: its sections' topics named in both languages
TRANSLATIONS_FILE = "translations.toml"  # in a folder of source texts: its texts that translate each other
TOPIC_KEYS = {"en": "an English name", "zh": "a Chinese name"}  # the keys of a [[topic]] table: what each is
PAIR_KEYS = {"zh": "a Chinese text", "en": "an English text"}  # the keys of a [[pair]] table
TOPIC_NAME_LENGTH = Topic._meta.get_field("title").max_length
TITLES_PER_QUERY = 500  # source titles (and question slugs) named in one query
MAX_FILE_BYTES = 1_000_000  # a source text is a few kilobytes; docs/source-format.md
# Any number, the same in every run: the PostgreSQL advisory lock an import run holds until it commits.
IMPORT_LOCK = 7_310_012


class ImportFailed(Exception):
    """The import was refused; `errors` lists every problem found, each naming file and line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class QuoteWarning:
    """Something about a quote that the import reports and does not stop for."""

    source: str
    line: int
    law: str
    number: int
    problem: str

    def __str__(self):
        return f"{self.source}, line {self.line}: {self.law}, Article {self.number}: {self.problem}"


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # the sources of answers an editor deleted: not imported
    restored: list[str] = field(default_factory=list)  # such sources imported again (--restore-deleted)
    topics_created: list[str] = field(default_factory=list)
    topics_named: list[str] = field(default_factory=list)  # stored topics given a name they lacked (topics.toml)
    topic_warnings: list[str] = field(default_factory=list)  # topics of a Chinese name given to another one
    linked: list[str] = field(default_factory=list)  # "<Chinese source> = <English source>" (translations.toml)
    translations_recorded: list[str] = field(default_factory=list)  # "<law>, Article N, from <file>"
    translations_updated: list[str] = field(default_factory=list)
    warnings: list[QuoteWarning] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)  # "<file>, line N" where control characters were removed

    @property
    def changed(self):
        return bool(
            self.created
            or self.updated
            or self.topics_created
            or self.topics_named
            or self.linked
            or self.translations_recorded
            or self.translations_updated
            or self.restored
        )

    def lines(self):
        lines = [f"New topic: {title}" for title in self.topics_created]
        lines += [f"Topic named: {names}" for names in self.topics_named]
        lines += [f"Translations linked: {pair}" for pair in self.linked]
        lines += [f"Translation recorded: {translation}" for translation in self.translations_recorded]
        lines += [f"Translation updated: {translation}" for translation in self.translations_updated]
        lines += [f"Warning: {warning}" for warning in self.warnings]
        lines += [f"Warning: {warning}" for warning in self.topic_warnings]
        lines += [f"Control characters removed: {where}" for where in self.stripped]
        lines += [
            f"Skipped, edited since import: {source} (use --overwrite-edited to overwrite)" for source in self.skipped
        ]
        lines += [
            f"Skipped, deleted by an editor: {source} (use --restore-deleted to import it again)"
            for source in self.deleted
        ]
        lines += [f"Restored, deleted by an editor before: {source}" for source in self.restored]
        lines.append(
            f"Answers: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped. "
            f"Translations: {len(self.translations_recorded)} recorded, {len(self.translations_updated)} updated. "
            f"Warnings: {len(self.warnings) + len(self.topic_warnings)}."
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
        elif path.exists() or path.is_symlink():
            files.append(path)  # read only if it is a regular file (read_source_file)
        else:
            missing.append(SourceError(str(path), 0, "no such file or folder"))
    if missing:
        raise ImportFailed(missing)
    return files


def read_source_file(path, limit=MAX_FILE_BYTES):
    """The bytes of the regular file at `path` (after symlinks), at most `limit` of them; a SourceError for
    anything else. Opened without blocking (a FIFO does not wait for a writer) and checked before it is read
    (a device such as /dev/zero is never read)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise SourceError(str(path), 0, "not a regular file (a device, a FIFO or a socket): not read")
        if status.st_size > limit:
            raise SourceError(str(path), 0, f"the file is {status.st_size:,} bytes; a source text may have {limit:,}")
        data = file.read(limit + 1)
    if len(data) > limit:  # grown since
        raise SourceError(str(path), 0, f"the file is over {limit:,} bytes; a source text may have {limit:,}")
    return data


def _parse_files(files):
    """(sources parsed, errors) of `files`."""
    parsed, errors = [], []
    for path in files:
        try:
            parsed.append(parse_source(decode_source(read_source_file(path), str(path)), str(path)))
        except SourceError as error:
            errors.append(error)
        except OSError as error:
            errors.append(SourceError(str(path), 0, f"cannot be read ({error.strerror})"))
    return parsed, errors


def answer_errors(source):
    """SourceErrors for a source whose answer is too large: a section beyond the renderer's caps, or an answer
    too large for the search index."""
    errors = []
    bodies = [(section, section.markdown) for section in source.sections]
    for section, body in bodies:
        try:
            check_bounds(body)
        except ValidationError as error:
            errors.append(SourceError(source.name, section.line, f"the section cannot be shown: {error.messages[0]}"))
    try:
        check_index_size([source.question, source.short_answer, *(part for s, b in bodies for part in (s.heading, b))])
    except ValidationError as error:
        errors.append(SourceError(source.name, source.line, error.messages[0]))
    return errors


def database_failure(error):
    """An ImportFailed that says what happened to the database (not which file was being saved)."""
    if "database is locked" in str(error):
        problem = (
            "the database is locked by another write (SQLite takes one writer at a time, and the other did not "
            "finish in time); run the import again when it is done"
        )
    else:
        problem = f"the database failed during the import ({str(error).strip() or type(error).__name__})"
    return ImportFailed([SourceError("Import", 0, f"{problem}. Nothing was saved.")])


def _serialise_import_runs():
    """Wait until no other import run holds the database, and hold it until this transaction ends.

    PostgreSQL: a transaction-level advisory lock (two runs that update the same answer would otherwise both
    delete its sections and both add theirs). SQLite takes one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def folder_files(paths, name):
    """The file `name` of each folder named in `paths` that has one (a dangling link too, which the reading
    reports)."""
    for folder in (Path(path) for path in paths):
        path = folder / name
        if folder.is_dir() and (path.exists() or path.is_symlink()):
            yield path


def topic_names(paths):
    """{each name: (English name, Chinese name)} of the topics that the folders named in `paths` name in their
    `topics.toml` (docs/source-format.md, "Topic names in both languages"); a SourceError for a file that cannot
    be read or breaks the rules."""
    names = {}
    for path in folder_files(paths, TOPIC_NAMES_FILE):
        for pair in read_topic_names(path):
            for name in pair:
                if names.setdefault(name, pair) != pair:
                    raise SourceError(str(path), 0, f"“{name}” names two topics")
    return names


def translation_pairs(paths, files, sources):
    """[(Chinese source, English source)] of the texts that the folders named in `paths` pair in their
    `translations.toml` (docs/source-format.md, "Texts that translate each other"): each a file of the run's
    `files` in that folder, in one pair at most; a SourceError for a file that breaks the rules. A pair with a
    text that could not be parsed (reported as such) is left out."""
    parsed = {Path(source.name): source for source in sources}
    known = set(map(Path, files))
    languages = {"zh": (CHINESE, "a Chinese text"), "en": (ENGLISH, "an English text")}
    pairs = []
    for path in folder_files(paths, TRANSLATIONS_FILE):
        folder, paired = path.parent, {}
        for number, entry in enumerate(read_tables(path, "pair", PAIR_KEYS), start=1):
            pair = []
            for key, (language, kind) in languages.items():
                name = entry[key]
                if "/" in name or "\\" in name or folder / name not in known:
                    raise SourceError(str(path), 0, f"pair {number}: “{name}” is no source text of this folder")
                if (first := paired.setdefault(name, number)) != number:
                    raise SourceError(str(path), 0, f"“{name}” is in pairs {first} and {number}")
                source = parsed.get(folder / name)
                if source is not None and source.language != language:
                    raise SourceError(str(path), 0, f"pair {number}: “{name}” is not {kind}")
                pair.append(source)
            if None not in pair:
                pairs.append(tuple(pair))
    return pairs


def read_tables(path, name, keys):
    """The `[[name]]` tables of a TOML file of the import (topics.toml, translations.toml): each with every one of
    `keys` ({key: what its value is}, and no other key), a value of one line of text (no control or format
    characters) of at most TOPIC_NAME_LENGTH characters; a SourceError for anything else."""

    def problem(text):
        return SourceError(str(path), 0, text)

    try:
        data = tomllib.loads(decode_source(read_source_file(path), str(path)))
    except tomllib.TOMLDecodeError as error:
        raise problem(f"not valid TOML ({error})") from None
    except RecursionError:
        raise problem("not valid TOML (nested too deeply)") from None
    except OSError as error:
        raise problem(f"cannot be read ({error.strerror})") from None
    entries = data.get(name, [])
    fields = " and ".join(f"{key} = …" for key in keys)
    needs = " and ".join(f"{what} ({key})" for key, what in keys.items())
    if set(data) - {name} or not isinstance(entries, list):
        raise problem(f"the file holds only [[{name}]] tables, each with {fields}")
    tables = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) - set(keys):
            raise problem(f"{name} {number} is a table of {fields} only")
        if not all(isinstance(entry.get(key), str) and entry[key].strip() for key in keys):
            raise problem(f"{name} {number} needs {needs}")
        table = {key: entry[key].strip() for key in keys}
        for key, value in table.items():
            if len(value) > TOPIC_NAME_LENGTH:
                raise problem(f"{name} {number}: “{value[:40]}…” is over {TOPIC_NAME_LENGTH} characters")
            if hidden := next((c for c in value if unicodedata.category(c) in {"Cc", "Cf"}), None):
                raise problem(f"{name} {number}: {keys[key]} holds the invisible character U+{ord(hidden):04X}")
        tables.append(table)
    return tables


def read_topic_names(path):
    """The (English name, Chinese name) pairs of a `topics.toml`: `[[topic]]` tables of `en` and `zh`."""
    return [(table["en"], table["zh"]) for table in read_tables(path, "topic", TOPIC_KEYS)]


def read_sources(paths):
    """Parse every file; all problems are collected before anything is written."""
    parsed, errors = _parse_files(source_files(paths))
    if errors:
        raise ImportFailed(errors)
    return parsed


def import_paths(paths, **options):
    """Import the files named and the `*.txt` files of the folders named (see `load_sources`).

    A run that fails reports every problem at once: the files that cannot be parsed and, for the others, the
    laws and articles they name that are not held."""
    files = source_files(paths)
    sources, errors = _parse_files(files)
    names, pairs = {}, []
    try:
        names = topic_names(paths)
    except SourceError as error:
        errors.append(error)
    try:
        pairs = translation_pairs(paths, files, sources)
    except SourceError as error:
        errors.append(error)
    if errors:
        errors += _Corpus(sources).errors(sources)
        order = {str(path): position for position, path in enumerate(files)}
        raise ImportFailed(sorted(errors, key=lambda error: (order.get(error.source, len(order)), error.line)))
    return load_sources(sources, topic_names=names, translation_pairs=pairs, **options)


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


def _official_form(paragraphs):
    """Chinese text as compared with the official text: white space (paragraph breaks included) does not count,
    nor does the difference between full-width and half-width forms (`，` and `,`, `（` and `(`): NFKC."""
    return "".join(unicodedata.normalize("NFKC", "".join(paragraphs)).split())


def _names(law):
    """The names of `law` as written, the one it is shown by first."""
    return list(dict.fromkeys(name for name in [str(law), law.title, law.title_zh, *law.aliases] if name))


@dataclass(frozen=True)
class StoredAnswer:
    """An answer imported before: its fingerprint as last imported and as stored now."""

    pk: int
    imported: str
    current: str

    @property
    def edited(self):
        return self.current != self.imported


class _Corpus:
    """The laws, and the articles of them that `sources` quote, as stored: two queries (none when the sources
    quote nothing)."""

    def __init__(self, sources):
        quoting = any(source.quoted for source in sources)
        self.laws = list(Law.objects.all()) if quoting else []  # none read when no source quotes a law
        self.by_name = {}  # folded name -> law, as `Law.objects.resolve` finds it
        for law in self.laws:
            for name in law.known_names():
                self.by_name.setdefault(name, law)
        laws = {self.law(quoted.law_name) for source in sources for quoted in source.quoted} - {None}
        numbers = {quoted.number for source in sources for quoted in source.quoted}
        self.provisions = {}  # (law pk, number) -> the article
        if laws:
            by_pk = {law.pk: law for law in laws}
            for provision in Provision.objects.filter(law__in=by_pk, number__in=numbers).prefetch_related("versions"):
                provision.law = by_pk[provision.law_id]
                self.provisions[provision.law_id, provision.number] = provision

    def law(self, name):
        return self.by_name.get(normalize_law_name(name))

    def provision(self, quoted):
        law = self.law(quoted.law_name)
        return self.provisions.get((law.pk, quoted.number)) if law else None

    def errors(self, sources):
        """A SourceError for each law name that names no law, and each article of a law that is not held."""
        errors = []
        for source in sources:
            unknown = set()  # the names reported for this file, folded
            for quoted in source.quoted:
                law = self.law(quoted.law_name)
                if law is None:
                    if normalize_law_name(quoted.law_name) not in unknown:
                        unknown.add(normalize_law_name(quoted.law_name))
                        errors.append(SourceError(source.name, quoted.law_line, self.unknown_law(quoted.law_name)))
                elif (law.pk, quoted.number) not in self.provisions:
                    errors.append(SourceError(source.name, quoted.line, self.missing_article(law, quoted.number)))
        return errors

    def unknown_law(self, name):
        known = "; ".join(", ".join(_names(law)) for law in self.laws) or "none (manage.py import_law_text)"
        return f"no law is known as “{name}”; known: {known}"

    @staticmethod
    def missing_article(law, number):
        if law.article_count and number > law.article_count:
            return f"Article {number} of the {law} does not exist: it has {law.article_count} articles"
        return f"Article {number} of the {law} is not held (manage.py import_law_text loads the law's text)"


class _Loader:
    def __init__(self, report, overwrite_edited, restore_deleted=False, topic_names=None):
        self.report = report
        self.topic_names = topic_names or {}  # each name -> (English name, Chinese name), from topics.toml
        self.overwrite_edited = overwrite_edited
        self.restore_deleted = restore_deleted
        self.deleted = {}  # (site, section, title) -> the DeletedSource of an answer an editor deleted
        self.corpus = None
        self.topics = {}
        self.twins = []  # (a stored topic, the topic named by topics.toml that took its Chinese name)
        self.pairs = []  # (Chinese source, English source) that translate each other (translations.toml)
        self.answers = {}  # (site, section, title) -> what the import needs to know of the stored answer
        self.translations = {}  # (provision pk, source title) -> the English translation quoted from that source
        self.changed_translations = []  # to save, all at once at the end
        self.unsourced = {}  # provision pk -> English translations that name neither source nor translator
        self.quoted = {}  # (provision pk, source title) -> (source, quote) of the English quote recorded this run
        self.slugs = set()  # the slugs given to new answers in this run
        self.stored_slugs = set()  # the slugs the new answers' questions give that answers have already
        self.writes = []  # the answers to save, all at once at the end
        self.sources = []  # the source of each
        self.reviews = []  # (answer, reason, detail): what makes an answer due for review (articles.review)

    def preload(self, sources):
        """What the sources name that is stored already: their answers, the laws and articles they quote and
        the translations quoted from them (a fixed number of queries for every 500 sources)."""
        titles = sorted({source.title for source in sources})
        for start in range(0, len(titles), TITLES_PER_QUERY):
            stored = Answer.objects.filter(source_title__in=titles[start : start + TITLES_PER_QUERY])
            current = stored.content_fingerprints()
            for pk, *identity, imported in stored.values_list(
                "pk", "source_site", "source_section", "source_title", "imported_fingerprint"
            ):
                self.answers[tuple(identity)] = StoredAnswer(pk, imported, current[pk])
            for deleted in DeletedSource.objects.filter(source_title__in=titles[start : start + TITLES_PER_QUERY]):
                self.deleted[deleted.identity] = deleted
        bases = sorted({slug_base(source.question, "question") for source in sources})
        for start in range(0, len(bases), TITLES_PER_QUERY):
            self.stored_slugs.update(
                Answer.objects.filter(slug__in=bases[start : start + TITLES_PER_QUERY]).values_list("slug", flat=True)
            )
        self.corpus = _Corpus(sources)
        provisions = {provision.pk: provision for provision in self.corpus.provisions.values()}
        if not provisions:
            return
        english = Translation.objects.filter(provision__in=provisions, language=ENGLISH)
        for start in range(0, len(titles), TITLES_PER_QUERY):
            for translation in english.filter(source_title__in=titles[start : start + TITLES_PER_QUERY]):
                translation.provision = provisions[translation.provision_id]
                self.translations[translation.provision_id, translation.source_title] = translation
        for translation in english.filter(source_title="", translator__isnull=True):
            translation.provision = provisions[translation.provision_id]
            self.unsourced.setdefault(translation.provision_id, []).append(translation)

    def errors(self, sources):
        """The problems that refuse the run, found before anything is written."""
        errors, identities = [], {}
        for source in sources:
            identity = (source.site, source.section, source.title)
            if identity in identities:
                errors.append(SourceError(source.name, source.line, f"the same source as {identities[identity]}"))
            identities.setdefault(identity, source.name)
            errors += answer_errors(source)
        return errors + self.corpus.errors(sources)

    def save(self):
        """Save the answers loaded, all at once; if that fails, one by one, to name the source that fails."""
        adding = [write.answer._state.adding for write in self.writes]
        try:
            with transaction.atomic():
                save_answers(self.writes)
                return
        except (OperationalError, InterfaceError) as error:
            raise database_failure(error) from error
        except DatabaseError:
            pass
        for write, source, new in zip(self.writes, self.sources, adding, strict=True):
            _unsaved(write, new)
            try:
                with transaction.atomic():
                    save_answers([write])
            except (OperationalError, InterfaceError) as error:
                raise database_failure(error) from error
            except DatabaseError as error:
                raise ImportFailed([SourceError(source.name, source.line, f"cannot be saved: {error}")]) from error

    def new_slug(self, question):
        """The question's slug, or, if an answer has it already, the slug made unique (one query)."""
        slug = slug_base(question, "question")
        if slug in self.slugs or slug in self.stored_slugs:
            slug = unique_slug(Answer.objects, question, fallback="question", taken=self.slugs)
        self.slugs.add(slug)
        return slug

    def quote(self, source, quoted, provision):
        """Record an English quote as the source's translation of the article; compare a Chinese one with the
        official text."""
        if not quoted.paragraphs:
            return
        if quoted.language == CHINESE:
            wordings = {_official_form(version.paragraphs) for version in provision.versions.all()}
            if _official_form(quoted.paragraphs) not in wordings:  # any wording it has had, or is to have
                self.warn(source, quoted, "quoted text differs from the official text; the official text is kept")
                return True
            return False
        key = (provision.pk, source.title)
        if key in self.quoted:  # quoted twice by one source (under two law names), or by two of one title
            first_source, first = self.quoted[key]
            if _wording(first.paragraphs) != _wording(quoted.paragraphs):
                where = f"{first_source.name}, line {first.line}"
                self.warn(source, quoted, f"quoted in other words at {where}; the translation quoted there is kept")
            return
        self.quoted[key] = (source, quoted)
        translation = self.translations.get(key)
        where = f"{provision}, from {source.name}"
        if translation is None:
            translation = self.unsourced_translation(provision, quoted.paragraphs) or Translation(
                provision=provision, language=ENGLISH, paragraphs=list(quoted.paragraphs)
            )
            translation.source_title = source.title
            self.translations[key] = translation
            self.changed_translations.append(translation)
            self.report.translations_recorded.append(where)
        elif _wording(translation.paragraphs) != _wording(quoted.paragraphs):
            translation.paragraphs, translation.version = list(quoted.paragraphs), None  # of the wording in force
            self.changed_translations.append(translation)
            self.report.translations_updated.append(where)

    def unsourced_translation(self, provision, paragraphs):
        """An English translation of the article in these words that names no source nor translator (the first
        quote of it, from before quotes were translations): the source that quotes it is its source."""
        held = self.unsourced.get(provision.pk, [])
        for translation in held:
            if _wording(translation.paragraphs) == _wording(paragraphs):
                held.remove(translation)
                return translation
        return None

    def warn(self, source, quoted, problem):
        law = self.corpus.law(quoted.law_name)
        self.report.warnings.append(QuoteWarning(source.name, quoted.line, str(law), quoted.number, problem))

    def quote_differs(self, answer, provision, quoted):
        """The answer is due for review: its source quotes `provision` otherwise than the official text."""
        quote = " ".join(" ".join(paragraph.split()) for paragraph in quoted.paragraphs)
        detail = f"{provision}: the source quotes it as “{quote}”, which differs from the official text (kept)."
        self.reviews.append((answer, ReviewReason.QUOTE_DIFFERS, detail))

    def source_changed(self, answer, fingerprint, what):
        """The answer is due for review: its source text changed (`fingerprint` is the new one's)."""
        detail = f"The source text changed (fingerprint {fingerprint[:12]}); {what}."
        self.reviews.append((answer, ReviewReason.SOURCE_CHANGED, detail))

    def fingerprint(self, source, topic, provisions):
        """The fingerprint of the answer `source` makes, in `topic` (a pk; None for one not made yet)."""
        return content_fingerprint(
            question=source.question,
            short_answer=source.short_answer,
            topic=topic,
            sections=[(section.kind, section.heading, section.markdown) for section in source.sections],
            citations=[(p.law.slug, p.number, None) for p in provisions],
        )

    def stored_topic(self, title):
        """The topic `topic` finds for the title, without making one (None)."""
        if title in self.topics:
            return self.topics[title]
        english, chinese = self.topic_names.get(title, (None, None))
        return (english and self.topic_named(english)) or self.topic_named(chinese or title)

    @staticmethod
    def topic_named(title):
        chinese = text_language([title]) == CHINESE
        return (
            (chinese and Topic.objects.filter(title_zh=title).order_by("pk").first())
            or Topic.objects.filter(title=title).first()
            or Topic.objects.filter(slug=slugify(title, allow_unicode=True)).first()
        )

    def topic(self, title):
        """The topic of the breadcrumb's section `title`: the topic of that (English) title, else the one whose slug
        the title gives (renamed by an editor), else a new one. A Chinese name (`text_language`) is looked for as
        the Chinese title first (the oldest topic of that name).

        Where the folder's `topics.toml` names the section's topic in both languages (`topic_names`), the topic
        of its English name is looked for first, a new topic gets both names, and a stored topic gets the name
        it lacks: a Chinese name where it has none, an English one where its English title is only its Chinese
        name. A name an editor gave is never changed. Without a pair, a new topic of a Chinese name gets it as
        both titles (the English one until an editor gives it; the title is unique)."""
        if title not in self.topics:
            english, chinese = self.topic_names.get(title, (None, None))
            if text_language([title]) == CHINESE:
                english, chinese = english or title, chinese or title
            topic = self.stored_topic(title)
            if topic is None:
                name = english or title
                slug = unique_slug(Topic.objects, name, fallback="topic")
                topic = save_topic(Topic(title=name, title_zh=chinese or "", slug=slug))
                self.report.topics_created.append(name)
            else:
                self.name_topic(topic, english, chinese)
            self.topics[title] = topic
        return self.topics[title]

    def name_topic(self, topic, english, chinese):
        """Give the stored `topic` the names of `topics.toml` that it lacks (see `topic`)."""
        named = []
        if chinese and not topic.title_zh:
            topic.title_zh = chinese
            named.append(chinese)
            # A site imported before the file has a topic of the Chinese name too: its answers now go to `topic`.
            self.twins += [(twin, topic) for twin in Topic.objects.filter(title_zh=chinese).exclude(pk=topic.pk)]
        placeholder = topic.title == topic.title_zh and text_language([topic.title]) == CHINESE
        if english and english != topic.title and placeholder and not Topic.objects.filter(title=english).exists():
            topic.title = english
            named.append(english)
        if named:
            save_topic(topic)
            self.report.topics_named.append(f"{topic.title} / {topic.title_zh}")

    def link_pairs(self):
        """After the run's answers are saved: link the answers of each pair of `translations.toml` as translations
        of each other (`services.link_translations`, as an editor does in the admin) when the run created (or
        restored) either of them and neither has a translation. An editor's link to another answer is kept, and
        so is an editor's unlinking of a pair both imported in earlier runs."""
        new = {*self.report.created, *self.report.restored}
        for chinese, english in self.pairs:
            if chinese.name not in new and english.name not in new:
                continue
            answers = []
            for source in (chinese, english):
                identity = {"source_site": source.site, "source_section": source.section}
                answers.append(Answer.objects.filter(**identity, source_title=source.title).first())
            first, second = answers
            if first is None or second is None:  # not imported (deleted by an editor)
                continue
            if first.translation_id is None and second.translation_id is None:
                link_translations(first, second)
                self.report.linked.append(f"{chinese.name} = {english.name}")

    def report_twins(self):
        """After the run's answers are saved: each topic of the same Chinese name as one named by the run, with
        the answers left in it (edited since their import, or not imported), for an editor to move and delete."""
        for twin, topic in self.twins:
            left = twin.answers.count()
            self.report.topic_warnings.append(
                f"the topic “{twin.title}” (slug {twin.slug}) has the Chinese name of “{topic.title}” too, and "
                f"{left} answer(s) left in it: move them to “{topic.title}” and delete it in the admin"
            )

    def load(self, source):
        identity = (source.site, source.section, source.title)
        stored = self.answers.get(identity)
        if stored and stored.edited and not self.overwrite_edited:
            self.report.skipped.append(source.name)  # before anything else is written for it
            topic = self.stored_topic(source.section)
            provisions = list(dict.fromkeys(self.corpus.provision(quoted) for quoted in source.quoted))
            fingerprint = self.fingerprint(source, topic and topic.pk, provisions)
            if fingerprint != stored.imported:
                what = "the answer was edited since it was imported, so the import kept it as edited"
                self.source_changed(stored.pk, fingerprint, what)
            return
        if stored is None and identity in self.deleted:
            if not self.restore_deleted:
                self.report.deleted.append(source.name)  # nothing of it is written, its translations neither
                return
            self.deleted.pop(identity).delete()
            self.report.restored.append(source.name)
        provisions, differing = [], []
        for quoted in source.quoted:
            provision = self.corpus.provision(quoted)
            if self.quote(source, quoted, provision):
                differing.append((provision, quoted))
            provisions.append(provision)
        provisions = list(dict.fromkeys(provisions))
        topic = self.topic(source.section)
        sections = [(section.kind, section.heading, section.markdown) for section in source.sections]
        fingerprint = self.fingerprint(source, topic.pk, provisions)
        if stored is None:
            answer = Answer(
                slug=self.new_slug(source.question),
                language=source.language,
                status=Status.PUBLISHED,
                source_site=source.site,
                source_section=source.section,
                source_title=source.title,
            )
            self.report.created.append(source.name)
        elif stored.current == fingerprint == stored.imported:
            self.report.unchanged.append(source.name)
            for provision, quoted in differing:
                self.quote_differs(stored.pk, provision, quoted)
            return
        else:
            answer = Answer.objects.get(pk=stored.pk)
            self.report.updated.append(source.name)
            if fingerprint != stored.imported:
                what = "the import overwrote the editors' changes" if stored.edited else "the import updated the answer"
                self.source_changed(answer, fingerprint, what)
        for provision, quoted in differing:
            self.quote_differs(answer, provision, quoted)
        answer.question = source.question
        answer.short_answer = source.short_answer
        answer.topic = topic
        answer.imported_fingerprint = fingerprint
        sections = [
            Section(position=position, kind=kind, heading=heading, body=body)
            for position, (kind, heading, body) in enumerate(sections)
        ]
        citations = [Citation(provision=provision, position=position) for position, provision in enumerate(provisions)]
        self.writes.append(AnswerWrite(answer, sections, citations, replace=True, via=Revision.Via.IMPORT))
        self.sources.append(source)


def load_sources(
    sources, *, overwrite_edited=False, restore_deleted=False, dry_run=False, topic_names=None, translation_pairs=()
):
    """Create or update answers, sections and citations from parsed sources, and record the English they quote
    as translations of the articles quoted.

    The laws and articles quoted must be held: a name that names no law, or an article the law does not have,
    refuses the run (every such problem is reported) before anything is written. One transaction: an error
    leaves the database as it was; a dry run rolls back. `topic_names`: the topics named in both languages
    (`topic_names`), by each of their names; `translation_pairs`: (Chinese source, English source) of `sources`
    that translate each other (`translation_pairs`), linked when the run creates either answer (`link_pairs`).
    """
    report = ImportReport(dry_run=dry_run)
    report.stripped = [
        f"{source.name}, line {line}" for source in sources for line in getattr(source, "stripped_lines", ())
    ]
    try:
        loader = _Loader(report, overwrite_edited, restore_deleted, topic_names)
        loader.pairs = list(translation_pairs)
        _load(sources, loader, dry_run)
    except (OperationalError, InterfaceError) as error:  # not the sources' fault: a lock, a lost connection
        raise database_failure(error) from error
    return report


def _load(sources, loader, dry_run):
    with transaction.atomic():
        _serialise_import_runs()  # first: what is read next is what the run before this one left
        loader.preload(sources)
        if errors := loader.errors(sources):
            raise ImportFailed(errors)
        for source in sources:
            try:
                loader.load(source)
            except (OperationalError, InterfaceError):
                raise
            except DatabaseError as error:
                raise ImportFailed([SourceError(source.name, source.line, f"cannot be saved: {error}")]) from error
        loader.save()
        loader.report_twins()
        loader.link_pairs()
        request_reviews(loader.reviews)
        try:
            save_translations(loader.changed_translations)
        except (OperationalError, InterfaceError):
            raise
        except DatabaseError as error:
            raise ImportFailed([SourceError("the translations quoted", 0, f"cannot be saved: {error}")]) from error
        if dry_run:
            transaction.set_rollback(True)
        else:
            content_changed()  # the topics it creates itself; the answers and translations through the services
