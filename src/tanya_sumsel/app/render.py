"""Rendering an `Answer`: plain text for the terminal and the HTTP API, inert HTML for the chat and the sources
panel. One place, so the CLI and the UI show the same answer the same way."""

from __future__ import annotations

import html
import re

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.reading.rules import citation_meta
from tanya_sumsel.types import Answer


def format_answer(ans: Answer) -> str:
    """Answer text followed by its numbered sources, as plain text (the terminal, the HTTP API)."""
    lines = [ans.text]
    lines += [f"({n})" for n in ans.notices]
    if ans.dropped:
        lines.append(
            ("Removed by citation check: " if ans.language == "en" else "Dihapus oleh pemeriksaan sumber: ")
            + "; ".join(ans.dropped)
        )
    if ans.citations:
        lines += ["", "Sources:" if ans.language == "en" else "Sumber:"]
        for c in ans.citations:
            meta = " · ".join([*citation_meta(c, ans.language), *([c.url] if c.url else [])])
            lines.append(f"[{c.number}] {c.title} — {meta}")
            lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def _context(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) widened by one sentence on each side, within `text` (the chunker's sentences: 'Dr.' ends none)."""
    sentences = split_sentences(text)
    if not sentences:
        return 0, len(text)
    i = next((n for n, s in enumerate(sentences) if s.end > a), len(sentences) - 1)
    j = max((n for n, s in enumerate(sentences) if s.start < b), default=i)
    return (sentences[i - 1].start if i > 0 else 0), (sentences[j + 1].end if j + 1 < len(sentences) else len(text))


def _marked(text: str, a: int, b: int, h1: int, h2: int) -> str:
    """`text` escaped, with [a, b) marked and [h1, h2) (the short answer) in bold inside it."""
    h1, h2 = max(a, min(h1, b)), max(a, min(h2, b))
    return (
        html.escape(text[:a])
        + "<mark>"
        + html.escape(text[a:h1])
        + "<strong>"
        + html.escape(text[h1:h2])
        + "</strong>"
        + html.escape(text[h2:b])
        + "</mark>"
        + html.escape(text[b:])
    )


def sources_html(ans: Answer) -> str:
    """One card per cited article with all its citation numbers: each cited sentence with a sentence of context
    and the short answer in bold, the whole passage behind a toggle; all article text escaped."""
    if not ans.citations:
        return "<p>Tidak ada sumber untuk jawaban ini.</p>" if ans.language == "id" else "<p>No sources.</p>"
    en = ans.language == "en"
    cards: dict[str, list] = {}  # type: ignore[type-arg]
    for c in ans.citations:
        cards.setdefault(c.article_id, []).append(c)
    parts = []
    for cited in cards.values():
        first = cited[0]
        numbers = "".join(f"[{c.number}]" for c in cited)
        anchors = "".join(f'<a id="sumber-{c.number}"></a>' for c in cited)
        meta = " · ".join(html.escape(x) for x in citation_meta(first, ans.language))
        link = (
            f' · <a href="{html.escape(first.url, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{'link' if en else 'tautan'}</a>"
            if first.url and first.url.startswith(("http://", "https://"))
            else ""
        )
        quotes, shown = [], set()
        for c in cited:
            passage = next(
                (p for p in ans.passages if p.article_id == c.article_id and p.start <= c.start and c.end <= p.end),
                None,
            )
            text, offset = (passage.text, passage.start) if passage else (c.quote, c.start)
            a, b = c.start - offset, c.end - offset
            h1, h2 = (c.highlight[0] - offset, c.highlight[1] - offset) if c.highlight else (b, b)
            lo, hi = _context(text, a, b)
            quotes.append(
                f'<p class="tanya-quote"><b>[{c.number}]</b> {"…" if lo else ""}'
                f"{_marked(text[lo:hi], a - lo, b - lo, h1 - lo, h2 - lo)}{'…' if hi < len(text) else ''}</p>"
            )
            if passage is not None and (passage.start, passage.end) not in shown:
                shown.add((passage.start, passage.end))
                quotes.append(
                    f"<details><summary>{'show the article passage' if en else 'tampilkan artikel'}</summary>"
                    f"<p>{_marked(text, a, b, h1, h2)}</p></details>"
                )
        parts.append(
            f'<div class="tanya-source">{anchors}<b>{numbers} {html.escape(first.title)}</b>'
            f"<br><small>{meta}{link}</small>{''.join(quotes)}</div>"
        )
    return "\n".join(parts)


def chat_text(ans: Answer, *, links: bool = True) -> str:
    """The answer for the chat bubble, with notices. The chat renders no markdown and this escapes HTML, so
    article text (quotes, titles) shows exactly as written: no image, link or tag in it is ever interpreted. The
    only markup is ours, added after escaping: each `[n]` of a citation links to its card (`sumber-n`)."""
    lines = [ans.text, *(f"ⓘ {n}" for n in ans.notices)]
    if ans.dropped:
        label = "Removed by the citation check" if ans.language == "en" else "Dihapus oleh pemeriksaan sumber"
        lines.append(f"ⓘ {label}: {len(ans.dropped)} kalimat/penanda.")
    text = html.escape("\n\n".join(lines), quote=False)
    numbers = {c.number for c in ans.citations}
    if not links or not numbers:
        return text
    return _MARKER.sub(
        lambda m: (
            f'<a href="#sumber-{m.group(1)}" class="tanya-cite">[{m.group(1)}]</a>'
            if int(m.group(1)) in numbers
            else m.group(0)
        ),
        text,
    )


_MARKER = re.compile(r"\[(\d{1,3})\]")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:])")


def inert(text: str) -> str:
    """`text` (a file name, an error naming one) for a Markdown component: HTML escaped and every Markdown mark
    backslash-escaped, so it shows as written."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))
