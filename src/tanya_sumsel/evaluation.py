"""Evaluate: run a question set through the same `answer()` path users get and compute retrieval/answer metrics."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tanya_sumsel.embedding.embedder import embedder_id
from tanya_sumsel.errors import InputError
from tanya_sumsel.indexing.build import build_index, chunking_params
from tanya_sumsel.pipeline import answer
from tanya_sumsel.question.time import parse_time
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.types import Answer

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
    "short_answer_precision",
    "short_answer_coverage",
    "unanswerable_abstain",
    "time_questions",
    "time_accuracy",
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
    """Questions in the `../shared/eval` format (`as_of` optional); `answerable` defaults to true."""
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


def select_ids(questions: list[dict[str, Any]], ids: str) -> list[dict[str, Any]]:
    """The questions whose id lies in the inclusive range 'FIRST..LAST' (ids compared as strings)."""
    first, sep, last = ids.partition("..")
    if not sep or not first or not last:
        raise InputError(f"--ids {ids!r} tidak valid: tulis rentang seperti q-dev-2496..q-dev-2806.")
    return [q for q in questions if first <= str(q.get("id", "")) <= last]


def answer_holders(articles: dict[str, str], golds: list[str]) -> set[str]:
    """Ids of the articles whose text holds one of the gold answers (case-insensitive, on word boundaries)."""
    found = set()
    for gold in (g.lower().strip() for g in golds):
        if not gold:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(gold) + r"(?!\w)")
        found |= {aid for aid, text in articles.items() if gold in text and pattern.search(text)}
    return found


def eval_settings(corpus_files: Sequence[Path], settings: Settings) -> Settings:
    """Settings whose index for `corpus_files` lives in the cache, keyed by their content and the index settings."""
    h = hashlib.sha256(b"files numbered\n")
    for path in corpus_files:
        h.update(Path(path).read_bytes())
    h.update(json.dumps([embedder_id(settings), chunking_params(settings)]).encode())
    root = settings.cache_dir / "eval" / h.hexdigest()[:16]
    corpus = root / "corpus"
    for n, path in enumerate(corpus_files):
        target = corpus / f"{n:02d}_{Path(path).name}"  # numbered: two files may share a name
        if not target.exists():
            corpus.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return settings.replace(corpus_dir=corpus, index_dir=root / "index")


def carries_time(question: dict[str, Any], as_of: str | None) -> bool:
    """Whether a question is about time: it has its own `as_of` or a time expression ('saat ini', '2019')."""
    when = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    return bool(question.get("as_of")) or parse_time(question["question"], when) is not None


def time_correct(question: dict[str, Any], ans: Answer) -> bool:
    """A time question is answered right when the answer's first paragraph (the short answer, else the first
    quote) holds a gold answer and none of the answers true at another time (`wrong`); an unanswerable one when
    it is declined."""
    if not question["answerable"]:
        return ans.abstained
    lead = _norm(ans.text.split("\n\n")[0])
    right = any(_norm(g) in lead for g in question["answers"])
    return not ans.abstained and right and not any(_norm(w) in lead for w in question.get("wrong", []))


def evaluate(
    corpus_file: Path | Sequence[Path],
    questions_file: Path,
    *,
    k: int = 10,
    limit: int = 0,
    ids: str = "",
    strict: bool = True,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Build (or reuse) the index for `corpus_file`, answer every question, return the report dict.

    With `strict`, every answerable question is asked a second time of the corpus without its gold passages and
    without every passage holding a gold answer (nothing left answers it): `unanswerable_abstain` is the share of
    those the answerer declined."""
    files = [Path(corpus_file)] if isinstance(corpus_file, (str, Path)) else [Path(f) for f in corpus_file]
    settings = eval_settings(files, settings or Settings.from_env())
    build_index(settings)
    retriever = load_retriever(settings)
    questions = load_questions(Path(questions_file))
    if ids:
        questions = select_ids(questions, ids)
    if 0 < limit < len(questions):  # an evenly spaced, deterministic sample
        questions = [questions[i * len(questions) // limit] for i in range(limit)]
    if not questions:
        raise InputError(f"{questions_file} tidak berisi pertanyaan.")
    answer(questions[0]["question"], k=k, settings=settings, retriever=retriever)  # warm-up
    texts = {aid: a.text.lower() for aid, a in retriever.store.articles().items()} if strict else {}
    # A question without its own `as_of` is asked as of the corpus's newest article: an evaluation corpus is a
    # snapshot, and 'tahun ini' in a 2005 question means 2005, not the day the evaluation runs.
    newest = (retriever.store.manifest.get("date_range") or {}).get("max")
    snapshot = settings.as_of or newest or None
    rows = []
    for i, q in enumerate(questions):
        t = time.perf_counter()
        as_of = q.get("as_of") or snapshot
        ans = answer(q["question"], k=k, settings=settings, retriever=retriever, as_of=as_of)
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
                "time": carries_time(q, as_of),
                "time_correct": time_correct(q, ans),
                "citations": [asdict(c) | {"quote": c.quote[:200]} for c in ans.citations],
            }
        )
        if strict and q["answerable"] and golds:
            gone = set(q["doc_ids"]) | answer_holders(texts, golds)
            blind = answer(
                q["question"], k=k, settings=settings, retriever=retriever.filtered(exclude=gone), as_of=as_of
            )
            rows[-1]["strict_abstained"] = blind.abstained
            rows[-1]["strict_short_answer"] = blind.short_answer
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
    shown = [r for r in ans if r.get("short_answer")]
    strict = [r for r in ans if "strict_abstained" in r]
    timed = [r for r in rows if r.get("time")]
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
        # a shown short answer counts as right at token F1 ≥ 0.5
        "short_answer_precision": round(mean(r["short_answer_f1"] >= 0.5 for r in shown), 4) if shown else None,
        "short_answer_coverage": round(len(shown) / len(ans), 4),
        "unanswerable_abstain": round(mean(r["strict_abstained"] for r in strict), 4) if strict else None,
        "time_questions": len(timed),
        "time_accuracy": round(mean(r["time_correct"] for r in timed), 4) if timed else None,
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p95": round(lat[max(0, round(0.95 * len(lat)) - 1)], 2),
        "per_question": rows,
    }
    return report


def format_report(report: dict[str, Any]) -> str:
    """Readable summary lines for the terminal."""
    lines = [f"{key:18s} {report[key]}" for key in REPORT_KEYS]
    return "\n".join(lines)
