"""A results page: answers (paginated) and law articles for a reader's query, with spelling correction."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from textkit.query import ParsedQuery
from textkit.tokens import CJK_RUN, VOCABULARY_WORD

from .backends import SearchBackend, backend
from .synonyms import synonym_map

RESULTS_PER_PAGE = 10
PROVISIONS_SHOWN = 5  # law articles on the first page of results
SPELLING_MAX_WORDS = 6  # the most words of one query that are corrected
FILL_TO = 3  # a Chinese query whose words fewer answers than this have all of: those with some of them follow


@dataclass
class SearchResults:
    query: ParsedQuery
    page: Page  # of answers, each with `title_html` and `snippet_html`
    provisions: list = field(default_factory=list)  # law articles, each with `snippet_html` and `snippet_lang`
    similar_to: str = ""  # the corrected words the results were found for ("showing results for …")
    some_words: bool = False  # no answer has all the words: those found have some of them (`ParsedQuery.relaxed`)
    is_capped: bool = False  # the answers listed are the best of a larger set: "the best N answers"
    # When few answers have all the words and those with some of them follow (`FILL_TO`): how many have them all.
    all_words_count: int | None = None

    @property
    def count(self) -> int:
        return self.page.paginator.count + len(self.provisions)

    @property
    def is_empty(self) -> bool:
        return not self.count


def spelling_suggestion(parsed: ParsedQuery, engine: SearchBackend | None = None) -> ParsedQuery | None:
    """`parsed` with each word that no published answer has replaced by the nearest one that some answer has.

    "soical securty" → "social security". None when there is nothing to correct: not plain words, or every
    word is in the vocabulary, or none has a near word. At most SPELLING_MAX_WORDS words are looked up.
    """
    if not parsed.is_plain:
        return None
    words = [term.text.casefold() for term in parsed.included]
    checkable = [word for word in dict.fromkeys(words) if VOCABULARY_WORD.fullmatch(word) and not CJK_RUN.search(word)]
    if not checkable:
        return None
    nearest = (engine or backend()).nearest_words(checkable[:SPELLING_MAX_WORDS])
    corrected = [nearest.get(word) or word for word in words]
    if corrected == words:
        return None
    return ParsedQuery.of_words(" ".join(corrected), parsed.synonyms)


def search(text: str, page_number: int | str | None = 1) -> SearchResults:
    """Answers (paginated) and law articles (on the first page) matching `text`, for the results page.

    Three queries whatever the content: the ranked ids of the answers found, the law articles, the page's
    answers with their snippets (PostgreSQL's ``ts_headline`` for those rows only); the synonyms come from the
    cache (`synonym_map`: a query only when the cache is cold). When neither answers
    nor law articles match, the words are corrected (`spelling_suggestion`: one more query) and, if the
    corrected words find something (two more), the page shows that ("showing results for …"). Before that, a
    query of several Chinese words that no answer has all of looks for those with any of them, the most first
    (`ParsedQuery.relaxed`: two more queries); and when fewer than FILL_TO answers have all of them, those with
    some of them follow, marked as such (one more query). Last, when nothing was found still, a query with words
    typed without Chinese looks for answers with any of its words, the rarer ones counting more (two more).
    """
    engine = backend()

    def find(parsed):
        ids, capped = engine.answer_ids(parsed)
        return ids, capped, engine.first_provisions(parsed, PROVISIONS_SHOWN)

    parsed = ParsedQuery.parse(text, synonym_map())
    found_for, (ids, capped, provisions) = parsed, find(parsed)
    if not ids and not provisions and (relaxed := parsed.relaxed()) is not None:
        found_for, (ids, capped, provisions) = relaxed, find(relaxed)
    if not ids and not provisions and (suggestion := spelling_suggestion(parsed, engine)) is not None:
        corrected = find(suggestion)
        if corrected[0] or corrected[2]:
            found_for, (ids, capped, provisions) = suggestion, corrected
    if not ids and not provisions and (relaxed := parsed.relaxed(english=True)) is not None:
        found_for, (ids, capped, provisions) = relaxed, find(relaxed)
    all_words_count = None
    if 0 < len(ids) < FILL_TO and found_for is parsed and (relaxed := parsed.relaxed()) is not None:
        more, _ = engine.answer_ids(relaxed)
        held = set(ids)
        extra = [pk for pk in more if pk not in held]
        if extra:
            all_words_count, ids, found_for = len(ids), [*ids, *extra], relaxed
    page = Paginator(ids, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = engine.answers_with_snippets(page.object_list, found_for)
    for position, answer in enumerate(page.object_list, start=page.start_index()):
        answer.has_all_words = all_words_count is None or position <= all_words_count
    provisions = provisions if page.number == 1 else []
    for provision in provisions:
        provision.snippet_html = engine.provision_snippet(provision, found_for)
        # The official text is Chinese; a snippet may come from it or from an English translation.
        provision.snippet_lang = "zh-Hans" if CJK_RUN.search(provision.snippet_html) else ""
    relaxed_found = found_for.any_word and all_words_count is None and (bool(ids) or bool(provisions))
    similar_to = found_for.text if found_for is not parsed and not found_for.any_word else ""
    return SearchResults(
        query=parsed,
        page=page,
        provisions=provisions,
        similar_to=similar_to,
        some_words=relaxed_found,
        is_capped=capped,
        all_words_count=all_words_count,
    )
