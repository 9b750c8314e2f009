"""An instrument's facts (issuing body, adopting meeting, promulgating order, amendment note) in each site's
language, any fallback marked with its own; the law pages' wording on the Chinese site."""

import re

import pytest
from django.utils import translation

from legal_refs.lawtext.loader import import_law_paths
from legal_refs.models import Law, LawTextImport
from tests.factories import make_law
from tests.site_helpers import page_of

LAWS_ZH, LAWS_EN = "/zh-hans/laws/", "/en/laws/"
LAW_ZH, LAW_EN = f"{LAWS_ZH}social-insurance-law/", f"{LAWS_EN}social-insurance-law/"
FACTS = ("issuing_body", "adopted_by", "promulgation", "amendment_note")
DECISION_ZH = "《全国人民代表大会常务委员会关于修改〈中华人民共和国社会保险法〉的决定》"


def part(html, start, end):
    """The part of `html` from the first `start` to the end of the next `end`."""
    first = html.index(start)
    return html[first : html.index(end, first) + len(end)]


def facts(html, slug=None):
    """The law-facts list of the page (of the instrument `slug` on the list of laws)."""
    start = html.index(f'id="law-{slug}"') if slug else 0
    first = html.index('<dl class="law-facts">', start)
    return html[first : html.index("</dl>", first)]


@pytest.mark.django_db
def test_the_chinese_site_gives_the_facts_in_their_official_chinese_form(client, law_corpus):
    law = facts(client.get(LAW_ZH).text)
    assert page_of(law, "dd") == [
        "法律",
        "全国人民代表大会常务委员会",
        "2010年10月28日（第十一届全国人民代表大会常务委员会第十七次会议）",
        "中华人民共和国主席令第三十五号",
        "2011年7月1日",
        "2018年12月29日（修改了第五十七条、第六十四条、第六十六条）",
        "现行有效",
        "共98条",
    ]
    assert "lang=" not in law
    listed = client.get(LAWS_ZH).text
    assert page_of(facts(listed, "social-insurance-handling-regulation"), "dd")[1:3] == ["国务院", "2023年8月16日"]
    assert page_of(facts(listed, "social-insurance-handling-regulation"), "dt")[2] == "公布"
    beijing = page_of(facts(client.get(f"{LAWS_ZH}beijing-social-security-card-provisions/").text), "dd")
    assert beijing[1:4] == [
        "北京市人民代表大会常务委员会",
        "2024年9月27日（北京市第十六届人民代表大会常务委员会第十二次会议）",
        "自公布之日起施行（2024年9月27日）",
    ]
    for page in (listed, client.get(LAW_ZH).text):
        html = part(page, "<main", "</main>")  # what the reader sees (the JSON-LD names things in English)
        assert "Standing Committee" not in html and "State Council" not in html and "Order No." not in html


@pytest.mark.django_db
def test_the_english_site_gives_the_facts_in_english(client, law_corpus):
    law = facts(client.get(LAW_EN).text)
    assert page_of(law, "dd")[1:4] == [
        "Standing Committee of the National People's Congress",
        "Oct. 28, 2010 — The 17th meeting of the Standing Committee of the 11th National People's Congress",
        "President's Order No. 35",
    ]
    assert page_of(law, "dd")[5] == "Dec. 29, 2018 — The 2018 amendment changed articles 57, 64 and 66."
    assert "lang=" not in law and "全国人民代表大会" not in law


@pytest.mark.django_db
def test_a_fact_held_in_one_language_only_is_shown_on_the_other_site_marked_with_its_language(client):
    make_law(slug="english-only", title="An English-only Law", issuing_body="A Body", promulgation="Order No. 1")
    make_law(slug="chinese-only", title="A Chinese-only Law", issuing_body_zh="某机关", promulgation_zh="第一号令")
    english_only = facts(client.get(f"{LAWS_ZH}english-only/").text)
    assert '<dd><span lang="en">A Body</span></dd>' in english_only
    assert '<dd><span lang="en">Order No. 1</span></dd>' in english_only
    chinese_only = facts(client.get(f"{LAWS_EN}chinese-only/").text)
    assert '<dd><span lang="zh-Hans">某机关</span></dd>' in chinese_only
    assert '<dd><span lang="zh-Hans">第一号令</span></dd>' in chinese_only
    # Each on its own language's site, unmarked.
    assert "<dd>A Body</dd>" in facts(client.get(f"{LAWS_EN}english-only/").text)
    assert "<dd>某机关</dd>" in facts(client.get(f"{LAWS_ZH}chinese-only/").text)


@pytest.mark.django_db
def test_shown_gives_each_language_its_own_form_and_marks_a_fallback(db):
    law = make_law(issuing_body="A Body", issuing_body_zh="某机关", adopted_by="A meeting")
    with translation.override("zh-hans"):
        assert (str(law.shown_issuing_body), law.shown_issuing_body.lang) == ("某机关", "")
        assert (str(law.shown_adopted_by), law.shown_adopted_by.lang) == ("A meeting", "en")
        assert not law.shown_promulgation
    with translation.override("en"):
        assert (str(law.shown_issuing_body), law.shown_issuing_body.lang) == ("A Body", "")
        assert (str(law.shown_adopted_by), law.shown_adopted_by.lang) == ("A meeting", "")


@pytest.mark.django_db
def test_the_chinese_facts_are_loaded_and_a_second_import_changes_nothing(law_copy):
    import_law_paths([law_copy])
    law = Law.objects.get(slug="social-insurance-law")
    assert (law.issuing_body_zh, law.adopted_by_zh, law.promulgation_zh, law.amendment_note_zh) == (
        "全国人民代表大会常务委员会",
        "第十一届全国人民代表大会常务委员会第十七次会议",
        "中华人民共和国主席令第三十五号",
        "修改了第五十七条、第六十四条、第六十六条",
    )
    before = list(Law.objects.values())
    report = import_law_paths([law_copy])
    assert report.summary()[-1] == "Nothing changed." and not report.updated
    assert list(Law.objects.values()) == before


@pytest.mark.django_db
def test_a_law_loaded_before_the_chinese_facts_existed_gets_them_on_the_next_import(law_copy):
    import_law_paths([law_copy])
    Law.objects.update(**{f"{name}_zh": "" for name in FACTS})  # as loaded before: no Chinese facts,
    record = LawTextImport.objects.get(name="social-insurance-law.zh.md")  # and none in what the file gave
    record.given["instrument"] = {
        key: value for key, value in record.given["instrument"].items() if not key.endswith("_zh") or key == "title_zh"
    }
    record.save()
    report = import_law_paths([law_copy])
    assert report.updated == [
        "Social Insurance Law: issuing_body_zh, adopted_by_zh, promulgation_zh, amendment_note_zh"
    ]
    assert Law.objects.get(slug="social-insurance-law").issuing_body_zh == "全国人民代表大会常务委员会"
    assert import_law_paths([law_copy]).summary()[-1] == "Nothing changed."


# --------------------------------------------------------------------- the amending decision


@pytest.mark.django_db
def test_the_amending_decision_is_named_the_chinese_way_on_the_chinese_site(client, social_insurance_law):
    chinese = client.get(f"{LAW_ZH}articles/57/").text
    history = page_of(chinese[chinese.index('class="history-list"') :], "li")
    assert history[:2] == [
        "2011年7月1日起施行（至2018年12月28日）",
        f"2018年12月29日 根据{DECISION_ZH}修正 · 修改内容",
    ]
    assert page_of(chinese, "section h2")[-2] == "修改沿革"
    version = client.get(f"{LAW_ZH}articles/57/versions/2018-12-29/").text
    assert f"此为自2018年12月29日起施行的文本。根据{DECISION_ZH}修正。" in version
    english = client.get(f"{LAW_EN}articles/57/").text
    decision = '<span lang="zh-Hans">全国人民代表大会常务委员会关于修改《中华人民共和国社会保险法》的决定</span>'
    assert f"Amended by {decision}</a>" in english


# --------------------------------------------------------------------- wording on the Chinese site


@pytest.mark.django_db
def test_the_wording_pages_read_the_chinese_way(client, social_insurance_law):
    original = client.get(f"{LAW_ZH}articles/57/versions/2011-07-01/").text
    assert page_of(part(original, '<p class="version-period">', "</p>"), "p") == [
        "此为2011年7月1日至2018年12月28日施行的文本（即原始文本）。"
    ]
    compare = client.get(f"{LAW_ZH}articles/57/compare/2011-07-01/2018-12-29/").text
    assert page_of(part(compare, '<ul class="compared">', "</ul>"), "li") == [
        "修改前（2011年7月1日至2018年12月28日施行）",
        f"修改后（自2018年12月29日起施行）根据{DECISION_ZH}修正",
    ]
    assert ":" not in " ".join(page_of(part(compare, "<main", "</main>"), "li"))


@pytest.mark.django_db
def test_a_cut_opening_ends_with_the_chinese_ellipsis_on_the_chinese_site(client, social_insurance_law):
    chinese = [
        " ".join(t.split())
        for t in re.findall(r'<span class="opening" lang="zh-Hans">([^<]*)</span>', client.get(LAW_ZH).text)
    ]
    assert chinese[0] == "为了规范社会保险关系，维护公民参加社会保险和享受社会保险待遇的合法权益，使公民……"
    assert not any(
        opening.endswith("...") or opening.endswith("…") and not opening.endswith("……") for opening in chinese
    )
    english = re.findall(r'<span class="opening" lang="zh-Hans">([^<]*)</span>', client.get(LAW_EN).text)
    assert english[0].endswith("使公民…")  # the English site keeps its one-character ellipsis


def test_the_catalogue_words_the_search_404_and_footer_strings_plainly():
    with translation.override("zh-hans"):
        only = translation.ngettext(
            "Only %(counter)s answer contains all the words of “%(query)s”; those after it contain some of them.",
            "Only %(counter)s answers contain all the words of “%(query)s”; those after them contain some of them.",
            1,
        ) % {"counter": 1, "query": "社保卡"}
        assert only == "只有1篇解答包含“社保卡”中的全部词语，其余解答只包含其中部分词语。"
        assert translation.gettext("Atom feed of updated answers") == "订阅解答更新（Atom）"
        assert translation.gettext("The official text (Chinese), as in force today.") == "现行官方中文文本。"
        assert translation.gettext("The article's page") == "查看本条"


@pytest.mark.django_db
def test_the_404_page_reads_plainly_on_the_chinese_site(client):
    html = client.get("/zh-hans/no-such-page/").text
    assert page_of(part(html, "<main", "</main>"), "p") == [
        "您访问的页面不存在，可能已被移动或网址有误。",
        "您可以查看全部问题，或在上方搜索。",
    ]
    footer = html[html.index('<footer class="site-footer">') :]
    assert "订阅解答更新（Atom）" in page_of(footer, "a")
