from datetime import datetime, timedelta, timezone

import lxml.html

from newscrawler.status import Run, render

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def run(minutes_ago: float, written: int, failed=None, source="category") -> Run:
    return Run(source, NOW - timedelta(minutes=minutes_ago), 3.2, written, failed, None)


def body(page: str):
    assert page.startswith("---\nlayout: default\ntitle: 运行状态\n---\n")
    return lxml.html.fromstring(page.split("---\n", 2)[2])


def test_runs_newest_first_within_the_days():
    page = body(render([run(10, 5), run(5, 0, failed="1 page(s) given up"), run(5 * 24 * 60, 9)], NOW, days=3))
    rows = page.xpath("//tr[td]")
    assert [r.get("class") for r in rows] == ["failed", "ok"]
    assert rows[0].xpath("string(td[5])") == "失败: 1 page(s) given up"


def test_source_text_is_neither_markup_nor_liquid():
    hostile = "category <script>alert(1)</script> {{ site.x }} {% raw %}"
    page = render([run(1, 1, failed=hostile, source=hostile)], NOW, days=3)
    assert "<script>" not in page and "{{" not in page and "{%" not in page
    assert hostile in body(page).xpath("string(//tr[td]/td[5])")


def test_no_runs_is_a_page_too():
    assert "还没有运行" in render([], NOW, days=3)
