import html
import re

import pytest
import yaml

from newscrawler.postformat import (
    escape_liquid,
    markdown_text,
    post_filename,
    render_category_page,
    render_post,
    safe_http_url,
    yaml_quoted,
    yaml_scalar,
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
    assert meta["tags"] == ["坏[名]: #{{x}}新闻"], "a tag with a space is a one-item list (Jekyll splits strings)"
    assert "[返回坏&#91;名&#93;: #&#123;&#123;x&#125;&#125;新闻](//s/category/huaiming.html)" in post


def test_category_page():
    page = render_category_page("大众日报", "dazhongribao")
    assert page == "---\nlayout: category\ntitle: 大众日报新闻\ncategory: dazhongribao\n---\n"
    assert front_matter(page) == {"layout": "category", "title": "大众日报新闻", "category": "dazhongribao"}


# YAML 1.1 (Jekyll's Psych) reads these plain scalars as booleans, nulls,
# numbers or dates; PyYAML reads most of them so too.
YAML_LOOKALIKES = [
    "yes", "Yes", "YES", "yEs", "no", "NO", "on", "On", "off", "OFF", "true", "True", "false", "FALSE",
    "y", "n", "Y", "N", "null", "Null", "NULL", "~", "360", "0", "007", "0x1a", "0X1A", "0o17", "0b11",
    "1_000", "1,000", "1.5", "1e5", "1e3.0", ".5", ".inf", "-.INF", ".nan", "12:30", "12:30:00",
    "2024-01-01", "2024-01-01 12:00:00", "+1", "-1", "", " lead", "trail ", "<<", "=", "!tag", "&anchor",
    "*alias", "@at", "`tick", "%pct", "?q", "-", "- x", ": x", "a: b", "a #b", "[x]", "{x}", "'q'", '"q"',
]


@pytest.mark.parametrize("slug", YAML_LOOKALIKES)
def test_category_in_front_matter_parses_back_as_the_same_string(slug):
    assert front_matter(render_post(article(category=slug), "s"))["categories"] == slug
    assert front_matter(render_category_page("m", slug))["category"] == slug


@pytest.mark.parametrize("text", YAML_LOOKALIKES + ["大众日报新闻", "dazhongribao"])
def test_yaml_scalar_round_trips(text):
    assert yaml.safe_load(f"v: {yaml_scalar(text)}")["v"] == text


@pytest.mark.parametrize(
    "text", ["dazhongribao", "大众日报新闻", "emnews", "Reuterslutou", "a1", "21shijijingjibaodao", "_x", "yesno", "0x1g"])
def test_yaml_scalar_leaves_plain_words_plain(text):
    assert yaml_scalar(text) == text


# YAML's printable set: anything else must be escaped in a double-quoted scalar.
_YAML_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


@pytest.mark.parametrize("text", ["标题\ufffe中\uffff间", "\x00\x1b\x7f\x9f", "\ufeff", "\U0001f600\ufffd"])
def test_yaml_quoted_escapes_everything_outside_yaml_printable(text):
    quoted = yaml_quoted(text)
    assert _YAML_PRINTABLE.fullmatch(quoted), ascii(quoted)
    assert yaml.safe_load(f"v: {quoted}")["v"] == text


@pytest.mark.parametrize("text", ["代理\ud800对", "\udfff", "a\udbff\udbffb"])
def test_yaml_quoted_writes_a_lone_surrogate_as_a_replacement_character(text):
    # No YAML parser (nor UTF-8) takes a lone surrogate, escaped or not.
    quoted = yaml_quoted(text)
    quoted.encode("utf-8")
    assert yaml.safe_load(f"v: {quoted}")["v"] == re.sub("[\ud800-\udfff]", "\ufffd", text)


HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt; stays &amp;lt; text",
    "坏](javascript:alert(1)) [点我](javascript:alert(2))",
    "![x](javascript:alert(3)) <javascript:alert(4)> <http://evil.example/>",
    "*粗* **粗** _斜_ `码` ~~删~~ $$x$$ \\* \\",
    '{: onclick="alert(5)"} {::nomarkdown}<b>x</b>{:/} {{ site.title }} {% raw %}',
    "| 表 | 格 |",
    "\"双引号\" 'single' -- --- ... << >>",
    "# 标题",
    "- 列表",
    "+ 列表",
    "1. 列表",
    "2) 列表",
    "> 引用",
    ": 定义",
    "[^1] [ref]: http://evil.example/",
    "*[HTML]: Hyper",
    "R&D 3245.67点 0.85% 互联网+制造",
]


def _text_of_markdown(line: str) -> str:
    """What a browser shows for `line` if kramdown reads no syntax in it: the
    character references decoded."""
    return html.unescape(line)


@pytest.mark.parametrize("media", HOSTILE_TEXTS)
def test_media_in_back_link_is_text(media):
    post = render_post(article(media=media, category="m"), "s")
    back = post.splitlines()[-1]
    link_text, _, rest = back[1:].partition("](//s/category/m.html)")
    assert rest == "｜[返回首页](//s/)"
    assert _text_of_markdown(link_text) == f"返回{media}新闻"
    assert not re.search(r"[<>\[\]`*_{|~$\"'\\]|--|\.\.\.", link_text), link_text


@pytest.mark.parametrize("digest", HOSTILE_TEXTS)
def test_rolling_digest_is_text(digest):
    post = render_post(article(rolling_id="123", digest=digest, category="emnews"), "s")
    quote = next(line for line in post.splitlines() if line.startswith("> "))
    text = quote[2:]
    assert _text_of_markdown(text) == digest
    assert not re.search(r"[<>\[\]`*_{|~$\"'\\]|--|\.\.\.", text), text
    assert not re.match(r"(?!&#\d+;)[!-/:-@\[-`{-~]|\d+[.)]", text), text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://a.example/x\n<script>alert(1)</script>",
        'http://a.example/x"><img src=x onerror=alert(1)>',
        "http://a.example/a b\tc",
        "//evil.example/x",
        "",
    ],
)
def test_share_link_is_a_plain_http_url(url):
    post = render_post(article(rolling_id="123", digest="d", category="emnews", share_url=url), "s")
    link = post.splitlines()[-3]
    assert link.startswith("<") and link.endswith(">")
    target = link[1:-1]
    assert re.fullmatch(r"https?://[^\s<>\"'`\\{}|^]+", target), target
    assert "<script" not in post and "<img" not in post


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大众日报", "大众日报"),
        ("", ""),
        ("R&D 3245.67点 0.85% 互联网+制造", "R&D 3245.67点 0.85% 互联网+制造"),
        ("<script>", "&#60;script&#62;"),
        ("&lt;i&gt;", "&#38;lt;i&#38;gt;"),
        ("[a](javascript:x)", "&#91;a&#93;(javascript:x)"),
        ("*a* _b_ `c`", "&#42;a&#42; &#95;b&#95; &#96;c&#96;"),
        ("{{ x }} {% y %}", "&#123;&#123; x &#125;&#125; &#123;% y %&#125;"),
        ("a -- b --- c ... d - e. f", "a &#45;&#45; b &#45;&#45;&#45; c &#46;&#46;&#46; d - e. f"),
        ("# h", "&#35; h"),
        ("12. list", "12&#46; list"),
        ("360", "360"),
        ("2024-05-06 消息", "2024-05-06 消息"),
        ("a\nb\t c", "a b c"),
    ],
)
def test_markdown_text(text, expected):
    assert markdown_text(text) == expected
    assert html.unescape(markdown_text(text)) == " ".join(text.split())


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://finance.eastmoney.com/a/202201182251444627.html", "http://finance.eastmoney.com/a/202201182251444627.html"),
        ("https://a.example/x?y=1&z=%E4%B8%AD#f", "https://a.example/x?y=1&z=%E4%B8%AD#f"),
        ("  HTTP://a.example/x \n", "http://a.example/x"),
        ("http://a.example/路径", "http://a.example/%E8%B7%AF%E5%BE%84"),
        ("http://a.example/x\n<script>alert(1)</script>", "http://a.example/x%0A%3Cscript%3Ealert(1)%3C/script%3E"),
        ('http://a.example/"\'` {}|\\^', "http://a.example/%22%27%60%20%7B%7D%7C%5C%5E"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,x", None),
        ("ftp://a.example/x", None),
        ("//a.example/x", None),
        ("http:///x", None),
        ("http:alert(1)", None),
        ("http://[::1/x", None),
        ("http://a.example:99999/", None),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
        ("", None),
    ],
)
def test_safe_http_url(url, expected):
    assert safe_http_url(url) == expected


def test_an_unsafe_share_url_falls_back_to_the_share_page_on_the_source():
    post = render_post(article(rolling_id="1", digest="d", category="emnews", share_url="javascript:alert(1)"), "s")
    assert "\n<http://127.0.0.1:8000/html_News/NewsShare.html?infoCode=NW202201182251444627>\n" in post


@pytest.mark.parametrize("digest", [None, "", " \u3000 "])
def test_no_digest_no_quote(digest):
    post = render_post(article(rolling_id="1", digest=digest, category="emnews"), "s")
    assert "\n>" not in post and post.split("---\n", 2)[2].startswith("<p>正文</p>\n")


@pytest.mark.parametrize("media, tags", [
    ("大众日报", "大众日报新闻"),
    ("Caixin Global", ["Caixin Global新闻"]),
    ("财新\u3000周刊", ["财新\u3000周刊新闻"]),
])
def test_a_tag_with_a_space_stays_one_tag(media, tags):
    front = yaml.safe_load(render_post(article(media=media), "example.org").split("---\n")[1])
    assert front["tags"] == tags
