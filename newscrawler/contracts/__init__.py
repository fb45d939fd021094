"""Contracts of the spiders' callbacks (`scrapy check`), and the site they
are checked on: the bundled replica, with the seed article in it, which
`scrapy check` starts itself (newscrawler/commands/check.py).

Besides Scrapy's own (``@returns``, ``@scrapes``, ``@cb_kwargs``, ...):
``@site /PATH``, ``@rendered FILE``, ``@fills FIELD ...``, ``@follows /PATH``.
"""

from functools import wraps
from pathlib import Path

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail
from scrapy.http import HtmlResponse, Request
from scrapy.utils.spider import iterate_spider_output

from newscrawler.replica import Corpus

HERE = Path(__file__).parent
# The replica `scrapy check` serves: generated (six categories, over a
# page each), plus the text endpoint answers of answers/ (the seed article).
CHECK_CORPUS_SIZE, CHECK_CORPUS_SEED = 160, 1


def check_corpus() -> Corpus:
    corpus = Corpus.generate(size=CHECK_CORPUS_SIZE, seed=CHECK_CORPUS_SEED)
    corpus.add_answers(HERE / "answers")
    return corpus


class SiteContract(Contract):
    """``@site /PATH``: the request goes to PATH on the spider's base_url."""

    name = "site"

    def __init__(self, method, *args):
        super().__init__(method, *args)
        self.spider = method.__self__

    def adjust_request_args(self, args):
        args["url"] = self.spider.base_url + self.args[0]
        return args


class RenderedContract(Contract):
    """``@rendered FILE``: the callback reads FILE of rendered/, the page a
    real Splash rendered from the request's URL, instead of the page as
    served, which only a browser fills in."""

    name = "rendered"

    def add_pre_hook(self, request, results):
        callback, page = request.callback, (HERE / "rendered" / self.args[0]).read_bytes()

        @wraps(callback)
        def read_rendered(response, **cb_kwargs):
            rendered = HtmlResponse(response.url, body=page, encoding="utf-8", request=response.request)
            return list(iterate_spider_output(callback(rendered, **cb_kwargs)))

        request.callback = read_rendered
        return request


class FillsContract(Contract):
    """``@fills FIELD ...``: every item has a value in each FIELD (not None,
    not empty). Scrapy's ``@scrapes`` only asks that the field exists,
    which every field of a dataclass item does."""

    name = "fills"

    def post_process(self, output):
        for item in output:
            if is_item(item):
                adapter = ItemAdapter(item)
                if empty := [name for name in self.args if adapter.get(name) in (None, "")]:
                    raise ContractFail(f"Empty fields: {', '.join(empty)}")


class FollowsContract(Contract):
    """``@follows /PATH``: one of the requests goes to PATH on the spider's
    base_url."""

    name = "follows"

    def __init__(self, method, *args):
        super().__init__(method, *args)
        self.spider = method.__self__

    def post_process(self, output):
        wanted = self.spider.base_url + self.args[0]
        if not any(isinstance(r, Request) and r.url == wanted for r in output):
            raise ContractFail(f"No request for {wanted}")
