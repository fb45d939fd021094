import re

import pytest

from newscrawler.cleaning.text import clean_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("五大举措支撑保障聊城经济稳定发展", "五大举措支撑保障聊城经济稳定发展"),
        ("  \u3000标题\u3000 ", "标题"),
        ("\u3000\u3000央行\u3000降准", "央行 降准"),
        ("a\u00a0b&nbsp;c", "a b c"),
        ("零\u200b宽\u200c字\u200d符\ufeff", "零宽字符"),
        ("\ufeffBOM开头", "BOM开头"),
        ("&ldquo;稳增长&rdquo;", "“稳增长”"),
        ("&quot;ETF&quot; &amp; &#20013;&#x6587;", '"ETF" & 中文'),
        ("券商：利好！“双碳”，（完）", "券商：利好！“双碳”，（完）"),
        ("line\r\nbreak\ttab", "line break tab"),
        ("<b>加粗</b>标题", "加粗标题"),
        ("标<script>alert(1)</script>题<style>b{}</style>", "标题"),
        ("&lt;b&gt;字面&lt;/b&gt;", "<b>字面</b>"),
        ('引号"和\\反斜杠', '引号"和\\反斜杠'),
        ("#话题# {{ 行情 }} {% raw %}", "#话题# {{ 行情 }} {% raw %}"),
        ("控制\x00字\x07符\x1b", "控制字符"),
        ("分隔\u2028行\u2029段", "分隔 行 段"),
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("\u3000\u3000", ""),
        (12345, "12345"),
        ("&unknown; & alone", "&unknown; & alone"),
        # Entities hiding markup are decoded into text, never run as tags.
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
        ("&#60;img src=x onerror=alert(1)&#62;", "<img src=x onerror=alert(1)>"),
        ("[点我](javascript:alert(1)) *粗*", "[点我](javascript:alert(1)) *粗*"),
        # Lone surrogates (a JSON "\ud800") cannot be written as UTF-8.
        ("代理\ud800对", "代理\ufffd对"),
        ("\udfff尾", "\ufffd尾"),
        ("\ud83d\ude00", "\U0001f600"),
        # Noncharacters are not text (and U+FFFE/U+FFFF are not YAML).
        ("标题\ufffe中\uffff间", "标题中间"),
        ("&#xFFFE;字&#xffff;", "字"),
        ("\ufdd0甲\U0001fffe乙\U0010ffff", "甲乙"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_long_hostile_input_is_bounded_work():
    raw = "<" * 10000 + "&" * 10000 + "\u200b" * 10000
    assert clean_text(raw) == "<" * 10000 + "&" * 10000


# YAML 1.1's printable set, which every front-matter value must stay in.
_YAML_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


@pytest.mark.parametrize(
    "raw",
    ["\ud800", "a\udbff\udbffb", "\ufffe\uffff", "\x00\x1f\x7f\x85\x9f", "\u2028\u2029\ufeff", "&#xFFFF;&#55296;"],
)
def test_clean_text_is_always_utf8_and_yaml_printable(raw):
    cleaned = clean_text(raw)
    cleaned.encode("utf-8")
    assert _YAML_PRINTABLE.fullmatch(cleaned), ascii(cleaned)
