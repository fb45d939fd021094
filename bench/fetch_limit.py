"""The replica's fetch limit: every article fetched by a plain concurrent
client (asyncio, keep-alive connections, no parsing).

    python -m bench.fetch_limit BASE_URL [CONNECTIONS]
"""

import asyncio
import json
import sys
import time
import urllib.request
from urllib.parse import quote, urlsplit


def article_paths(base: str) -> list[str]:
    codes = []
    for market in (37, 38, 39):
        url = f"{base}/information/newmarket/web/webapi?marketType={market}&count=100000000"
        with urllib.request.urlopen(url, timeout=120) as answer:
            codes += [r["infoCode"] for r in json.loads(answer.read())["record"]]
    return [f"/NewsData/GetNewsText.do?id={quote(code, safe='')}" for code in codes]


async def _worker(host: str, port: int, paths: list[str], done: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for path in paths:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        await reader.readexactly(length)
        done[0] += 1
    writer.close()


async def _fetch_all(base: str, paths: list[str], connections: int) -> int:
    parts = urlsplit(base)
    done = [0]
    await asyncio.gather(*(_worker(parts.hostname, parts.port, paths[i::connections], done)
                           for i in range(connections)))
    return done[0]


def main(base: str, connections: int = 16) -> dict:
    paths = article_paths(base)
    started = time.perf_counter()
    fetched = asyncio.run(_fetch_all(base, paths, connections))
    seconds = time.perf_counter() - started
    return {"requests": fetched, "seconds": seconds, "per_second": fetched / seconds}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1].rstrip("/"), int(sys.argv[2]) if len(sys.argv) > 2 else 16)))
