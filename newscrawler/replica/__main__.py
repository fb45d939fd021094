"""python -m newscrawler.replica --port 8000 [--size N] [--seed S] [--extra DIR] [faults]"""

import argparse
import signal
import sys

from newscrawler.replica.corpus import Corpus
from newscrawler.replica.hostile import hostile_corpus
from newscrawler.replica.server import Faults, ReplicaServer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawler.replica", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port (printed)")
    parser.add_argument("--size", type=int, default=300, help="generated articles (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra", help="folder of text endpoint answers (*.json) to serve too")
    parser.add_argument("--sentences", default="3-9",
                        help="sentences per article, LOW-HIGH (~120 bytes each; 30-50 makes ~5 KB)")
    parser.add_argument("--live-rate", type=float, default=0.0,
                        help="live mode: new articles per minute, on top of the listings")
    parser.add_argument("--hostile", action="store_true",
                        help="serve the hostile corpus (attacks and breakages) instead of a generated one")
    parser.add_argument("--error-rate", type=float, default=0.0, help="fraction of 500/503 answers")
    parser.add_argument("--truncate-rate", type=float, default=0.0, help="fraction of cut-off JSON bodies")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--drop-rate", type=float, default=0.0, help="fraction of connections closed unanswered")
    parser.add_argument("--hang-rate", type=float, default=0.0, help="fraction of answers held for --hang-seconds")
    parser.add_argument("--hang-seconds", type=float, default=5.0)
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    corpus = hostile_corpus() if args.hostile else Corpus.generate(
        size=args.size, seed=args.seed, live_rate=args.live_rate,
        sentences=tuple(int(n) for n in args.sentences.split("-", 1)),
    )
    if args.extra:
        corpus.add_answers(args.extra)
    faults = Faults(
        error_rate=args.error_rate, truncate_rate=args.truncate_rate, latency=args.latency, seed=args.seed,
        drop_rate=args.drop_rate, hang_rate=args.hang_rate, hang_seconds=args.hang_seconds,
    )
    server = ReplicaServer(corpus, args.host, args.port, faults, verbose=args.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"replica serving {len(corpus.records)} articles at {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
