"""The status page: the runs of the last days, from the runs' history.

``OUTPUT_DIR/status.html`` is a page of the Jekyll site (``layout:
default``): a plot of the posts each run wrote, one line per source, over
the last ``STATUS_DAYS`` (SVG, no JavaScript), then a table of the runs,
newest first, with their start, duration, posts and failures. Written at
the end of every run; ``python -m newscrawler.status OUTPUT_DIR`` writes it
again from the history alone."""

import argparse
import html
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newscrawler.cleaning.times import BEIJING
from newscrawler.extensions.health import FAILED_STAT
from newscrawler.files import atomic_write
from newscrawler.monitors.history import HISTORY_SUFFIX, SOURCE_STAT, read_history, runs_dir

WARNINGS_STAT = "newscrawler/run/warnings"
COLORS = ["#0b5cad", "#d9822b", "#2b9d48", "#8e44ad", "#7f8c8d", "#c0392b"]
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 260, 48, 16, 28, 36


@dataclass
class Run:
    source: str
    start: datetime
    seconds: float
    written: int
    failed: str | None
    warnings: str | None

    @classmethod
    def from_stats(cls, source: str, stats: dict) -> "Run | None":
        start = stats.get("start_time")
        if not isinstance(start, datetime):
            return None
        where = stats.get(SOURCE_STAT)
        return cls(f"{source} ({where})" if where else source, start.astimezone(timezone.utc),
                   float(stats.get("elapsed_time_seconds") or 0), int(stats.get("newscrawler/ledger/done") or 0),
                   stats.get(FAILED_STAT) or None, stats.get(WARNINGS_STAT) or None)


def text(value) -> str:
    """HTML-escaped, and no brace left for Liquid to read."""
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def beijing(moment: datetime, form: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(BEIJING).strftime(form)


def plot(runs: list[Run], since: datetime, until: datetime) -> str:
    """Posts per run per source over time, as an SVG; failed runs are red crosses."""
    sources = sorted({run.source for run in runs})
    top = max([run.written for run in runs] + [1])
    span = max((until - since).total_seconds(), 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment):
        return LEFT + inner_w * (moment - since).total_seconds() / span

    def y(count):
        return TOP + inner_h * (1 - count / top)

    parts = [f'<svg class="runs" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="每次运行写入的文章">',
             f'<rect x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="#fafafa" stroke="#ccc"/>']
    for count in sorted({0, top // 2, top}):
        parts.append(f'<text x="{LEFT - 6}" y="{y(count) + 4:.1f}" text-anchor="end" font-size="11">{count}</text>')
    for moment, anchor in ((since, "start"), (until, "end")):
        parts.append(f'<text x="{x(moment):.1f}" y="{HEIGHT - 4}" text-anchor="{anchor}" font-size="11">'
                     f'{beijing(moment)}</text>')
    day = since.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    while day < until:
        parts.append(f'<line x1="{x(day):.1f}" y1="{TOP}" x2="{x(day):.1f}" y2="{TOP + inner_h}" stroke="#ddd"/>'
                     f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">'
                     f'{day.strftime("%m-%d")}</text>')
        day += timedelta(days=1)
    for i, source in enumerate(sources):
        color = COLORS[i % len(COLORS)]
        mine = sorted((run for run in runs if run.source == source), key=lambda run: run.start)
        points = " ".join(f"{x(run.start):.1f},{y(run.written):.1f}" for run in mine)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>')
        for run in mine:
            cx, cy = x(run.start), y(run.written)
            tip = f"<title>{text(beijing(run.start))} {text(source)}: {run.written}" \
                  f"{text(' — ' + run.failed) if run.failed else ''}</title>"
            if run.failed:
                parts.append(f'<path d="M{cx - 4:.1f},{cy - 4:.1f}l8,8m0,-8l-8,8" stroke="#c0392b" stroke-width="2">'
                             f'{tip}</path>')
            else:
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{color}">{tip}</circle>')
        parts.append(f'<text x="{LEFT + 10 + 220 * i}" y="{TOP - 10}" font-size="12" fill="{color}">'
                     f'■ {text(source)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def render(runs: list[Run], now: datetime, days: int) -> str:
    runs = sorted((run for run in runs if run.start >= now - timedelta(days=days)), key=lambda run: run.start,
                  reverse=True)
    since = runs[-1].start if runs else now - timedelta(days=days)  # the plot spans the runs shown
    rows = []
    for run in runs:
        result = f'<span class="failed">失败: {text(run.failed)}</span>' if run.failed else "正常"
        if run.warnings:
            result += f'<br><span class="warning">警告: {text(run.warnings)}</span>'
        rows.append(f'<tr class="{"failed" if run.failed else "ok"}"><td class="n">{beijing(run.start, "%m-%d %H:%M:%S")}'
                    f'</td><td>{text(run.source)}</td><td class="n">{run.seconds:.{1 if run.seconds < 10 else 0}f} s</td>'
                    f'<td class="n">{run.written}</td><td>{result}</td></tr>')
    last = runs[0] if runs else None
    state = "还没有运行" if last is None else \
        f"最近一次运行: {beijing(last.start)}, {text(last.source)}, {'失败' if last.failed else '正常'}"
    return "\n".join([
        "---", "layout: default", "title: 运行状态", "---",
        "<style>table.runs { border-collapse: collapse; font-size: .9em; } table.runs td, table.runs th "
        "{ border-bottom: 1px solid #eee; padding: .2em .5em; text-align: left; vertical-align: top; } "
        "table.runs th, table.runs td.n { white-space: nowrap; } "
        ".failed { color: #c0392b; } .warning { color: #b9770e; } svg.runs { max-width: 100%; height: auto; }</style>",
        "<h1>运行状态</h1>",
        f'<p class="last">{state} (页面生成于 {beijing(now)}, 北京时间)</p>',
        f"<h2>最近 {days} 天每次运行写入的文章</h2>",
        plot(runs, since, now),
        '<table class="runs">',
        "<tr><th>开始</th><th>来源</th><th>用时</th><th>文章</th><th>结果</th></tr>",
        *rows,
        "</table>",
        "",
    ])


def history_runs(output_dir: Path, keep: int, skip: str | None = None) -> list[Run]:
    """The runs in every history of `output_dir` but `skip`'s."""
    runs = []
    for path in sorted(runs_dir(output_dir).glob(f"*{HISTORY_SUFFIX}")):
        source = path.name[:-len(HISTORY_SUFFIX)]
        if source != skip:
            runs += [run for stats in read_history(path, keep) if (run := Run.from_stats(source, stats))]
    return runs


def write_status(output_dir: Path, runs: list[Run], now: datetime, days: int) -> Path:
    path = Path(output_dir) / "status.html"
    atomic_write(path, render(runs, now, days).encode("utf-8"))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawler.status", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--days", type=int, default=3)
    opts = parser.parse_args(argv)
    try:
        path = write_status(opts.output_dir, history_runs(opts.output_dir, 100_000), datetime.now(timezone.utc),
                            opts.days)
    except OSError as exc:
        print(f"error: cannot write {opts.output_dir / 'status.html'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
