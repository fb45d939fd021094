"""Fed the seed's text endpoint answer, the crawler writes the seed post."""

import re
import shutil
from pathlib import Path

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl

SEED = Path(__file__).parent / "fixtures" / "seed"


def normalized(text: str) -> str:
    """Ignore whitespace between tags, leading spaces of lines and trailing
    whitespace of the file (SOURCE.md §3)."""
    text = re.sub(r">\s+<", "><", text)
    text = "\n".join(line.lstrip(" ") for line in text.split("\n"))
    return text.rstrip()


def test_seed_post_is_reproduced(tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    shutil.copy(SEED / "GetNewsText-NW202201182251444627.json", answers)
    corpus = Corpus.generate(size=0)
    assert corpus.add_answers(answers) == 1
    with ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url, "-s", "SHARE_BASE_URL=http://finews.zning.xyz")
    assert result.returncode == 0, result.log[-3000:]
    posts = result.posts()
    assert list(posts) == ["2022-01-18-NW202201182251444627.md"]
    expected = (SEED / "000_00df17dc01b1ce68.txt").read_text(encoding="utf-8")
    assert normalized(posts["2022-01-18-NW202201182251444627.md"]) == normalized(expected)
    assert (tmp_path / "out" / "category" / "dazhongribao.html").exists()
