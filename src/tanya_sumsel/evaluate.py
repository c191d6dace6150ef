"""Evaluate: run a question set through the same `answer()` path users get and compute retrieval/answer metrics."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .answer import answer
from .errors import InputError
from .index import build_index, chunking_params, embedder_id
from .retrieve import load_retriever
from .settings import Settings

REPORT_KEYS = (
    "n",
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "answer_contains",
    "short_answer_f1",
    "abstain_rate",
    "abstain_accuracy",
    "latency_ms_p50",
    "latency_ms_p95",
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def token_f1(prediction: str | None, gold: str) -> float:
    """SQuAD-style token F1 (lower-cased, punctuation dropped)."""
    pred = re.findall(r"\w+", (prediction or "").lower())
    ref = re.findall(r"\w+", gold.lower())
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    p, r = common / len(pred), common / len(ref)
    return 2 * p * r / (p + r)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Questions in the `../shared/eval` format; `answerable` defaults to true."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
            out.append({"answers": [], "doc_ids": [], "answerable": True, **q, "question": str(q["question"])})
        except (json.JSONDecodeError, KeyError) as exc:
            raise InputError(f"{path}:{n}: baris pertanyaan tidak valid ({exc}). Perbaiki baris itu.") from None
    return out


def eval_settings(corpus_file: Path, settings: Settings) -> Settings:
    """Settings whose index for `corpus_file` lives in the cache, keyed by content and index settings."""
    h = hashlib.sha256(Path(corpus_file).read_bytes())
    h.update(json.dumps([embedder_id(settings), chunking_params(settings)]).encode())
    root = settings.cache_dir / "eval" / h.hexdigest()[:16]
    corpus = root / "corpus"
    if not (corpus / Path(corpus_file).name).exists():
        corpus.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_file, corpus / Path(corpus_file).name)
    return settings.replace(corpus_dir=corpus, index_dir=root / "index")


def evaluate(
    corpus_file: Path,
    questions_file: Path,
    *,
    k: int = 10,
    limit: int = 0,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Build (or reuse) the index for `corpus_file`, answer every question, return the report dict."""
    settings = eval_settings(Path(corpus_file), settings or Settings.from_env())
    build_index(settings)
    retriever = load_retriever(settings)
    questions = load_questions(Path(questions_file))
    if 0 < limit < len(questions):  # an evenly spaced, deterministic sample
        questions = [questions[i * len(questions) // limit] for i in range(limit)]
    if not questions:
        raise InputError(f"{questions_file} tidak berisi pertanyaan.")
    answer(questions[0]["question"], k=k, settings=settings, retriever=retriever)  # warm-up
    rows = []
    for i, q in enumerate(questions):
        t = time.perf_counter()
        ans = answer(q["question"], k=k, settings=settings, retriever=retriever)
        ms = (time.perf_counter() - t) * 1000
        articles: list[str] = []
        for p in ans.passages:
            if p.article_id not in articles:
                articles.append(p.article_id)
        rank = next((r + 1 for r, a in enumerate(articles[:10]) if a in q["doc_ids"]), None)
        golds = q["answers"]
        rows.append(
            {
                "id": q.get("id"),
                "question": q["question"],
                "answerable": q["answerable"],
                "rank": rank,
                "abstained": ans.abstained,
                "short_answer": ans.short_answer,
                "contains": any(_norm(g) in _norm(ans.text) for g in golds),
                "short_answer_f1": max((token_f1(ans.short_answer, g) for g in golds), default=0.0),
                "latency_ms": round(ms, 2),
                "citations": [asdict(c) | {"quote": c.quote[:200]} for c in ans.citations],
            }
        )
        if progress:
            progress(i + 1, len(questions))
    return summarize(rows)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate per-question rows into the report (keys in `REPORT_KEYS`, then `per_question`)."""
    ans = [r for r in rows if r["answerable"]] or [
        {"rank": None, "contains": False, "short_answer_f1": 0.0, "abstained": False}
    ]
    unans = [r for r in rows if not r["answerable"]]
    lat = sorted(r["latency_ms"] for r in rows)
    mean = statistics.fmean

    def recall(n: int) -> float:
        return round(mean(1.0 if r["rank"] and r["rank"] <= n else 0.0 for r in ans), 4)

    report: dict[str, Any] = {
        "n": len(rows),
        "recall@1": recall(1),
        "recall@5": recall(5),
        "recall@10": recall(10),
        "mrr@10": round(mean(1 / r["rank"] if r["rank"] else 0.0 for r in ans), 4),
        "answer_contains": round(mean(1.0 if r["contains"] else 0.0 for r in ans), 4),
        "short_answer_f1": round(mean(r["short_answer_f1"] for r in ans), 4),
        "abstain_rate": round(mean(1.0 if r["abstained"] else 0.0 for r in ans), 4),
        "abstain_accuracy": round(mean(1.0 if r["abstained"] else 0.0 for r in unans), 4) if unans else None,
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p95": round(lat[max(0, round(0.95 * len(lat)) - 1)], 2),
        "per_question": rows,
    }
    return report


def format_report(report: dict[str, Any]) -> str:
    """Readable summary lines for the terminal."""
    lines = [f"{key:18s} {report[key]}" for key in REPORT_KEYS]
    return "\n".join(lines)
