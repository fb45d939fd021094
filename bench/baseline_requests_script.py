"""BASELINE, not part of the crawler: what the old system's scripts did.

Sequential `requests`, regular expressions, no cleaning, no dedupe, no
retries, one Markdown file per article. `make bench` measures the crawler
against it.

    python bench/baseline_requests_script.py BASE_URL OUTPUT_DIR
"""

import json
import os
import re
import sys

import requests


def main(base: str, out: str) -> dict:
    os.makedirs(out, exist_ok=True)
    session = requests.Session()
    articles = requests_made = 0
    index = session.get(base + "/category/").text
    requests_made += 1
    for category in re.findall(r'href="(/category/[^"]+)"', index):
        url = base + category
        while url:
            page = session.get(url)
            requests_made += 1
            html = page.content.decode(page.encoding or "gbk", errors="replace")
            for code in re.findall(r'data-infocode="([^"]*)"', html):
                answer = session.get(base + "/NewsData/GetNewsText.do", params={"id": code})
                requests_made += 1
                if answer.status_code != 200:
                    continue
                data = answer.json()
                name = re.sub(r"[^A-Za-z0-9]", "_", code) or "empty"
                with open(os.path.join(out, f"{name}.md"), "w", encoding="utf-8") as f:
                    f.write(f"---\nlayout: post\ntitle: {data.get('title')}\ndate: {data.get('showtime')}\n"
                            f"tags: {data.get('medianame')}新闻\n---\n{data.get('text')}\n")
                articles += 1
            following = re.search(r'class="next" href="([^"]+)"', html)
            url = base + following.group(1) if following else None
    return {"articles": articles, "requests": requests_made}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1].rstrip("/"), sys.argv[2])))
