import pytest

from newscrawler.cleaning.html import clean_body_html, html_to_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        # control characters, raw or as entities (XML, hence the Atom feed, forbids them)
        ("<p>a\x01b\x08c\x7fd\x9fe\x1b</p>", "<p>abcde</p>"),
        ("<p>a&#1;b&#x8;c&#127;d&#27;e</p>", "<p>abcde</p>"),
        # indents, NBSP, zero-width characters, BOM, \r\n
        ("<p>\u3000\u3000正文</p>", "<p>正文</p>"),
        ("<p>&nbsp;&nbsp;正文&nbsp;</p>", "<p>正文</p>"),
        ("<p>&#12288;&#12288;正文</p>", "<p>正文</p>"),
        ("<p>正\u200b文\ufeff</p>", "<p>正文</p>"),
        ("<p>一</p>\r\n<p>二</p>\r\n", "<p>一</p>\n<p>二</p>"),
        ("<p>中间 \u00a0 空格</p>", "<p>中间 空格</p>"),
        # empty paragraphs are dropped
        ("<p>一</p><p></p><p>&nbsp;</p><p>\u3000\u3000</p><p><br></p><p>二</p>", "<p>一</p>\n<p>二</p>"),
        # span/font wrappers unwrapped, inline style and handlers gone
        ('<p style="text-indent:2em" onclick="track()"><span style="color:red">红<font color="#333">字</font></span></p>',
         "<p>红字</p>"),
        # script, style and comments vanish with their content
        ("<script>alert(1)</script><p>正文</p><style>p{color:red}</style><!-- 广告 -->", "<p>正文</p>"),
        ("<p>前<script>document.write('x')</script>后</p>", "<p>前后</p>"),
        # runs of <br>
        ("<p>一<br><br><br>二<br><br></p>", "<p>一<br>二</p>"),
        ("松散文字<br><br>第二段", "<p>松散文字</p>\n<p>第二段</p>"),
        # entities decoded, HTML specials kept escaped
        ("<p>&ldquo;稳增长&rdquo; R&amp;D &lt;tag&gt;</p>", "<p>“稳增长” R&amp;D &lt;tag&gt;</p>"),
        # the media paragraph keeps its class, other classes go
        ('<p class="em_media" id="m">（文章来源：大众日报）</p>', '<p class="em_media">（文章来源：大众日报）</p>'),
        ('<p class="para">正文</p>', "<p>正文</p>"),
        # ordinary formatting stays
        ("<p><strong>粗</strong><b>体</b><em>斜</em></p>", "<p><strong>粗</strong><b>体</b><em>斜</em></p>"),
        ('<p><a href="http://example.com/a?b=1&amp;c=2" target="_blank">链接</a></p>',
         '<p><a href="http://example.com/a?b=1&amp;c=2">链接</a></p>'),
        ('<p><img src="https://example.com/a.png" alt="图" onerror="x()"></p>',
         '<p><img src="https://example.com/a.png" alt="图"></p>'),
        ("<ul>\n<li>一</li>\n<li>二</li>\n</ul>", "<ul><li>一</li><li>二</li></ul>"),
        ("<table><tr><td>1</td></tr></table>", "<table><tbody><tr><td>1</td></tr></tbody></table>"),
        # dangerous things never survive
        ('<p><a href="javascript:alert(1)">点我</a></p>', "<p>点我</p>"),
        ('<p><a href=" JaVaScRiPt:alert(1)">点我</a></p>', "<p>点我</p>"),
        ('<iframe src="http://evil.example/"></iframe><p>正文</p>', "<p>正文</p>"),
        ('<p onmouseover="steal()">正文</p><svg onload="x()"><circle/></svg>', "<p>正文</p>"),
        ('<p><img src="data:image/png;base64,AAAA">图</p>', "<p>图</p>"),
        # wrappers around the whole body
        ('<div class="Body"><div><p>一</p></div><p>二</p></div>', "<p>一</p>\n<p>二</p>"),
        # empty and hostile input
        ("", ""),
        (None, ""),
        ("   \r\n ", ""),
        ("<p></p><br><br>", ""),
        ("<script>only()</script>", ""),
        ("<p>未闭合<b>标签", "<p>未闭合<b>标签</b></p>"),
        ("</p></div>孤儿结束标签", "<p>孤儿结束标签</p>"),
    ],
)
def test_clean_body_html(raw, expected):
    assert clean_body_html(raw) == expected


def test_one_block_per_line():
    cleaned = clean_body_html("<p>一</p>\n\n   <p>二</p><h3>小标题</h3><blockquote>引</blockquote>")
    assert cleaned.splitlines() == ["<p>一</p>", "<p>二</p>", "<h3>小标题</h3>", "<blockquote>引</blockquote>"]


def test_deep_nesting_does_not_crash():
    raw = "<span>" * 2000 + "深" + "</span>" * 2000
    assert clean_body_html(raw) == "<p>深</p>"


@pytest.mark.parametrize(
    "cleaned, expected",
    [
        ("<p>一</p>\n<p>二 <b>粗</b></p>", "一\n二 粗"),
        ("<p>一<br>二</p>", "一\n二"),
        ("<ul><li>甲</li><li>乙</li></ul>", "甲\n乙"),
        ("<p>R&amp;D &lt;x&gt;</p>", "R&D <x>"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(cleaned, expected):
    assert html_to_text(cleaned) == expected


def _bodies():
    from newscrawler.replica import Corpus
    from newscrawler.replica.hostile import hostile_corpus

    records = [*Corpus.generate(size=400, seed=3, sentences=(3, 40)).records.values(),
               *hostile_corpus().records.values()]
    extra = ['<p class="em_media">(文章来源：x &amp; y)</p>', "<h3>A &lt; B &gt; C</h3>", "<p>\u2028分\u2029行</p>",
             '<blockquote class="quote">引</blockquote>', "<p>一<br>二</p>", "<hr>", "<table></table>", "纯文本"]
    return [r.text for r in records if isinstance(r.text, str)] + extra


def test_text_block_fast_path_lays_out_as_lxml_does():
    """`layout_text_block` skips lxml's serializer for plain text blocks: for
    every block of the replica's messy and hostile bodies it takes, its
    answer is the general path's."""
    import copy

    import lxml.html

    from newscrawler.cleaning import html as cleaner

    taken = 0
    for body in _bodies():
        root = cleaner.sanitized_tree(body)
        for block in cleaner.blocks(root) if root is not None else ():
            fast = cleaner.layout_text_block(copy.deepcopy(block))
            if fast is not None:
                taken += 1
                assert fast == cleaner.layout_block(copy.deepcopy(block)), lxml.html.tostring(block)
    assert taken > 1000
