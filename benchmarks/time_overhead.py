"""Time-handling overhead on answer(): the same questions answered with and without it, at 5,000 articles.

Usage: python benchmarks/time_overhead.py [--articles 5000] [--rounds 3] [--embed-model NAME]
The corpus is the CLICK-ID articles plus the written South Sumatra and dated sets and the founding article; the
questions are the dated set's (every one carries time). "Without" replaces parse_time and over_time with no-ops, so
the difference is what time handling costs: parsing, the coverage check, the period view, the period and
newest-first ordering and the changed-fact check. The index is the product's (e5), cached where `tanya-sumsel eval`
over the same files keeps it.
Prints p50/p95 per mode, the median per-question difference and the parse + period-view step alone; ratios are against the run's own baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

from corpora import DATA, serving_corpus

from tanya_sumsel import answer
from tanya_sumsel.evaluation import eval_settings
from tanya_sumsel.generation import chain as generate
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.retrieval.time import time_view
from tanya_sumsel.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--embed-model", default="")
    args = ap.parse_args()
    files = serving_corpus(args.articles)
    # The same cached index as `tanya-sumsel eval` over these files (the dated set's CLICK-ID run builds it once).
    base = Settings.from_env(threads=1, **({"embed_model": args.embed_model} if args.embed_model else {}))
    settings = eval_settings(files, base)
    t = time.perf_counter()
    report = build_index(settings)
    print(f"index: {report.summary()} ({time.perf_counter() - t:.0f} s)")
    retriever = load_retriever(settings)
    questions = [json.loads(x) for x in (DATA / "dated" / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    real_parse, real_over = generate.parse_time, generate.over_time

    def ask(q: dict[str, str], on: bool) -> float:
        generate.parse_time = real_parse if on else (lambda *a, **k: None)
        generate.over_time = real_over if on else (lambda question, ans, *a, **k: ans)
        start = time.perf_counter()
        answer(q["question"], settings=settings, retriever=retriever, as_of=q["as_of"])
        return (time.perf_counter() - start) * 1000

    for q in questions[:5]:  # warm-up
        ask(q, True), ask(q, False)
    on: dict[str, list[float]] = {q["id"]: [] for q in questions}
    off: dict[str, list[float]] = {q["id"]: [] for q in questions}
    for _ in range(args.rounds):
        for q in questions:  # interleaved, so drift on this noisy machine hits both modes alike
            on[q["id"]].append(ask(q, True))
            off[q["id"]].append(ask(q, False))
    generate.parse_time, generate.over_time = real_parse, real_over
    with_ = sorted(statistics.median(v) for v in on.values())
    without = sorted(statistics.median(v) for v in off.values())
    diff = statistics.median(statistics.median(on[k]) - statistics.median(off[k]) for k in on)

    def p(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]

    print(f"articles in index: {len(retriever.store.articles())}, questions: {len(questions)} × {args.rounds} rounds")
    print(f"answer() without time handling: p50 {p(without, 0.5):.1f} ms, p95 {p(without, 0.95):.1f} ms")
    print(f"answer() with time handling:    p50 {p(with_, 0.5):.1f} ms, p95 {p(with_, 0.95):.1f} ms")
    steps = []  # the time handling alone: parse the question, then the period view's chunk mask (fresh per view)
    for q in questions:
        start = time.perf_counter()
        when = real_parse(q["question"], dt.date.fromisoformat(q["as_of"]), "id")
        if when is not None:
            time_view(retriever, when, dt.date.fromisoformat(q["as_of"])).mask()
        steps.append((time.perf_counter() - start) * 1000)
    steps.sort()
    print(f"parse + period view alone: p50 {p(steps, 0.5):.2f} ms, p95 {p(steps, 0.95):.2f} ms")
    print(
        f"overhead: p50 difference {p(with_, 0.5) - p(without, 0.5):+.2f} ms "
        f"(ratio {p(with_, 0.5) / p(without, 0.5):.3f}); median per-question difference {diff:+.2f} ms"
    )


if __name__ == "__main__":
    main()
