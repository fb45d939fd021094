"""Item loader: the input and output processors that clean each field."""

from datetime import datetime

from itemloaders import unbound_method
from itemloaders.processors import Compose, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawler.cleaning.html import body_text, clean_body_html
from newscrawler.cleaning.slug import media_slug
from newscrawler.cleaning.text import clean_text
from newscrawler.cleaning.times import parse_source_time
from newscrawler.items import NewsArticle


def _parse_time(raw, loader_context):
    return parse_source_time(raw, loader_context["now"])


def _slug(name, loader_context):
    return media_slug(name, loader_context.get("media_slugs")) if name else None


def _isoformat(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class NewsArticleLoader(ItemLoader):
    """Loads a `NewsArticle`. Needs ``now`` (aware datetime) in its context
    for relative times; ``media_slugs`` optionally overrides slugs."""

    default_item_class = NewsArticle
    default_output_processor = TakeFirst()

    info_code_in = MapCompose(str, str.strip)
    title_in = MapCompose(clean_text)
    media_in = MapCompose(clean_text)
    # Fed the media's output value, already clean text: cleaning it again
    # would strip a media name such as the text ``<b>`` to nothing.
    category_in = MapCompose(_slug)
    published_at_in = MapCompose(_parse_time)
    published_at_out = Compose(TakeFirst(), _isoformat)
    body_html_in = MapCompose(clean_body_html)
    # Fed the raw body too: the text of the body the cleaner makes.
    body_text_in = MapCompose(body_text)

    # Every processor is declared here, none in the item's field metadata:
    # skip itemloaders' lookup of that metadata (an ItemAdapter per field
    # and call, a fifth of the cost of building an item).
    def get_input_processor(self, field_name):
        return unbound_method(getattr(self, f"{field_name}_in", None) or self.default_input_processor)

    def get_output_processor(self, field_name):
        return unbound_method(getattr(self, f"{field_name}_out", None) or self.default_output_processor)
