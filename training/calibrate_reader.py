"""Choose the learned reader's no-answer threshold and fit its probability calibration on validation data only.

It runs the product's own path (retrieval, sentence ranking, reading windows) over FacQA valid (q-dev-2496…2806:
each question asked as is, and again of the corpus without every passage holding its answer, which nothing then
answers) and IDK-MRC valid (retrieval over its passages; about half unanswerable). Each question's best reading is
right when its span matches a gold answer (token F1 ≥ 0.5) and the question is answerable. The threshold is the
lowest margin at which both unanswerable sets (FacQA strict, IDK-MRC's unanswerable) are declined at least 75% of
the time, so the product answers as much as that honesty floor allows; a logistic fit of margin → right gives the
probability.
Writes `threshold` and `calibration` into `src/tanya_sumsel/reading/model/reader.json`.

Usage: python training/calibrate_reader.py [--facqa DIR] [--idk DIR] [--record PATH] [--cache FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LAST_TRAIN, training_settings

from tanya_sumsel.evaluation import answer_holders, eval_settings, load_questions, token_f1
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.pipeline import pin_query_threads
from tanya_sumsel.reading import learned as reading
from tanya_sumsel.reading.reader import load_reader
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
FLOOR = 0.75  # the share of unanswerable questions the product must decline
RECORD = Path(__file__).resolve().parents[1] / "src" / "tanya_sumsel" / "reading" / "model" / "reader.json"


def best_reading(retriever: Retriever, question: str) -> tuple[float, str]:
    """(margin, span text) of the question's best reading over its retrieved passages ('' when none)."""
    reader = load_reader(retriever.settings)
    assert reader is not None
    _, best = reading.best_reading(
        question, retriever.search(question, 10), reader, scans=retriever.scan_of, first_sure=False
    )
    return (best.margin, best.text) if best is not None else (-1e9, "")


def collect(
    name: str, corpus: Path, questions: Path, strict: bool, valid_only: bool
) -> list[tuple[str, float, bool, bool]]:
    """(set, margin, whether answering it is right, answerable) per question (and per strict variant)."""
    settings = eval_settings([corpus], training_settings(reader="learned"))
    build_index(settings)
    pin_query_threads()
    retriever = load_retriever(settings)
    texts = {aid: a.text.lower() for aid, a in retriever.store.articles().items()}
    rows = []
    for q in load_questions(questions):
        if valid_only and int(q["id"].rsplit("-", 1)[1]) <= LAST_TRAIN:
            continue
        margin, text = best_reading(retriever, q["question"])
        right = q["answerable"] and max((token_f1(text, g) for g in q["answers"]), default=0.0) >= 0.5
        rows.append((name, margin, bool(right), bool(q["answerable"])))
        if strict and q["answerable"]:
            gone = set(q["doc_ids"]) | answer_holders(texts, q["answers"])
            margin, _ = best_reading(retriever.filtered(exclude=gone), q["question"])
            rows.append((name + "-strict", margin, False, False))
    return rows


def main() -> None:
    """Collect margins on both valid sets, choose the threshold, fit the calibration, write the record."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facqa", type=Path, default=SHARED / "facqa-dev")
    ap.add_argument("--idk", type=Path, default=SHARED / "idk-mrc-valid")
    ap.add_argument("--record", type=Path, default=RECORD)
    ap.add_argument("--cache", type=Path, help="reuse (or write) the collected margins here (JSON)")
    args = ap.parse_args()
    began = time.monotonic()
    if args.cache and args.cache.exists():
        rows = [tuple(r) for r in json.loads(args.cache.read_text(encoding="utf-8"))]
    else:
        rows = collect("facqa-valid", args.facqa / "corpus.jsonl", args.facqa / "questions.jsonl", True, True)
        rows += collect("idk-mrc-valid", args.idk / "corpus.jsonl", args.idk / "questions.jsonl", False, False)
        if args.cache:
            args.cache.write_text(json.dumps(rows), encoding="utf-8")
    margins = np.array([r[1] for r in rows])
    right = np.array([r[2] for r in rows])
    sets = np.array([r[0] + ("" if r[3] else "-unanswerable") if r[0] == "idk-mrc-valid" else r[0] for r in rows])
    unanswerable = np.array([not r[3] for r in rows])

    # The lowest margin at which every unanswerable set is declined at least FLOOR of the time: as honest as the
    # product promises, and answering as much as that allows
    groups = [sets == name for name in sorted(set(sets[unanswerable]))]
    candidates = np.unique(np.round(margins[margins > -1e8], 2))
    meets = [t for t in candidates if all((margins[g] < t).mean() >= FLOOR for g in groups)]
    threshold = float(min(meets)) if meets else float(candidates.max())
    from sklearn.linear_model import LogisticRegression

    keep = margins > -1e8
    fit = LogisticRegression().fit(margins[keep, None], right[keep])
    calibration = [round(float(fit.coef_[0][0]), 6), round(float(fit.intercept_[0]), 6)]
    print(
        f"{len(rows)} readings in {time.monotonic() - began:.0f} s; threshold {threshold:.2f}, calibration {calibration}"
    )
    for name in sorted(set(sets)):
        pick = sets == name
        answered = margins[pick] >= threshold
        print(
            f"  {name}: n {pick.sum()}, answered {answered.mean():.3f}, right when answered "
            f"{(right[pick] & answered).sum() / max(1, answered.sum()):.3f}"
        )
    record = json.loads(args.record.read_text(encoding="utf-8"))
    record |= {
        "threshold": round(threshold, 4),
        "calibration": calibration,
        "threshold_from": "training/calibrate_reader.py on facqa-dev valid (q-dev-2496…2806, as is and strict) "
        "and idk-mrc-valid",
    }
    args.record.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"record: {args.record}")


if __name__ == "__main__":
    main()
