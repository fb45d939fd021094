"""The category index and the category listing pages."""

from dataclasses import dataclass, field

from scrapy.http import TextResponse


@dataclass(frozen=True)
class CategoryLink:
    cid: str
    name: str
    url: str


@dataclass(frozen=True)
class ListingEntry:
    info_code: str
    title: str
    time_raw: str
    url: str
    media: str | None = None
    """The entry's own media name, where the listing gives one per entry."""


@dataclass
class ListingPage:
    name: str
    entries: list[ListingEntry] = field(default_factory=list)
    next_url: str | None = None


def category_id(url: str) -> str:
    """``/category/dzrb.html?page=2`` -> ``dzrb``."""
    last = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".html")


def parse_category_index(response: TextResponse) -> list[CategoryLink]:
    links = []
    for a in response.css("#categories li a"):
        href = a.attrib.get("href")
        if href:
            url = response.urljoin(href)
            links.append(CategoryLink(category_id(url), " ".join(a.css("::text").getall()).strip(), url))
    return links


def parse_listing(response: TextResponse) -> ListingPage:
    page = ListingPage(name=" ".join(response.css("h1.category-name ::text").getall()).strip())
    for li in response.css("ul.news-list > li"):
        code = li.attrib.get("data-infocode")
        if code is None:
            continue
        page.entries.append(
            ListingEntry(
                info_code=code.strip(),
                title=" ".join(li.css("a.title ::text").getall()),
                time_raw=" ".join(li.css(".time ::text").getall()).strip(),
                url=response.urljoin(li.css("a.title::attr(href)").get("")),
            )
        )
    next_href = response.css(".pager a.next::attr(href)").get()
    page.next_url = response.urljoin(next_href) if next_href else None
    return page
