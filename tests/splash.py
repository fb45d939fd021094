"""Start and stop a real Splash server for the tests."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.crawling import REPO_ROOT

SPLASH_PYTHON = Path(os.environ.get("SPLASH_VENV", REPO_ROOT / ".splash-venv")) / "bin" / "python"


def splash_missing() -> str | None:
    """Why Splash cannot run here, or None."""
    if not SPLASH_PYTHON.exists():
        return f"Splash 3.5 is not installed ({SPLASH_PYTHON} missing): run `make splash-install`"
    probe = subprocess.run([str(SPLASH_PYTHON), "-c", "import splash.server"], capture_output=True, text=True)
    if probe.returncode:
        return f"Splash does not import: {probe.stderr.strip()[-300:]}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SplashServer:
    def __init__(self, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc = None

    def start(self, timeout: float = 90) -> "SplashServer":
        env = dict(os.environ, QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox", QT_QPA_PLATFORM="offscreen")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(SPLASH_PYTHON), "-m", "splash.server", "--ip", "127.0.0.1", "--port", str(self.port),
             "--disable-xvfb", "--disable-ui", "--disable-lua"],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.log_path.parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Splash exited at start: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_ping", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Splash did not answer within {timeout}s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
