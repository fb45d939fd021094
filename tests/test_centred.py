"""Images and captions the source centres keep their centring, as the class
`center` the site's stylesheet centres; no style from the source passes."""

import pytest

from newscrawler.cleaning.html import body_text, clean_body_html

IMG = '<img src="https://img.example/a.jpg" alt="图">'


@pytest.mark.parametrize("raw, expected", [
    # <center> around an image and its caption
    (f"<center>{IMG}</center>", f'<p class="center">{IMG}</p>'),
    (f"<center>{IMG}<br>图为聊城港口</center><p>正文</p>",
     f'<p class="center">{IMG}<br>图为聊城港口</p>\n<p>正文</p>'),
    (f"<center><p>{IMG}</p><p>图为聊城港口</p></center>",
     f'<p class="center">{IMG}</p>\n<p class="center">图为聊城港口</p>'),
    (f"<center><p>说明</p>后文{IMG} 尾</center>",
     f'<p class="center">说明</p>\n<p class="center">后文{IMG} 尾</p>'),
    # text-align: center in a block's style, any case and spacing; align="center"
    (f'<p style="text-align:center">{IMG}</p>', f'<p class="center">{IMG}</p>'),
    ('<p style="TEXT-ALIGN : Center ; color:red">图注</p>', '<p class="center">图注</p>'),
    ('<p style="color:red;text-align:center!important">图注</p>', '<p class="center">图注</p>'),
    ('<p align="center">图注</p>', '<p class="center">图注</p>'),
    ('<h3 style="text-align: center">小标题</h3>', '<h3 class="center">小标题</h3>'),
    (f'<div style="text-align: center;"><div>{IMG}</div><p>图注</p></div>',
     f'<p class="center">{IMG}</p>\n<p class="center">图注</p>'),
    ('<p class="em_media" style="text-align:center">（文章来源：大众日报）</p>',
     '<p class="em_media center">（文章来源：大众日报）</p>'),
    # what is not centring stays plain
    ('<p style="text-align:left">左</p>', "<p>左</p>"),
    ('<p style="text-align:centered">不是</p>', "<p>不是</p>"),
    ('<p><span style="text-align:center">行内</span></p>', "<p>行内</p>"),
    ('<td align="center">格</td>', "<p>格</p>"),
    # text around a centred block keeps its place
    ("前<center>中</center>后", '<p>前</p>\n<p class="center">中</p>\n<p>后</p>'),
])
def test_centring_becomes_the_center_class(raw, expected):
    assert clean_body_html(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ('<center onclick="alert(1)" style="background:url(javascript:alert(2))"><script>alert(3)</script>'
     '<img src="x.jpg" onerror="alert(4)" style="width:9999px"></center>', '<p class="center"><img src="x.jpg"></p>'),
    ('<p style="text-align:center;position:fixed;top:0" class="overlay">盖住</p>', '<p class="center">盖住</p>'),
    ('<div align="center"><style>body{display:none}</style><iframe src="http://evil.example/"></iframe>字</div>',
     '<p class="center">字</p>'),
    ('<center><a href="javascript:alert(1)">点</a><svg onload="alert(1)"></svg></center>', '<p class="center">点</p>'),
])
def test_centred_content_passes_the_sanitizer_like_any_other(raw, expected):
    cleaned = clean_body_html(raw)
    assert cleaned == expected
    assert "style" not in cleaned and "on" not in cleaned.replace("center", "")


def test_text_of_a_centred_body_is_unchanged():
    assert body_text(f"<center>{IMG}<br>图为聊城港口</center><p>正文</p>") == "图为聊城港口\n正文"


def test_a_source_class_other_than_center_still_goes():
    assert clean_body_html('<p class="center big" style="font-size:40px">字</p>') == '<p class="center">字</p>'
