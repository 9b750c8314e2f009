"""A topic is named in both languages (the admin asks for both); where a site shows a name in the other language
(a topic named in one language only), the name carries that language's `lang`."""

import re

import pytest
from django.urls import reverse

from articles.models import Topic
from tests.factories import TopicFactory, make_answer, make_user


def name_tags(html, name):
    """The start tags of the elements whose text is exactly `name`."""
    return re.findall(rf"<[a-z0-9]+[^<>]*>{re.escape(name)}</", html)


def test_the_admin_asks_for_the_chinese_name_too(client, db):
    client.force_login(make_user("publisher", "publisher"))
    url = reverse("admin:articles_topic_add")
    data = {"title": "Cards", "slug": "cards", "review_interval_days": 365}
    response = client.post(url, data)
    assert response.status_code == 200 and not Topic.objects.exists()
    assert response.context["adminform"].form.errors["title_zh"]
    assert client.post(url, {**data, "title_zh": "社保卡"}).status_code == 302
    assert Topic.objects.get().title_in("zh-hans") == "社保卡"


@pytest.mark.parametrize(
    ("title", "title_zh", "language", "shown", "lang"),
    [
        ("Cards", "社保卡", "zh-hans", "社保卡", None),
        ("Cards", "社保卡", "en", "Cards", None),
        ("Cards", "", "zh-hans", "Cards", "en"),  # named in English only
        ("社保查询", "社保查询", "en", "社保查询", "zh-Hans"),  # a Chinese name as its English title too
    ],
)
def test_a_topic_name_in_the_other_language_says_so(client, db, title, title_zh, language, shown, lang):
    topic = TopicFactory(title=title, title_zh=title_zh)
    answer = make_answer("社保卡丢了怎么办？" if language == "zh-hans" else "Lost?", topic=topic, language=language)
    pages = [f"/{language}/", f"/{language}/topics/{topic.slug}/", answer.get_absolute_url()]
    for page in pages:
        html = client.get(page).text
        tags = name_tags(html, shown)
        assert tags, page
        expected = f'lang="{lang}"' if lang else "lang="
        assert all((expected in tag) == bool(lang) for tag in tags), (page, tags)
    crumbs = re.search(r'"@type": "BreadcrumbList".*?</script>', client.get(pages[1]).text, re.S).group(0)
    assert f'"name": "{shown}"' in crumbs  # the name as text


def test_the_source_line_of_an_answer_shown_on_the_other_site_is_marked_as_its_language(client, db):
    answer = make_answer(
        "社保卡丢了怎么办？",
        language="zh-hans",
        source_site="招聘网",
        source_section="社保查询",
        source_title="社保卡丢了怎么办？",
    )
    html = client.get(f"/en/questions/{answer.slug}/").text
    [source] = re.findall(r'<p class="source">.*?</p>', html)
    assert '<span lang="zh-Hans">“社保卡丢了怎么办？”, 社保查询, 招聘网</span>' in source


def test_the_home_page_link_to_all_of_a_topic_marks_a_name_in_the_other_language(client, db):
    topic = TopicFactory(title="Cards <b>", title_zh="")
    for number in range(11):  # more than the home page lists of a topic
        make_answer(f"社保卡问题{number}？", topic=topic, language="zh-hans")
    html = client.get("/zh-hans/").text
    [link] = re.findall(rf'<p><a href="/zh-hans/topics/{topic.slug}/">(.*?)</a></p>', html)
    assert link == '“<span lang="en">Cards &lt;b&gt;</span>”的全部11个问题'  # escaped, and marked as English
