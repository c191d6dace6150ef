"""Every training script runs end to end on tiny data (a FacQA-shaped set written here), so `training/` can never
again fail at import or on a renamed function. The figures are meaningless at this size; what is checked is that
each script finishes and writes a model file the package can load."""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLACES = ["Muara Enim", "Lahat", "Banyuasin", "Ogan Ilir", "Musi Rawas", "Prabumulih", "Pagar Alam", "Lubuklinggau"]
NAMES = [
    "Ahmad Rizal",
    "Siti Aminah",
    "Budi Santoso",
    "Dewi Lestari",
    "Hendra Gunawan",
    "Rina Marlina",
    "Joko Susilo",
    "Maya Sari",
]


def tiny_facqa(root: Path) -> tuple[Path, Path]:
    """24 passages and 24 questions, numbered like FacQA's splits (18 train, 6 valid)."""
    passages, questions = [], []
    for i in range(24):
        place, name = PLACES[i % 8], NAMES[(i * 3) % 8]
        pid = f"facqa-dev-{i + 1:04d}"
        text = (
            f"Banjir merendam {40 + i} rumah di Kabupaten {place} pada pekan lalu. Bupati {name} meninjau lokasi "
            f"bersama {10 + i} personel BPBD dan menyalurkan {100 + i} paket bantuan."
        )
        passages.append(
            {"id": pid, "title": text[:40], "date": None, "source": "FacQA (tiny)", "url": None, "text": text}
        )
        number = i + 1 if i < 18 else 2496 + i - 18
        kind = i % 3
        question, gold = (
            (f"Siapa bupati yang meninjau banjir di {place} bersama {10 + i} personel?", name)
            if kind == 0
            else (f"Berapa rumah terendam banjir di {place} saat {100 + i} paket bantuan disalurkan?", f"{40 + i}")
            if kind == 1
            else (f"Berapa personel BPBD yang ikut bupati {name} dengan {100 + i} paket?", f"{10 + i}")
        )
        questions.append({"id": f"q-dev-{number:04d}", "question": question, "answers": [gold], "doc_ids": [pid]})
    corpus, qfile = root / "corpus.jsonl", root / "questions.jsonl"
    corpus.write_text("\n".join(json.dumps(p) for p in passages) + "\n", encoding="utf-8")
    qfile.write_text("\n".join(json.dumps(q) for q in questions) + "\n", encoding="utf-8")
    return corpus, qfile


def run_script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "training" / name), *args], capture_output=True, text=True, timeout=900, cwd=ROOT
    )
    assert out.returncode == 0, f"{name} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.mark.slow  # the scripts build a small index with the real e5 model
def test_every_training_script_runs_on_tiny_data(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus, questions = tiny_facqa(tmp_path)
    data = ["--corpus", str(corpus), "--questions", str(questions)]
    short = tmp_path / "short_answer_model.json"
    run_script("train_short_answer.py", *data, "--epochs", "2", "--seeds", "1", "--out", str(short))
    rerank = tmp_path / "rerank_model.json"
    run_script("train_rerank.py", *data, "--epochs", "2", "--seeds", "1", "--out", str(rerank))
    out_dir = tmp_path / "abstain"
    out_dir.mkdir()
    run_script("train_abstain.py", *data, "--out-dir", str(out_dir))
    for path in (short, rerank, out_dir / "abstain_model.json", out_dir / "show_model.json"):
        model = json.loads(path.read_text(encoding="utf-8"))
        assert model["training"]["data"] == {
            "corpus.jsonl": model["training"]["data"]["corpus.jsonl"],
            "questions.jsonl": model["training"]["data"]["questions.jsonl"],
        }
        assert len(model["training"]["data"]["corpus.jsonl"]) == 64  # a SHA-256 of the data it was trained on
    from tanya_sumsel.lang.span_columns import FEATURE_NAMES

    # the span scorer lists the columns it was trained on, which is what the package checks before loading it
    assert json.loads(short.read_text(encoding="utf-8"))["features"] == list(FEATURE_NAMES)


def tiny_idk(root: Path, corpus: Path, questions: Path) -> Path:
    """An IDK-MRC-shaped folder from the tiny FacQA set: each question answerable on its passage, and unanswerable
    on the next one."""
    root.mkdir()
    passages = [json.loads(x) for x in corpus.read_text(encoding="utf-8").splitlines()]
    texts = {p["id"]: p["text"] for p in passages}
    rows = []
    for n, q in enumerate(json.loads(x) for x in questions.read_text(encoding="utf-8").splitlines()):
        pid, other = q["doc_ids"][0], passages[(n + 1) % len(passages)]["id"]
        start = texts[pid].index(q["answers"][0])
        rows.append({**q, "spans": [[start, q["answers"][0]]], "passage_id": pid, "answerable": True})
        rows.append(
            {
                **q,
                "id": q["id"] + "-u",
                "answers": [],
                "spans": [],
                "doc_ids": [],
                "passage_id": other,
                "answerable": False,
            }
        )
    (root / "corpus.jsonl").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return root


@pytest.mark.slow  # the real e5 weights, a few training steps
def test_the_reader_trains_checkpoints_and_resumes_on_tiny_data(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus, questions = tiny_facqa(tmp_path)
    idk = tiny_idk(tmp_path / "idk", corpus, questions)
    news = tmp_path / "news.jsonl"  # news about other floods: the reader's news-domain negatives come from here
    news.write_text(
        "\n".join(
            json.dumps({"id": f"news-{n}", "text": f"Banjir merendam rumah warga di Kabupaten {p}.\nBPBD {p} siaga."})
            for n, p in enumerate(["Lahat", "Empat Lawang", "Musi Rawas"])
        ),
        encoding="utf-8",
    )
    common = [
        "--news",
        str(news),
        "--news-share",
        "0.5",
        "--idk-train",
        str(idk),
        "--idk-valid",
        str(idk),
        "--facqa",
        str(tmp_path),
        "--freeze",
        "11",
        "--epochs",
        "2",
        "--batch",
        "8",
        "--max-len",
        "96",
        "--work",
        str(tmp_path / "work"),
        "--english",
        "0.3",
    ]
    first = run_script("train_reader.py", *common, "--max-minutes", "0")  # stops (and checkpoints) after one step
    assert "time budget spent at step 1/" in first.stdout, first.stdout
    made = re.search(r"(\d+) news negatives", first.stdout)
    assert made and int(made.group(1)) > 0, first.stdout
    out = tmp_path / "reader.safetensors"
    second = run_script("train_reader.py", *common, "--out", str(out))
    assert "resumed at step 1/" in second.stdout and "no-answer threshold" in second.stdout, second.stdout
    from safetensors.numpy import load_file

    weights = load_file(str(out))
    assert weights["head.weight"].shape == (2, 384) and any(k.startswith("layers.0.") for k in weights)
    record = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["freeze"] == 11 and len(record["data"]) == 5 and "idk-mrc-valid" in record["figures"]
    assert record["news_share"] == 0.5 and "news.jsonl" in " ".join(record["data"])
    # The second stage: the trained reader continued on written English questions (training/data/), as the shipped
    # reader is made
    english = tmp_path / "english.jsonl"
    english.write_text(
        "\n".join(json.dumps({"id": f"q-dev-000{n}", "question": f"Who inspected flood {n}?"}) for n in (1, 4)),
        encoding="utf-8",
    )
    tuned = tmp_path / "tuned.safetensors"
    third = run_script(
        "train_reader.py",
        *common,
        "--english-file",
        str(english),
        "--near-miss",
        "1.0",
        "--init",
        str(out),
        "--out",
        str(tuned),
    )
    assert "4 English examples" in third.stdout and "no-answer threshold" in third.stdout, third.stdout
    made = re.search(r"(\d+) near-miss questions", third.stdout)  # 'Siapa bupati …' asked of the deputy
    assert made and int(made.group(1)) > 0, third.stdout
    record = json.loads(tuned.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["init"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "english.jsonl" in " ".join(record["data"])
    english.write_text(json.dumps({"id": "q-dev-2496", "question": "Who?"}), encoding="utf-8")  # a valid question
    refused = subprocess.run(
        [sys.executable, str(ROOT / "training" / "train_reader.py"), *common, "--english-file", str(english)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert refused.returncode != 0 and "validation questions" in refused.stderr, refused.stderr


@pytest.mark.slow  # the shipped reader over two tiny indexes
def test_the_reader_calibration_runs_on_tiny_data(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus, questions = tiny_facqa(tmp_path)
    idk = tiny_idk(tmp_path / "idk", corpus, questions)
    record = tmp_path / "reader.json"
    record.write_text(
        (ROOT / "src/tanya_sumsel/reading/model/reader.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = run_script("calibrate_reader.py", "--facqa", str(tmp_path), "--idk", str(idk), "--record", str(record))
    assert "threshold" in out.stdout and "idk-mrc-valid-unanswerable" in out.stdout, out.stdout
    written = json.loads(record.read_text(encoding="utf-8"))
    assert isinstance(written["threshold"], float) and len(written["calibration"]) == 2
    assert written["threshold_from"].startswith("training/calibrate_reader.py")


def test_a_near_miss_changes_one_detail_its_passage_does_not_hold() -> None:
    """training/near_miss.py: the unanswerable twin of an answerable question, for the reader to decline."""
    sys.path.insert(0, str(ROOT / "training"))
    from near_miss import near_miss

    rng = random.Random(0)
    passage = "Jembatan Musi VI sepanjang 1.140 meter diresmikan Gubernur Sumsel Herman Deru pada 2024."
    assert near_miss("Berapa panjang Jembatan Musi VI?", passage, rng) in {
        "Berapa panjang Jembatan Musi V?",
        "Berapa panjang Jembatan Musi VII?",
    }
    for _ in range(10):  # a year or the numeral: whichever is changed, the passage never says it
        asked = "Siapa yang meresmikan Jembatan Musi VI pada 2024?"
        changed = near_miss(asked, passage, rng)
        assert changed is not None
        (new,) = set(changed.rstrip("?").split()) - set(asked.rstrip("?").split())  # one word changed
        assert re.search(rf"\b{new}\b", passage) is None, changed
    assert near_miss("Siapa Gubernur Sumsel?", passage, rng) == "Siapa Wakil Gubernur Sumsel?"
    assert near_miss("Siapa Gubernur Sumsel?", passage + " Wakil Gubernur Cik Ujang hadir.", rng) is None
    assert near_miss("Apa yang diresmikan?", passage, rng) is None  # nothing to change
