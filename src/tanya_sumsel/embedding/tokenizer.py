"""The e5 tokenizer for questions, in plain Python: the same ids as the `tokenizers` library's reading of the
converted `tokenizer.json` (NFKC, collapsed spaces, Metaspace words, Unigram Viterbi with fused unknowns), but it
loads in ~0.1 s and ~55 MB where that library takes ~0.6 s and ~280 MB for this 250,002-piece vocabulary."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

BOS, EOS = 0, 2
_SPACES = re.compile(" {2,}")
_WORDS = re.compile("▁[^▁]*|[^▁]+")
_NEVER = float("-inf")
# Unicode White_Space, what the tokenizers library strips (str.strip would also drop \x1c-\x1f)
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_NON_WHITE = re.compile(f"[^{_WHITE}]+")  # a word, as the tokenizers library splits text
WORDS_REMEMBERED = 32768  # segmented words kept (a few MB)
_UNK_PENALTY = 10.0  # what an unknown character costs below the rarest piece (sentencepiece's kUnkPenalty)


def write_vocab(tokenizer_json: Path, folder: Path) -> None:
    """Save the Unigram pieces (one per line) and their scores beside the query model."""
    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    model = spec["model"]
    if model["type"] != "Unigram" or any("\n" in p for p, _ in model["vocab"]):
        raise ValueError(f"{tokenizer_json} is not the e5 Unigram vocabulary this tokenizer reads")
    specials = [t["id"] for t in spec["added_tokens"] if t.get("special")]
    (folder / "pieces.txt").write_text("\n".join(p for p, _ in model["vocab"]), encoding="utf-8")
    np.save(folder / "scores.npy", np.array([s for _, s in model["vocab"]], dtype=np.float64))
    (folder / "vocab.json").write_text(json.dumps({"unk_id": model["unk_id"], "specials": specials}))


class E5Tokenizer:
    """Text → token ids with `<s>` … `</s>`, truncated to `max_len`."""

    def __init__(self, folder: Path, max_len: int = 512) -> None:
        meta = json.loads((folder / "vocab.json").read_text())
        pieces = (folder / "pieces.txt").read_text(encoding="utf-8").split("\n")
        self.unk = int(meta["unk_id"])
        skip = {self.unk, *meta["specials"]}  # specials are never matched inside text
        self.ids = {p: i for i, p in enumerate(pieces) if i not in skip}
        self.pieces = pieces
        self.scores: list[float] = np.load(folder / "scores.npy").tolist()
        self.unk_score = min(self.scores) - _UNK_PENALTY
        self.longest = max(map(len, pieces))
        self.max_len = max_len
        # News repeats its words: the reader's windows and the questions hit this for most of theirs
        self._word = lru_cache(maxsize=WORDS_REMEMBERED)(self._segment)

    def _segment(self, word: str) -> tuple[int, ...]:
        """Best-scoring segmentation of one ▁-prefixed word; a run of unknown characters is one `<unk>`."""
        n, ids, scores, longest = len(word), self.ids, self.scores, self.longest
        best = [0.0] + [_NEVER] * n
        back = [(0, 0)] * (n + 1)
        for i in range(n):
            base = best[i]
            if base == _NEVER:
                continue
            single = False
            for j in range(i + 1, min(n, i + longest) + 1):
                pid = ids.get(word[i:j])
                if pid is not None:
                    single = single or j == i + 1
                    score = base + scores[pid]
                    if score > best[j]:
                        best[j], back[j] = score, (i, pid)
            if not single and base + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = base + self.unk_score, (i, self.unk)
        out, j = [], n
        while j > 0:
            j, pid = back[j]
            if not (pid == self.unk and out and out[-1] == self.unk):
                out.append(pid)
        return tuple(out[::-1])

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`, specials included."""
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip(_WHITE)
        ids = [BOS]
        if text:
            text = text.replace(" ", "▁")
            for word in _WORDS.findall(text if text.startswith("▁") else "▁" + text):  # as Metaspace prepends
                ids += self._word(word)
                if len(ids) >= self.max_len - 1:
                    break
        return [*ids[: self.max_len - 1], EOS]

    def pieces_with_offsets(self, text: str) -> list[tuple[int, int, int]]:
        """(id, start, end) of each piece of `text` (no specials), offsets into `text` itself: a passage's tokens,
        so a span the reader finds maps back to the exact characters quoted. A word whose normalization changes
        its length gives each of its pieces the whole word's offsets."""
        out: list[tuple[int, int, int]] = []
        for match in _NON_WHITE.finditer(text):
            word, a = match.group(), match.start()
            norm = unicodedata.normalize("NFKC", word)
            ids = self._word("▁" + norm.replace(" ", "▁")) if norm.strip() else []
            if len(norm) != len(word) or self.unk in ids:
                out += [(i, a, match.end()) for i in ids]
                continue
            pos = a
            for n, i in enumerate(ids):
                length = len(self.pieces[i]) - (1 if n == 0 else 0)  # the first piece carries the word's ▁
                out.append((i, pos, pos + max(length, 0)))
                pos += max(length, 0)
        return out


@lru_cache(maxsize=4)
def _loaded(folder: Path) -> E5Tokenizer:
    return E5Tokenizer(folder)


def load_tokenizer(folder: Path, max_len: int) -> E5Tokenizer:
    """The folder's tokenizer, truncating at `max_len`. The vocabulary (~46 MB) and the word memory are loaded once
    per process and shared: the question encoder and the reader read the same vocabulary."""
    shared = copy.copy(_loaded(folder.resolve()))  # a shallow copy: only `max_len` is its own
    shared.max_len = max_len
    return shared
