"""`tanya-sumsel feeds` and `update --watch` in-process, against a loopback server (the index uses the FAKE
hashing embedder of tests/fakes.py; with nothing new, `update` never loads a model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanya_sumsel.app import cli_feeds
from tanya_sumsel.app.cli import main
from tanya_sumsel.indexing.feeds import add
from tanya_sumsel.settings import Settings

from .fakes import HashEmbedder
from .websites import STORIES, Site


def test_feeds_lists_subscriptions_and_watch_rechecks_until_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    monkeypatch.setenv("TANYA_FETCH_DELAY", "0")
    monkeypatch.setenv("TANYA_EMBED_MODEL", "fake-hash")
    with Site() as site:
        _, feed = site.serve(STORIES[:3], etag='"w"')
        settings = Settings.from_env(corpus_dir=corpus, index_dir=index)
        assert len(add([feed], settings, embedder=HashEmbedder()).of("added")) == 3

        assert main(["feeds", "--corpus", str(corpus), "--index", str(index)]) == 0
        listed = capsys.readouterr().out
        assert feed in listed and "Sumsel Post - Terkini · 3 item" in listed

        sleeps: list[float] = []

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            if len(sleeps) == 2:
                raise KeyboardInterrupt

        monkeypatch.setattr(cli_feeds.time, "sleep", sleep)
        before = len(site.log)
        assert main(["update", "--watch", "600", "--corpus", str(corpus), "--index", str(index)]) == 0
        out = capsys.readouterr().out
    assert sleeps == [600, 600] and out.count("304 Not Modified") == 2 and "Berhenti memantau" in out
    assert [p for _, p, _ in site.log[before:]].count("/rss") == 2 and not any(
        p.startswith("/sumselpost") for _, p, _ in site.log[before:]
    )


def test_add_without_urls_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["add"])
    assert info.value.code == 2 and "URL" in capsys.readouterr().err
