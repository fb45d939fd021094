"""What a post must look like, line by line (SOURCE.md §3, issue 7)."""

import yaml

SITE = "finews.withounder.com"


def split_post(text: str) -> tuple[dict, list[str]]:
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body.splitlines()


def liquid_escaped(text: str) -> str:
    return text.replace("{{", "&#123;{").replace("{%", "&#123;%")


def assert_category_post(text: str, item: dict, site: str = SITE) -> None:
    meta, lines = split_post(text)
    assert meta == {"layout": "post", "title": item["title"], "date": meta["date"],
                    "categories": item["category"], "tags": f"{item['media']}新闻"}
    assert text.split("\n")[3] == f"date: {item['published_at'][:10]} {item['published_at'][11:19]} +0800"
    assert lines == liquid_escaped(item["body_html"]).splitlines() + [
        "",
        f"<{item['share_url']}>",
        "",
        f"[返回{item['media']}新闻](//{site}/category/{item['category']}.html)｜[返回首页](//{site}/)",
    ]
