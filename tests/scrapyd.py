"""A real Scrapyd on loopback, and scrapyd-deploy, for the tests."""

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.crawling import REPO_ROOT
from tests.splash import free_port

BIN = Path(sys.executable).parent


def scrapyd_missing() -> str | None:
    if not shutil.which("make"):
        return "make is not installed: apt-get install make"
    for tool in ("scrapyd", "scrapyd-deploy"):
        if not (BIN / tool).exists():
            return f"{tool} is not installed in {BIN}: pip install -r requirements-scrapyd.txt"
    return None


class ScrapydServer:
    def __init__(self, home: Path):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout: float = 60) -> "ScrapydServer":
        # `make scrapyd`'s own config, on a free port in a folder of the test.
        subprocess.run(["make", "-s", "-C", str(REPO_ROOT), "scrapyd-conf", f"SCRAPYD_DIR={self.home}",
                        f"SCRAPYD_PORT={self.port}"], check=True, capture_output=True, timeout=60)
        self.proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=self.home,
                                     stdout=open(self.home / "scrapyd.out", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.get("/daemonstatus.json")
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Scrapyd did not start: {(self.home / 'scrapyd.out').read_text()[-2000:]}")

    def get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if path.endswith(".json") or ".json?" in path else body.decode("utf-8")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def deploy(scrapyd: ScrapydServer, workdir: Path) -> dict:
    """`scrapyd-deploy` from a copy of the project whose scrapy.cfg names
    this Scrapyd, as a user's checkout would."""
    project = workdir / "project"
    shutil.copytree(REPO_ROOT / "newscrawler", project / "newscrawler",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "setup.py", project)
    cfg = (REPO_ROOT / "scrapy.cfg").read_text().replace("http://127.0.0.1:6800/", scrapyd.url + "/")
    (project / "scrapy.cfg").write_text(cfg)
    proc = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout[proc.stdout.index("{"):])
