"""Citation verification against a scripted model that invents one unsupported claim per answer.

For facqa-dev questions the scripted "model" answers with the retrieved passage's sentence that holds the gold
answer (a supported claim, cited [1]) plus one invented claim of a rotating kind: a number that is in no
passage, a name that is in no passage, a marker pointing at no passage, or a fluent sentence the passage does
not support. Prints the share of invented claims caught and of supported claims kept.

Usage: python benchmarks/verify_catch.py [--limit 300]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.evaluation import eval_settings, load_questions
from tanya_sumsel.generation.chain import assemble
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"
INVENTED = [
    lambda r: f"Anggaran kegiatan itu mencapai Rp {r.randint(11, 97)},{r.randint(1, 9)} triliun [1].",
    lambda r: f"Jumlah peserta tercatat {r.randint(1001, 9999)} orang [1].",
    lambda r: (
        f"Acara itu dibuka langsung oleh Menteri {r.choice(['Budi Santoso', 'Rina Kartika', 'Joko Prasetyo'])} [1]."
    ),
    lambda r: "Keputusan itu juga didukung oleh seluruh negara anggota PBB [9].",
    lambda r: "Keputusan itu juga didukung oleh seluruh negara anggota PBB [2].",
    lambda r: "Warga setempat menyambut gembira pembangunan jembatan layang baru di kawasan itu [1].",
    lambda r: f"Kegiatan serupa akan digelar lagi pada {r.randint(1, 28)} Desember {r.randint(2030, 2040)} [1].",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=300)
    args = ap.parse_args()
    settings = eval_settings([EVAL / "corpus.jsonl"], Settings.from_env())
    build_index(settings)
    retriever = load_retriever(settings)
    rng = random.Random(7)
    questions = load_questions(EVAL / "questions.jsonl")
    questions = [questions[i * len(questions) // args.limit] for i in range(args.limit)]
    answered = caught = kept = 0
    by_kind = [[0, 0] for _ in INVENTED]
    for i, q in enumerate(questions):
        passages = retriever.search(q["question"], 5)
        if not passages:
            continue
        true = next(
            (s.text for s in split_sentences(passages[0].text) if any(a in s.text for a in q["answers"])),
            split_sentences(passages[0].text)[0].text,
        )
        kind = i % len(INVENTED)
        invented = INVENTED[kind](rng)
        scripted = f"{true.rstrip('.')} [1]. {invented}"
        ans = assemble(q["question"], scripted, passages, "id")
        answered += 1
        text = ans.text if ans else ""
        hit = invented.split(" [")[0].rstrip(".") not in text
        caught += hit
        by_kind[kind][0] += hit
        by_kind[kind][1] += 1
        kept += bool(ans) and true.rstrip(".")[:60] in text
    print(f"scripted answers: {answered}")
    print(f"invented claims caught: {caught}/{answered} = {caught / answered:.1%}")
    for k, (hit, n) in enumerate(by_kind):
        print(f"  kind {k} ({INVENTED[k](random.Random(0))[:50]}…): {hit}/{n}")
    print(f"supported claims kept: {kept}/{answered} = {kept / answered:.1%}")


if __name__ == "__main__":
    main()
