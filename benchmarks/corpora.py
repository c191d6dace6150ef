"""The corpus the serving benchmarks share: CLICK-ID's articles (all 5,000, or the first N), the written South
Sumatra and dated sets and the founding article."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLICK = ROOT.parent / "shared" / "corpora" / "clickid-news-2019" / "articles.jsonl"
DATA = ROOT / "tests" / "data"


def serving_corpus(articles: int = 5000) -> list[Path]:
    """The corpus files; fewer CLICK-ID articles are a sample written beside the cache (SystemExit without shared)."""
    if not CLICK.exists():
        raise SystemExit(f"{CLICK} not found: this benchmark needs ../shared")
    files = [CLICK, DATA / "sumsel" / "articles.jsonl", DATA / "dated" / "articles.jsonl"]
    files.append(ROOT / "corpus" / "000_4166e72e5cd7cb12.txt")
    if articles < 5000:
        sample = Path.home() / ".cache" / "tanya-sumsel" / f"clickid-{articles}.jsonl"
        sample.parent.mkdir(parents=True, exist_ok=True)
        sample.write_text("\n".join(CLICK.read_text(encoding="utf-8").splitlines()[:articles]) + "\n")
        files[0] = sample
    return files
