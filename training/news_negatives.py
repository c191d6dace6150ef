"""News-domain negatives for the reader (issue #31): each question against the stretch of a CLICK-ID news article
that shares most of its rare words and holds none of its answers. At serving time the reader reads retrieved news
that is about something else; these teach it to say "no answer" there, not to quote the nearest name or number."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path

from tanya_sumsel.lang.normalize import STOPWORDS

_WORD = re.compile(r"\w+")
WORDS = 110  # about one reading window of Indonesian (the reader's 160 tokens with the question)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS}


class NewsParagraphs:
    """The paragraphs of a news corpus (JSON lines with `text`), indexed by word for a rare-word overlap search."""

    def __init__(self, path: Path) -> None:
        self.paragraphs: list[tuple[int, int]] = []  # (article, paragraph) per entry
        self.articles: list[list[str]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            paras = [p.strip() for p in json.loads(line)["text"].split("\n") if p.strip()]
            a = len(self.articles)
            self.articles.append(paras)
            for n, p in enumerate(paras):
                for w in _words(p):
                    postings[w].append(len(self.paragraphs))
                self.paragraphs.append((a, n))
        total = max(1, len(self.paragraphs))
        self.postings = dict(postings)
        self.idf = {w: math.log(total / len(ids)) for w, ids in self.postings.items()}

    def negative(self, question: str, answers: list[str]) -> str | None:
        """The stretch (best paragraph and its neighbours, about `WORDS` words) that shares most of the question's
        rare words and contains none of `answers` (None when no paragraph shares a word)."""
        scores: dict[int, float] = defaultdict(float)
        for w in _words(question):
            for i in self.postings.get(w, ()):
                scores[i] += self.idf[w]
        lower = [a.lower() for a in answers if a]
        for i in sorted(scores, key=lambda i: -scores[i])[:20]:
            a, n = self.paragraphs[i]
            paras = self.articles[a]
            lo = hi = n
            size = len(paras[n].split())
            while True:
                grow = [m for m in (hi + 1, lo - 1) if 0 <= m < len(paras) and size + len(paras[m].split()) <= WORDS]
                if not grow:
                    break
                size += len(paras[grow[0]].split())
                lo, hi = min(lo, grow[0]), max(hi, grow[0])
            text = "\n".join(paras[lo : hi + 1])
            if not any(x in text.lower() for x in lower):
                return text
        return None
