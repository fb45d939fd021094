"""An article, from its share page as rendered by a browser (Splash)."""

from scrapy.http import TextResponse

from newscrawler.pages.article import ArticleNotFound, BadArticleAnswer


def share_page_answer(response: TextResponse, info_code: str) -> dict:
    """The rendered page's fields, shaped like the text endpoint's answer so
    that both paths share one loader. `BadArticleAnswer` if the script has
    not filled the page; `ArticleNotFound` if it says the article is gone."""
    content = response.css("#newsContent")
    if not content:
        raise BadArticleAnswer("no #newsContent: not the share page")
    error = content.attrib.get("data-error")
    if error == "404":
        raise ArticleNotFound("the share page says 404")
    if error is not None:
        raise BadArticleAnswer(f"the share page's script failed ({error})")
    answer = {
        "code": 0,
        "infoCode": info_code,
        "title": "".join(response.css("#title ::text").getall()),
        "showtime": "".join(response.css("#showtime ::text").getall()),
        "medianame": "".join(response.css("#medianame ::text").getall()),
        "text": "".join(content.xpath("node()").getall()),
    }
    if not (answer["title"].strip() or answer["text"].strip()):
        raise BadArticleAnswer("the share page is empty: its script had not run (raise SPLASH_WAIT?)")
    return answer
