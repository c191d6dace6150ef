"""The learned reader's cost inside answer(), against what a user would assemble instead, in the same run.

Usage: python benchmarks/reader_speed.py [--articles 5000] [--questions 100]
Corpus: the CLICK-ID articles, the written South Sumatra and dated sets and the founding article (the index is the
one `tanya-sumsel eval` caches for these files). Questions: the written South Sumatra set and FacQA valid questions,
cycled. Per question, interleaved:
- Tanya: the full `answer()` with `reader="learned"` (retrieval, reading windows through the int8 reader on one thread, citations);
- baseline: the LangChain retriever (`TanyaRetriever`, k=5) plus the same reader weights in torch (one thread) read
  the way transformers' question-answering pipeline did (removed in transformers 5) over its three best passages.
Prints p50/p95 of each, their ratio, and this process's RSS before torch is loaded for the baseline.
"""

from __future__ import annotations

import argparse
import json
import time

from corpora import DATA, ROOT, serving_corpus

from tanya_sumsel import answer
from tanya_sumsel.evaluation import eval_settings
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.integrations.langchain import TanyaRetriever
from tanya_sumsel.pipeline import pin_query_threads
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings

SHARED = ROOT.parent / "shared"


def questions(n: int) -> list[str]:
    """The written South Sumatra questions, then FacQA valid's, `n` in all."""
    own = [json.loads(x)["question"] for x in (DATA / "sumsel" / "questions.jsonl").read_text("utf-8").splitlines()]
    facqa = [json.loads(x) for x in (SHARED / "eval" / "facqa-dev" / "questions.jsonl").read_text("utf-8").splitlines()]
    valid = [q["question"] for q in facqa if int(q["id"].rsplit("-", 1)[1]) > 2495]
    return [*own, *valid][:n]


def torch_reader(settings: Settings):  # type: ignore[no-untyped-def]
    """What a user would assemble: the shipped reader weights (base e5 + trained layers + head) in torch, read the
    way transformers' question-answering pipeline did (transformers 5 removed that pipeline): tokenize question +
    passage, one forward pass, the best span of at most 30 tokens against the no-answer score."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertForQuestionAnswering

    from tanya_sumsel.embedding.e5_convert import ensure_converted
    from tanya_sumsel.reading.export import shipped

    torch.set_num_threads(1)
    folder = ensure_converted(settings.cache_dir / "models")
    weights, record = shipped()
    model = BertForQuestionAnswering.from_pretrained(str(folder)).eval()
    trained = load_file(str(weights))
    for n, layer in enumerate(model.bert.encoder.layer[int(record["freeze"]) :]):
        p = f"layers.{n}."
        layer.load_state_dict({k[len(p) :]: v.float() for k, v in trained.items() if k.startswith(p)})
    model.qa_outputs.load_state_dict({"weight": trained["head.weight"].float(), "bias": trained["head.bias"].float()})
    tokenizer = AutoTokenizer.from_pretrained(str(folder))

    def read(question: str, context: str) -> tuple[float, str]:
        enc = tokenizer(
            question,
            context,
            truncation="only_second",
            max_length=int(record["max_len"]),
            return_offsets_mapping=True,
            return_tensors="pt",
        )
        offsets = enc.pop("offset_mapping")[0]
        passage = torch.tensor([s == 1 for s in enc.sequence_ids(0)])
        with torch.no_grad():
            out = model(**enc)
        s, e = out.start_logits[0], out.end_logits[0]
        pair = (s[:, None] + e[None, :]).masked_fill(~(passage[:, None] & passage[None, :]), -1e9)
        pair = (
            torch.triu(pair) - torch.tril(torch.full_like(pair, 1e9), -1) - torch.triu(torch.full_like(pair, 1e9), 30)
        )
        i, j = divmod(int(pair.argmax()), pair.shape[1])
        margin = float(pair[i, j] - (s[0] + e[0]))
        return margin, context[int(offsets[i][0]) : int(offsets[j][1])]

    return read


def serving_rss(settings: Settings, asked: list[str]) -> float:
    """RSS (MB) of a fresh serving process that answered `asked` (this one also built the index)."""
    import subprocess
    import sys

    code = (
        "import json, sys, psutil\n"
        "from tanya_sumsel import answer\nfrom tanya_sumsel.settings import Settings\n"
        "s = Settings.from_env(**json.loads(sys.argv[1]))\n"
        "for q in json.loads(sys.argv[2]): answer(q, settings=s)\n"
        "print(psutil.Process().memory_info().rss / 2**20, 'torch' in sys.modules)"
    )
    where = json.dumps(
        {
            "corpus_dir": str(settings.corpus_dir),
            "index_dir": str(settings.index_dir),
            "threads": 1,
            "reader": "learned",
        }
    )
    out = subprocess.run([sys.executable, "-c", code, where, json.dumps(asked)], capture_output=True, text=True)
    mb, torch_loaded = out.stdout.split()[-2:]
    print(f"serving process: torch loaded: {torch_loaded}")
    return float(mb)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) in ms."""
    s = sorted(values)
    return 1000 * s[max(0, round(q * len(s)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    files = serving_corpus(args.articles)
    settings = eval_settings(files, Settings.from_env(threads=1, reader="learned"))
    t = time.perf_counter()
    print(f"index: {build_index(settings).summary()} ({time.perf_counter() - t:.0f} s)")
    pin_query_threads()
    retriever = load_retriever(settings)
    asked = questions(args.questions)
    for q in asked[:3]:
        answer(q, settings=settings, retriever=retriever)  # warm-up: the reader is assembled and loaded
    rss = serving_rss(settings, asked[:20])
    lc = TanyaRetriever(k=5, settings=settings)
    qa = torch_reader(settings)
    ours, theirs, agree = [], [], 0
    for q in asked:
        t = time.perf_counter()
        mine = answer(q, settings=settings, retriever=retriever)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        docs = lc.invoke(q)
        outs = [qa(q, d.page_content) for d in docs[:3]]
        theirs.append(time.perf_counter() - t)
        best = max(outs, default=(0.0, ""))
        agree += bool(mine.short_answer) and mine.short_answer in best[1]
    o50, o95, t50, t95 = pct(ours, 0.5), pct(ours, 0.95), pct(theirs, 0.5), pct(theirs, 0.95)
    print(f"{len(asked)} questions, 1 thread each")
    print(f"Tanya answer():               p50 {o50:.1f} ms, p95 {o95:.1f} ms")
    print(f"LangChain + torch reader:     p50 {t50:.1f} ms, p95 {t95:.1f} ms")
    print(f"ratio (Tanya / baseline):     p50 {o50 / t50:.2f}x, p95 {o95 / t95:.2f}x")
    print(f"serving RSS (a fresh process after 20 answers): {rss:.0f} MB; same short answer: {agree}/{len(asked)}")


if __name__ == "__main__":
    main()
