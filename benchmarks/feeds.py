"""Feed ingest benchmark (issue 15): a feed of 50 new articles on a loopback server is fetched, extracted and
indexed (real e5 embedder) with progress bars; a second `update` must fetch nothing new (conditional GET, 304).
Baseline in the same run: indexing the same 50 articles from local JSON records, so the ratio is what fetching
and extraction add. Pauses between requests are 0 s here (loopback); with the default 1 s per host a 50-item feed
from one site takes at least 50 s more, by design.

    python benchmarks/feeds.py [--items 50]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.websites import STORIES, Site, Story  # noqa: E402

from tanya_sumsel.app.cli_feeds import _bar  # noqa: E402
from tanya_sumsel.embedding.embedder import load_embedder  # noqa: E402
from tanya_sumsel.indexing.build import build_index  # noqa: E402
from tanya_sumsel.indexing.feeds import add, update_feeds  # noqa: E402
from tanya_sumsel.settings import Settings  # noqa: E402

PLACES = [
    "Palembang",
    "Lahat",
    "Baturaja",
    "Prabumulih",
    "Lubuklinggau",
    "Sekayu",
    "Kayuagung",
    "Muara Enim",
    "Pagar Alam",
    "Martapura",
]


def stories(n: int) -> list[Story]:
    """`n` distinct articles: the written stories' sentences re-set with other places, numbers and dates."""
    out = []
    for i in range(n):
        base = STORIES[i % len(STORIES)]
        place = PLACES[i % len(PLACES)]
        day = 1 + i % 28
        paras = tuple(
            p.replace("Palembang", place)
            + f" Data ini dicatat pada pekan ke-{i + 1} dengan {100 + 7 * i} laporan warga."
            for p in base.paragraphs
        )
        out.append(
            Story(
                f"{base.slug}-{i}",
                f"{base.title} di {place} ({i + 1})",
                place,
                f"2026-{1 + i % 11:02d}-{day:02d}",
                paras,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tanya-feeds-"))
    embedder = load_embedder(Settings.from_env())
    with Site() as site:
        pages, feed = site.serve(stories(args.items), etag='"b1"')

        # baseline: the same articles as local records, indexed from disk (what `tanya-sumsel index` does)
        base_corpus = tmp / "base" / "corpus"
        base_corpus.mkdir(parents=True)
        shutil.copy(ROOT / "corpus" / "000_4166e72e5cd7cb12.txt", base_corpus)
        base = Settings.from_env(corpus_dir=base_corpus, index_dir=tmp / "base" / "index")
        build_index(base, embedder=embedder)
        records = [
            {
                "id": f"r{i}",
                "title": p.story.title,
                "date": p.story.date,
                "source": p.outlet,
                "url": p.url,
                "text": "\n\n".join(p.story.paragraphs),
            }
            for i, p in enumerate(pages)
        ]
        (base_corpus / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
        t0 = time.perf_counter()
        base_report = build_index(base, embedder=embedder)
        base_s = time.perf_counter() - t0

        corpus = tmp / "web" / "corpus"
        corpus.mkdir(parents=True)
        shutil.copy(ROOT / "corpus" / "000_4166e72e5cd7cb12.txt", corpus)
        settings = Settings.from_env(corpus_dir=corpus, index_dir=tmp / "web" / "index", fetch_delay=0.0)
        build_index(settings, embedder=embedder)
        t0 = time.perf_counter()
        first = add([feed], settings, progress=_bar("Mengambil"), build_progress=_bar("Embedding"), embedder=embedder)
        first_s = time.perf_counter() - t0
        before = len(site.log)
        t0 = time.perf_counter()
        second = update_feeds(settings, progress=_bar("Mengambil"), embedder=embedder)
        second_s = time.perf_counter() - t0
        second_paths = [p for _, p, _ in site.log[before:]]
    assert len(first.of("added")) == args.items, first.summary()
    assert first.build is not None and first.build.added == args.items
    assert not second.outcomes and second.build is None and second_paths == ["/robots.txt", "/rss"], second_paths
    print(f"\nfeed of {args.items} new articles (12 layouts), real e5 embedder, 2 cores")
    print(
        f"  add <feed> (fetch + extract + index) : {first_s:6.2f} s  ({first.requests} HTTP requests; fetch+extract "
        f"{first.fetch_seconds:.2f} s, index {first.build.seconds:.2f} s, {first.build.chunks_embedded} chunks)"
    )
    print(f"  baseline: index the same 50 records  : {base_s:6.2f} s  ({base_report.chunks_embedded} chunks)")
    print(f"  ratio add / baseline                 : {first_s / base_s:6.2f}x")
    print(
        f"  second update (conditional GET)      : {second_s:6.3f} s  (requests: {', '.join(second_paths)}; "
        f"304, nothing fetched, index untouched)"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
