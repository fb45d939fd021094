"""A corpus of hostile input: every record is an attack or a breakage that
must end as a clean post or a clear drop (``expect``), never as a file
outside the output folder, a script on the site, or a broken build."""

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from newscrawler.replica.corpus import BEIJING, Category, Corpus, Record

POST = "post"

BIG_PAGE_BYTES = 50 * 1024 * 1024
LIQUID_TEXT = "{{ site.title }} {% if true %}注入{% endif %} {% raw %}{{ x }}{% endraw %}"
DANGEROUS_BODY = (
    "<p>正文第一段</p>"
    "<script>alert('x')</script><style>body{display:none}</style>"
    '<p><img src="http://img.example/a.png" onerror="alert(1)">图片</p>'
    '<p><a href="javascript:alert(1)">脚本链接</a> <a href="JaVaScRiPt:alert(2)">大小写</a></p>'
    '<iframe src="http://evil.example/"></iframe>'
    '<p onclick="steal()" onmouseover="steal()">事件处理</p>'
    '<svg onload="alert(3)"><circle r="1"/></svg><object data="x.swf"></object>'
    f"<p>{html.escape(LIQUID_TEXT, quote=False)}</p>"
    "<p>{% endraw %}{{ page.title }}</p>"
)


@dataclass
class Case:
    name: str
    expect: str
    info_code: str = ""
    title: str = "正常标题"
    text: str = "<p>正常正文</p>"
    showtime: object = "2024-05-06 07:08:09"
    listing_time: str = "2024-05-06 07:08"
    listing_title: str | None = None
    media: str = "恶意样本报"
    omit: tuple[str, ...] = ()
    raw_answer: bytes | None = None


def _raw(info_code: str, **fields: str) -> bytes:
    """A text endpoint answer whose `fields` are raw JSON text, for what
    json.dumps does not write: NaN, lone surrogates, 10,000 levels."""
    answer = {"code": "0", "infoCode": json.dumps(info_code), "title": '"正常标题"',
              "showtime": '"2024-05-06 07:08:09"', "medianame": '"恶意样本报"', "text": '"<p>正常正文</p>"'}
    answer.update(fields)
    return ("{" + ", ".join(f'"{k}": {v}' for k, v in answer.items()) + "}").encode("utf-8")


def _cases() -> list[Case]:
    return [
        Case("ascii quotes", POST, title='他说"涨停"了'),
        Case("backslashes", POST, title="路径\\反斜杠\\n不是换行\\"),
        Case("colon", POST, title="A股: 冲高回落 key: value"),
        Case("hash", POST, title="# 不是注释 #热点#"),
        Case("dashes", POST, title="--- 分隔线 ---"),
        Case("newlines", POST, title="第一行\n第二行\r\n第三行"),
        Case("liquid title", POST, title="{{ site.title }} 与 {% include x.html %}"),
        Case("html title", POST, title="<b>加粗</b><script>alert(1)</script>&lt;i&gt;字面&lt;/i&gt;"),
        Case("dangerous body", POST, text=DANGEROUS_BODY),
        Case("path traversal code", "bad_info_code", info_code="../../etc/passwd"),
        Case("empty code", "bad_info_code", info_code=""),
        Case("long code", "bad_info_code", info_code="A" * 500),
        Case("code with newline", "bad_info_code", info_code="NW1\n../x"),
        Case("no text field", "no_body", omit=("text",)),
        Case("no title anywhere", "no_title", title="&nbsp;\u3000", listing_title=""),
        Case("title only in listing", POST, omit=("title",), listing_title="列表里的标题"),
        Case("no media or time in article", POST, omit=("medianame", "showtime")),
        Case("no time anywhere", "no_time", showtime="待定", listing_time="未知"),
        Case("big page", "too_large", text="<p>" + "大" * (BIG_PAGE_BYTES // 3) + "</p>"),
        Case("invalid utf-8", POST, raw_answer=b""),  # filled below
        # Markup hidden in entities, and Markdown, in the media name: it ends
        # in the tags, the back link and the category page.
        Case("script in media", POST, media="&lt;script&gt;alert(1)&lt;/script&gt;"),
        Case("img handler in media", POST, media="&#60;img src=x onerror=alert(1)&#62;"),
        Case("markdown in media", POST, media='坏](javascript:alert(1)) *粗* `码` {: onclick="alert(2)"} | 表 |'),
        Case("img handler in title", POST, title="&#60;img src=x onerror=alert(1)&#62;标题"),
        # Media whose slug YAML 1.1 reads as a boolean, null or number.
        Case("media yes", POST, media="yes"),
        Case("media null", POST, media="null"),
        Case("media 360", POST, media="360"),
        Case("media hex", POST, media="0x1A"),
        Case("media On", POST, media="On"),
        Case("noncharacters in title", POST, title="标题\ufffe中\uffff间"),
        Case("300-character media", POST, media="超长的媒体名" * 50),
        Case("NaN showtime", POST, info_code="NWHOSTILENAN", raw_answer=_raw("NWHOSTILENAN", showtime="NaN")),
        Case("Infinity showtime", POST, info_code="NWHOSTILEINF", raw_answer=_raw("NWHOSTILEINF", showtime="Infinity")),
        Case("-Infinity showtime, no listing time", "no_time", info_code="NWHOSTILENINF", listing_time="未知",
             raw_answer=_raw("NWHOSTILENINF", showtime="-Infinity")),
        Case("text 10,000 deep", "too_deep", info_code="NWHOSTILEDEEP",
             raw_answer=_raw("NWHOSTILEDEEP", text="[" * 10_000 + "]" * 10_000)),
        Case("lone surrogate in title", POST, info_code="NWHOSTILESURT",
             raw_answer=_raw("NWHOSTILESURT", title=r'"半个\ud800代理"')),
        Case("lone surrogate in body", POST, info_code="NWHOSTILESURB",
             raw_answer=_raw("NWHOSTILESURB", text=r'"<p>正文\udfff结束</p>"')),
        Case("year 0001", POST, showtime="0001-01-01 00:00:00"),
        Case("year 0001 in another zone", POST, showtime="0001-01-01T00:00:00+09:00"),
        Case("year 9999", POST, showtime="9999-12-31 23:59:59"),
        Case("year 9999 in article and listing", "no_time", showtime="9999-12-31 23:59:59",
             listing_time="9999-12-31 23:59"),
        Case("code as a string", POST, info_code="NWHOSTILECODE0", raw_answer=_raw("NWHOSTILECODE0", code='"0"')),
        Case("unknown code", "unknown_code", info_code="NWHOSTILECODE1", raw_answer=_raw("NWHOSTILECODE1", code="1")),
        Case("answer not an object", "not_an_object", info_code="NWHOSTILEARRAY", raw_answer=b"[1, 2]"),
        Case("title of the wrong type", "bad_field", info_code="NWHOSTILETYPE",
             raw_answer=_raw("NWHOSTILETYPE", title='["标题"]')),
        Case("answer of another article", "code_mismatch", info_code="NWHOSTILEASKED",
             raw_answer=_raw("NWHOSTILEASKED", infoCode='"NWHOSTILEOTHER"')),
        Case("JSON broken mid-body", "bad_json", info_code="NWHOSTILEJSON",
             raw_answer=_raw("NWHOSTILEJSON", title='"标题" "多余"')),
    ]


def hostile_corpus(anchor: datetime | None = None) -> Corpus:
    """Two categories: ``hostile`` (UTF-8) with the cases, and ``mislabelled``,
    whose listing is GBK but says UTF-8, with ordinary articles."""
    anchor = (anchor or datetime.now(BEIJING)).astimezone(BEIJING).replace(microsecond=0)
    hostile = Category("hostile", "恶意样本报", "utf-8")
    for i, case in enumerate(_cases()):
        code = case.info_code if case.info_code or case.expect == "bad_info_code" else f"NWHOSTILE{i:03d}"
        record = Record(
            info_code=code, title=case.title,
            listing_title=html.escape(case.title if case.listing_title is None else case.listing_title),
            showtime=case.showtime, listing_time=case.listing_time, media=case.media, text=case.text,
            published=anchor - timedelta(minutes=10 + i), cids=[hostile.cid],
            defect=None if case.expect == POST else case.expect, omit=case.omit,
        )
        record.clean_title = case.name  # what the case is, for test reports
        if case.raw_answer:
            record.raw_answer = case.raw_answer
        elif case.raw_answer is not None:
            answer = json.dumps(record.answer(), ensure_ascii=False).encode("utf-8")
            record.raw_answer = answer.replace("正常标题".encode("utf-8"), "坏字节".encode("utf-8") + b"\xff\xfe")
        hostile.records.append(record)
    mislabelled = Category("mislabelled", "错标编码报", "gbk-mislabelled")
    for i in range(3):
        mislabelled.records.append(Record(
            info_code=f"NWMISLABEL{i:03d}", title=f"编码错标的第{i + 1}篇", listing_title=f"编码错标的第{i + 1}篇",
            showtime=f"{anchor - timedelta(hours=i + 1):%Y-%m-%d %H:%M:%S}", listing_time=None,
            media="错标编码报", text="<p>正文照常</p>", published=anchor - timedelta(hours=i + 1),
            cids=[mislabelled.cid],
        ))
    return Corpus([hostile, mislabelled])


def expected_outcome(record: Record) -> str:
    """``post``, a drop reason, or ``failed``."""
    return record.defect or POST
