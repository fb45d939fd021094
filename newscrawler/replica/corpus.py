"""The replica's articles: generated from a seed, messy on purpose.

Each record keeps the clean form it was made from (``clean_title``,
``clean_paragraphs``) beside the messy form it is served in, so that tests
can check what the crawler makes of it against what it should be.
"""

import html
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from newscrawler.replica import vocab

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 20

# Why a record cannot make a post: what a crawler should drop it for.
NO_TITLE, NO_TIME, BAD_INFO_CODE, NOT_FOUND = "no_title", "no_time", "bad_info_code", "not_found"
DEFECT_AT = {7: NO_TITLE, 13: NO_TIME, 19: BAD_INFO_CODE, 23: NOT_FOUND}
# Every this many records, one is also listed in a second category.
SECOND_CATEGORY_EVERY = 17


@dataclass
class Record:
    info_code: str
    title: str
    """As served by the text endpoint: spaces, entities and all."""
    listing_title: str
    showtime: object
    """As served: a string in one of many shapes, epoch ms, or ""."""
    listing_time: str | None
    """A fixed listing time, or None: rendered from `published` when served."""
    media: str
    text: str
    """Body HTML as served, messy."""
    published: datetime
    cids: list[str]
    clean_title: str = ""
    clean_paragraphs: list[str] = field(default_factory=list)
    """Expected cleaned body: the HTML of each block, in order."""
    exact_time: datetime | None = None
    """What the article's own time means, or None when it has none."""
    defect: str | None = None
    raw_answer: bytes | None = None
    """Bytes to serve instead of the JSON of `answer()` (broken encodings)."""
    omit: tuple[str, ...] = ()
    """Fields the text endpoint leaves out of its answer."""
    live: bool = False
    """Added in live mode, after the corpus was made."""
    rolling_id: str | None = None
    """The rolling feed's ``id`` of this record; None: derived from the infoCode."""
    digest: str | None = None
    """The rolling feed's ``digest``; None: the title in 【】 and the first paragraph."""
    url_w: str | None = None
    """The rolling feed's ``url_w``; None: an article URL made of the infoCode's digits."""

    def answer(self) -> dict:
        full = {"code": 0, "infoCode": self.info_code, "title": self.title,
                "showtime": self.showtime, "medianame": self.media, "text": self.text}
        return {k: v for k, v in full.items() if k not in self.omit}


@dataclass
class Category:
    cid: str
    name: str
    encoding: str
    records: list[Record] = field(default_factory=list)
    pager: str = "normal"
    """How the listing ends: ``normal`` (the last page has no next link),
    ``endless`` (every page links a next one, listing codes never seen
    before past the records), ``stuck`` (pages past the last repeat it,
    with a next link)."""
    next_href: str | None = None
    """A next link to put on every page instead of the real one."""


def _unlisted_record(category: Category, page: int, n: int) -> Record:
    """An entry of an endless listing past its real records: a code the
    text endpoint does not know."""
    published = datetime(2020, 1, 1, tzinfo=BEIJING) - timedelta(minutes=page * PAGE_SIZE + n)
    return Record(info_code=f"NWENDLESS{category.cid}{page:06d}{n:02d}", title="", listing_title="无尽列表",
                  showtime="", listing_time=f"{published:%Y-%m-%d %H:%M}", media=category.name, text="",
                  published=published, cids=[category.cid], defect=NOT_FOUND)


class _Mess:
    """Makes clean text messy, the ways real pages are."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def text(self, clean: str) -> str:
        if self.chance(0.2) and len(clean) > 4:
            cut = self.rng.randrange(1, 4)
            clean = clean[:cut] + "\u200b" + clean[cut:]
        out = html.escape(clean, quote=False)
        if self.chance(0.5):
            out = out.replace("“", "&ldquo;").replace("”", "&rdquo;")
        return out

    def paragraph(self, clean_inline: str) -> str:
        indent = self.rng.choice(["\u3000\u3000", "&nbsp;&nbsp;", "&#12288;&#12288;", "", " \u3000\u3000"])
        body = indent + clean_inline
        if self.chance(0.3):
            body = f'<span style="font-size:14px">{body}</span>'
        elif self.chance(0.15):
            body = f'<font color="#333333">{body}</font>'
        attrs = self.rng.choice(["", ' style="text-indent:2em"', ' onclick="track(this)"', ' class="para"'])
        return f"<p{attrs}>{body}</p>"

    def filler(self) -> str:
        return self.rng.choice([
            "\r\n", "\n ", "<p></p>", "<p>&nbsp;</p>", "<br><br>", "<!-- ad slot -->",
            "<script>var _hmt = _hmt || [];</script>", "<style>.em_media{color:#999}</style>",
            "<p>\u3000\u3000</p>", "<p><br></p>",
        ])


def _inline(rng: random.Random, mess: _Mess, sentences: list[str]) -> tuple[str, str]:
    """One paragraph as (clean inline HTML, messy inline HTML)."""
    clean_parts, messy_parts = [], []
    for sentence in sentences:
        if rng.random() < 0.12:
            clean_parts.append(f"<strong>{html.escape(sentence, quote=False)}</strong>")
            messy_parts.append(f'<strong style="color:red">{mess.text(sentence)}</strong>')
        else:
            clean_parts.append(html.escape(sentence, quote=False))
            messy_parts.append(mess.text(sentence))
    return "".join(clean_parts), "".join(messy_parts)


def _title(rng: random.Random) -> str:
    shape = rng.randrange(8)
    place, subject = rng.choice(vocab.PLACES), rng.choice(vocab.SUBJECTS)
    action, obj = rng.choice(vocab.ACTIONS), rng.choice(vocab.OBJECTS)
    return [
        f"{action}{place}{obj}",
        f"{subject}：{action}{obj}",
        f"{place}“{rng.choice(vocab.QUOTES)}”{obj}",
        f'{subject}"{rng.choice(vocab.ENGLISH)}"新规落地 {obj}',
        f"#{subject}# {place}{action}{obj}",
        f"{subject}: {obj}迎来新机遇",
        f"{place}{obj} {{{{行情}}}}速递",
        f"{place}{subject}{action}{obj}",
    ][shape]


def _messy_title(rng: random.Random, clean: str) -> str:
    messy = clean
    if rng.random() < 0.4:
        messy = messy.replace("“", "&ldquo;").replace("”", "&rdquo;").replace('"', "&quot;")
    return rng.choice(["", " ", "\u3000", "  \u3000"]) + messy + rng.choice(["", " ", "\u3000", "\n"])


def _showtime(rng: random.Random, published: datetime) -> tuple[object, datetime | None]:
    """The article's own time in a random shape, and what it means."""
    minute = published.replace(second=0)
    roll = rng.random()
    if roll < 0.62:
        return f"{published:%Y-%m-%d %H:%M:%S}", published
    if roll < 0.70:
        return int(published.timestamp() * 1000), published
    if roll < 0.76:
        return f"/Date({int(published.timestamp() * 1000)})/", published
    if roll < 0.82:
        return f"{published:%Y/%m/%d %H:%M}", minute
    if roll < 0.88:
        return f"{published.year}年{published.month}月{published.day}日 {published:%H:%M}", minute
    if roll < 0.92:
        return f"{published:%Y-%m-%d %H:%M}", minute
    return "", None


def _make_record(rng: random.Random, mess: "_Mess", categories: list[Category], published: datetime,
                 sentences: tuple[int, int] = (3, 9)) -> Record:
    published = published.replace(microsecond=0)
    home = categories[rng.randrange(len(categories))]
    clean_title = _title(rng)
    count = rng.randrange(*sentences)
    if count <= len(vocab.SENTENCES):
        sentences = rng.sample(vocab.SENTENCES, count)
    else:
        sentences = rng.choices(vocab.SENTENCES, k=count)
    paragraphs, messy = [], []
    for start in range(0, len(sentences), 2):
        clean_p, messy_p = _inline(rng, mess, sentences[start:start + 2])
        paragraphs.append(f"<p>{clean_p}</p>")
        messy.append(mess.paragraph(messy_p))
        if rng.random() < 0.35:
            messy.append(mess.filler())
    media_p = f"（文章来源：{home.name}）"
    messy.append(f'<p class="em_media" style="color:#999">{media_p}</p>')
    text = "\n ".join(messy)
    if rng.random() < 0.3:
        text = f'<div class="Body">{text}</div>'
    showtime, exact = _showtime(rng, published)
    return Record(
        info_code="NW" + "".join(str(rng.randrange(10)) for _ in range(18)),
        title=_messy_title(rng, clean_title),
        listing_title=html.escape(clean_title),
        showtime=showtime,
        listing_time=None,
        media=rng.choice(["", " ", "\u3000"]) + home.name,
        text=text,
        published=published,
        cids=[home.cid],
        clean_title=clean_title,
        clean_paragraphs=paragraphs + [f'<p class="em_media">{media_p}</p>'],
        exact_time=exact,
    )


class Corpus:
    """Categories and records, newest first in every listing."""

    def __init__(self, categories: list[Category]):
        self.categories = {c.cid: c for c in categories}
        self.records = {r.info_code: r for c in categories for r in c.records}
        self._gone = {r.info_code for r in self.records.values() if r.defect == NOT_FOUND}
        self.seed, self.live_rate, self.live_started, self.live_count = 0, 0.0, datetime.now(BEIJING), 0
        self.sentences = (3, 9)
        self.index_extra: list[tuple[str, str]] = []
        """More (href, name) links for the category index (hostile tests)."""

    @classmethod
    def generate(cls, size: int = 300, seed: int = 1, anchor: datetime | None = None,
                 live_rate: float = 0.0, sentences: tuple[int, int] = (3, 9)) -> "Corpus":
        """`size` records, the newest 2 minutes before `anchor` (default now),
        each of `sentences` (low, high) sentences (~120 bytes each). With
        `live_rate`, new records appear at that many per minute after the
        corpus is made, on top of the listings (see `advance`)."""
        rng = random.Random(seed)
        mess = _Mess(rng)
        anchor = (anchor or datetime.now(BEIJING)).astimezone(BEIJING).replace(microsecond=0)
        categories = [Category(cid, name, enc) for cid, name, enc in vocab.MEDIA]
        age = timedelta(minutes=2)
        for i in range(size):
            age += timedelta(minutes=rng.uniform(1, 8) * min(1 + i / 10, 6))
            record = _make_record(rng, mess, categories, anchor - age, sentences)
            cls._add_defect(record, DEFECT_AT.get(i))
            if i % SECOND_CATEGORY_EVERY == SECOND_CATEGORY_EVERY - 1:
                home = categories.index(next(c for c in categories if c.cid == record.cids[0]))
                record.cids.append(categories[(home + 1) % len(categories)].cid)
            for cid in record.cids:
                next(c for c in categories if c.cid == cid).records.append(record)
        corpus = cls(categories)
        corpus.seed, corpus.live_rate, corpus.live_started, corpus.live_count = seed, live_rate, anchor, 0
        corpus.sentences = sentences
        return corpus

    def advance(self, now: datetime) -> int:
        """Live mode: add the records due by `now` on top of their listings;
        return how many were added."""
        if not self.live_rate:
            return 0
        due = int((now - self.live_started).total_seconds() / 60 * self.live_rate)
        return self.add_live(due - self.live_count, now)

    def add_live(self, count: int, now: datetime | None = None, cid: str | None = None) -> int:
        """Add `count` new records on top of their listings (of category
        `cid` only, if given), now."""
        now = now or datetime.now(BEIJING)
        for _ in range(max(0, count)):
            self.live_count += 1
            rng = random.Random(f"{self.seed}:live:{self.live_count}")
            published = now if not self.live_rate else self.live_started + timedelta(
                minutes=self.live_count / self.live_rate)
            homes = [self.categories[cid]] if cid else list(self.categories.values())
            record = _make_record(rng, _Mess(rng), homes, published, self.sentences)
            record.live = True
            self.categories[record.cids[0]].records.insert(0, record)
            self.records[record.info_code] = record
        return max(0, count)

    @staticmethod
    def _add_defect(record: Record, defect: str | None) -> None:
        record.defect = defect
        if defect == NO_TITLE:
            record.title, record.listing_title = "\u3000 ", ""
        elif defect == NO_TIME:
            record.showtime, record.listing_time, record.exact_time = "时间待定", "未知", None
        elif defect == BAD_INFO_CODE:
            record.info_code = "NW 2022/bad code"

    def add_answers(self, folder: Path) -> int:
        """Serve each ``*.json`` text endpoint answer in `folder` too, in the
        category of its media name (made if need be). Return how many."""
        added = 0
        for path in sorted(Path(folder).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            name = str(data.get("medianame", "")).strip()
            category = next((c for c in self.categories.values() if c.name == name), None)
            if category is None:
                category = Category(f"x{len(self.categories)}", name, "utf-8")
                self.categories[category.cid] = category
            published = datetime.strptime(data["showtime"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
            record = Record(
                info_code=data["infoCode"], title=data.get("title", ""),
                listing_title=html.escape(data.get("title", "")), showtime=data.get("showtime", ""),
                listing_time=f"{published:%Y-%m-%d %H:%M}", media=data.get("medianame", ""),
                text=data.get("text", ""), published=published, cids=[category.cid],
                exact_time=published,
            )
            category.records.append(record)
            category.records.sort(key=lambda r: r.published, reverse=True)
            self.records[record.info_code] = record
            added += 1
        return added

    def answer(self, info_code: str) -> dict | None:
        if info_code in self._gone:
            return None
        record = self.records.get(info_code)
        return record.answer() if record else None

    def raw_answer(self, info_code: str) -> bytes | None:
        record = self.records.get(info_code)
        return record.raw_answer if record else None

    def listing(self, cid: str, page: int) -> list[Record]:
        category = self.categories[cid]
        last = self.page_count(cid)
        if page > last and category.pager == "stuck":
            page = last
        if page > last and category.pager == "endless":
            return [_unlisted_record(category, page, n) for n in range(PAGE_SIZE)]
        return category.records[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]

    def page_count(self, cid: str) -> int:
        return max(1, -(-len(self.categories[cid].records) // PAGE_SIZE))

    def page_exists(self, cid: str, page: int) -> bool:
        return page >= 1 and (page <= self.page_count(cid) or self.categories[cid].pager != "normal")

    def has_next(self, cid: str, page: int) -> bool:
        return page < self.page_count(cid) or self.categories[cid].pager != "normal"

    def newest(self, count: int) -> list[Record]:
        return sorted(self.records.values(), key=lambda r: r.published, reverse=True)[:count]

    def writable(self) -> list[Record]:
        """The records a crawler should write a post for."""
        return [r for r in self.records.values() if r.defect is None]
