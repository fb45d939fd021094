import pytest
import yaml

from newscrawler.postformat import (
    escape_liquid,
    post_filename,
    render_category_page,
    render_post,
    yaml_quoted,
)
from tests.articles import article

HOSTILE_TITLES = [
    'ASCII "quotes" inside',
    "back\\slash \\n not a newline",
    "colon: and key: value",
    "# not a comment",
    "{{ page.title }} and {% raw %}",
    "--- three dashes ---",
    "'single' quotes",
    "券商：“双碳”概念股 #热点# 涨停",
    "- starts like a list",
    "ends with backslash \\",
    "@at `tick` |pipe >gt &amp *star !bang %pct",
    "tab\there",
    "null",
    "true",
    "123",
    "",
]


def front_matter(post: str) -> dict:
    assert post.startswith("---\n")
    head, _, _ = post[4:].partition("\n---\n")
    return yaml.safe_load(head)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_title_parses_back_exactly(title):
    post = render_post(article(title=title), "finews.withounder.com")
    assert front_matter(post)["title"] == title


@pytest.mark.parametrize("text", HOSTILE_TITLES + ["\x00\x07\x7f\u0085\u2028\u2029\ufeff"])
def test_yaml_quoted_round_trips(text):
    assert yaml.safe_load(f"title: {yaml_quoted(text)}")["title"] == text


def test_seed_shaped_post():
    post = render_post(article(body_html="<p>一</p>\n<p>二</p>"), "finews.withounder.com")
    assert post == (
        "---\n"
        "layout: post\n"
        'title: "五大举措支撑保障聊城经济稳定发展"\n'
        "date: 2022-01-18 09:52:28 +0800\n"
        "categories: dazhongribao\n"
        "tags: 大众日报新闻\n"
        "---\n"
        "<p>一</p>\n<p>二</p>\n"
        "\n"
        "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201182251444627>\n"
        "\n"
        "[返回大众日报新闻](//finews.withounder.com/category/dazhongribao.html)｜[返回首页](//finews.withounder.com/)\n"
    )


def test_date_is_beijing_time_whatever_the_offset_given():
    post = render_post(article(published_at="2022-01-18T01:52:28+00:00"), "s")
    assert "date: 2022-01-18 09:52:28 +0800\n" in post
    assert post_filename(article(published_at="2022-01-17T20:00:00+00:00")) == "2022-01-18-NW202201182251444627.md"


def test_liquid_in_body_is_escaped_and_nothing_else_changes():
    post = render_post(article(body_html="<p>{{ site.x }} {% include a %} {plain} }}</p>"), "s")
    assert "{{" not in post and "{%" not in post
    assert "<p>&#123;{ site.x }} &#123;% include a %} {plain} }}</p>" in post


@pytest.mark.parametrize("text", ["{{", "{%", "{{{", "{{%", "a{{b}}c{%d%}"])
def test_escape_liquid_leaves_no_opener(text):
    out = escape_liquid(text)
    assert "{{" not in out and "{%" not in out
    assert out.replace("&#123;", "{") == text


def test_hostile_media_name_stays_in_its_place():
    post = render_post(article(media="坏[名]: #{{x}}", category="huaiming"), "s")
    meta = front_matter(post)
    assert meta["tags"] == "坏[名]: #{{x}}新闻"
    assert "[返回坏\\[名\\]: #&#123;{x}}新闻](//s/category/huaiming.html)" in post


def test_category_page():
    page = render_category_page("大众日报", "dazhongribao")
    assert page == "---\nlayout: category\ntitle: 大众日报新闻\ncategory: dazhongribao\n---\n"
    assert front_matter(page) == {"layout": "category", "title": "大众日报新闻", "category": "dazhongribao"}
