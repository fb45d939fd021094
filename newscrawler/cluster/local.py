"""``make cluster``: a crawl on many workers, on this machine.

python -m newscrawler.cluster.local [--workers 3] [--output output-cluster]
    [--redis-url URL] [--base-url URL] [--size N]

Starts Redis (unless --redis-url) and the replica (unless --base-url),
then N workers, each in a working folder of its own as on separate
machines, and the writer, which writes the site into --output. Waits for
all of them, then prints what each did and where the posts are.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from newscrawler.cluster.localredis import LocalRedis
from newscrawler.cluster.run import new_run_id
from newscrawler.replica import Corpus, ReplicaServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ENV = dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawler.settings",
           PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])))


def process_command(spider: str, folder: Path, output: Path, redis_url: str, run_id: str | None,
                    *extra: str) -> list[str]:
    """`scrapy crawl SPIDER` of one worker (or the writer) working in
    `folder`; without `run_id`, the worker joins the current run."""
    return [
        sys.executable, "-m", "scrapy", "crawl", spider,
        "-s", f"REDIS_URL={redis_url}",
        *(("-s", f"CLUSTER_RUN={run_id}") if run_id else ()),
        "-s", f"OUTPUT_DIR={output}",
        "-s", f"RUN_SUMMARY_FILE={folder / 'summary.json'}",
        "-s", f"LOG_FILE={folder / 'crawl.log'}",
        "-s", "LOG_FILE_APPEND=False",
        *extra,
    ]


def start(spider: str, folder: Path, output: Path, redis_url: str, run_id: str, *extra: str) -> subprocess.Popen:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").unlink(missing_ok=True)
    return subprocess.Popen(process_command(spider, folder, output, redis_url, run_id, *extra), cwd=folder, env=ENV)


def summary_of(folder: Path) -> dict:
    path = folder / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawler.cluster.local", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--output", default="output-cluster", help="the writer's OUTPUT_DIR (the site)")
    parser.add_argument("--redis-url", help="a running Redis (default: start one)")
    parser.add_argument("--base-url", help="the source (default: start the replica)")
    parser.add_argument("--size", type=int, default=300, help="the replica's articles")
    parser.add_argument("--idle-close", type=float, default=3, help="CLUSTER_IDLE_CLOSE")
    args = parser.parse_args(argv)
    output = Path(args.output).resolve()
    folders = output.parent / f"{output.name}-processes"

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        redis_url = args.redis_url or stack.enter_context(LocalRedis(tmp / "redis")).url
        base_url = args.base_url or stack.enter_context(ReplicaServer(Corpus.generate(size=args.size, seed=1))).url
        run_id = new_run_id()
        print(f"Source {base_url}, Redis {redis_url}, run {run_id}: {args.workers} workers and the writer", flush=True)
        common = ("-s", f"CLUSTER_IDLE_CLOSE={args.idle_close}")
        writer = start("writer", folders / "writer", output, redis_url, run_id, *common)
        workers = {
            f"worker-{n}": start("category", folders / f"worker-{n}", folders / f"worker-{n}" / "output",
                                 redis_url, run_id, "-a", f"base_url={base_url}", *common)
            for n in range(1, args.workers + 1)
        }
        codes = {name: proc.wait() for name, proc in workers.items()}
        codes["writer"] = writer.wait()

    print(f"\n{'process':<10} {'exit':>4} {'pages':>6} {'articles':>8} {'written':>7}  log")
    for name, code in codes.items():
        s = summary_of(folders / name)
        print(f"{name:<10} {code:>4} {s.get('source_pages', 0):>6} {s.get('handed_off', 0):>8} "
              f"{s.get('written', 0):>7}  {folders / name / 'crawl.log'}")
    posts = len(list((output / "_posts").glob("*.md")))
    print(f"\nPosts written:  {posts} in {output / '_posts'}")
    print(f"JSON Lines in   {output / 'items.jsonl'}")
    return max(codes.values())


if __name__ == "__main__":
    sys.exit(main())
