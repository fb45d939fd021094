"""A wrong argument or output folder is one clear line and exit status 2,
before anything is crawled, never a traceback."""

import subprocess

import pytest

from tests.crawling import ENV, REPO_ROOT, crawl_command


def run_crawl(base_url, output, *args):
    cmd = crawl_command(base_url, output, *args)
    return subprocess.run(cmd, cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("shard", ["2/2", "1", "a/b", "-1/2"])
def test_a_bad_shard(tmp_path, shard):
    proc = run_crawl("http://127.0.0.1:9", tmp_path / "out", "-a", f"shard={shard}")
    assert proc.returncode == 2
    assert f"shard must be I/N with 0 <= I < N, not '{shard}'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("base_url", ["foo", "127.0.0.1:8000", "ftp://host/", "http://"])
def test_a_base_url_that_is_not_http(tmp_path, base_url):
    proc = run_crawl(base_url, tmp_path / "out")
    assert proc.returncode == 2
    assert f"base_url must be an http(s) URL such as http://127.0.0.1:8000, not '{base_url}'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_an_output_dir_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_crawl("http://127.0.0.1:9", tmp_path / "out", "-s", f"OUTPUT_DIR={blocker / 'out'}")
    assert proc.returncode == 2
    assert f"OUTPUT_DIR {blocker / 'out'} cannot be created: Not a directory" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("spider, argument", [("category", "categoris=dzrb"), ("webapi", "markets_=37"),
                                              ("writer", "shard=0/2")])
def test_an_argument_the_spider_does_not_take(tmp_path, spider, argument):
    """A typo in -a was ignored: the run crawled every category and ended well."""
    cmd = crawl_command("http://127.0.0.1:9", tmp_path / "out", "-a", argument, spider=spider)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    name = argument.split("=")[0]
    assert proc.stderr.startswith(f"scrapy: error: the {spider} spider takes no argument {name!r}: it takes ")
    assert "Traceback" not in proc.stderr + proc.stdout


def test_scrapyds_own_arguments_are_taken(tmp_path):
    proc = run_crawl("http://127.0.0.1:9", tmp_path / "out", "-a", "_job=abc123", "-s", "CLOSESPIDER_TIMEOUT=0.1",
                     "-s", "RETRY_TIMES=0")
    assert "takes no argument" not in proc.stderr


@pytest.mark.parametrize("value", ["0", "-5", "inf", "1e300", "nan", "soon"])
def test_an_alert_timeout_that_no_thread_can_wait(tmp_path, value):
    """inf raised inside the alert action, which Spidermon swallowed: no
    alert and no line; 0 and negatives failed every send."""
    proc = run_crawl("http://127.0.0.1:9", tmp_path / "out", "-s", f"ALERT_TIMEOUT={value}")
    assert proc.returncode == 2
    assert f"ALERT_TIMEOUT must be seconds over 0 and at most a day, not '{value}'" in proc.stderr


@pytest.mark.parametrize("argument", ["base_url=", "_walks=x", "__class__=x"])
def test_an_empty_base_url_or_a_private_name(tmp_path, argument):
    """An empty base_url (an empty shell variable) crawled the default site;
    any name starting with _ was taken (and could set the spider's state)."""
    cmd = crawl_command("http://127.0.0.1:9", tmp_path / "out")
    cmd += ["-a", argument]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
