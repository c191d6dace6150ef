"""Rendering an `Answer`: plain text for the terminal and the HTTP API, inert HTML for the chat and the sources
panel. One place, so the CLI and the UI show the same answer the same way."""

from __future__ import annotations

import html
import re

from .answer import citation_meta
from .results import Answer


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


def sources_html(ans: Answer) -> str:
    """Numbered sources with the quoted sentence highlighted in its passage; all article text escaped."""
    if not ans.citations:
        return "<p>Tidak ada sumber untuk jawaban ini.</p>" if ans.language == "id" else "<p>No sources.</p>"
    parts = []
    for c in ans.citations:
        passage = next(
            (p for p in ans.passages if p.article_id == c.article_id and p.start <= c.start and c.end <= p.end), None
        )
        text, offset = (passage.text, passage.start) if passage else (c.quote, c.start)
        a, b = c.start - offset, c.end - offset
        h1, h2 = (c.highlight[0] - offset, c.highlight[1] - offset) if c.highlight else (b, b)
        body = (
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
        meta = " · ".join(html.escape(x) for x in citation_meta(c, ans.language))
        link = (
            f' · <a href="{html.escape(c.url, quote=True)}" target="_blank" rel="noopener noreferrer">tautan</a>'
            if c.url and c.url.startswith(("http://", "https://"))
            else ""
        )
        parts.append(
            f'<div class="tanya-source" id="sumber-{c.number}"><b>[{c.number}] {html.escape(c.title)}</b>'
            f"<br><small>{meta}{link}</small><p>{body}</p></div>"
        )
    return "\n".join(parts)


def chat_text(ans: Answer) -> str:
    """The answer for the chat bubble, with notices. The chat renders no markdown and this escapes HTML, so
    article text (quotes, titles) shows exactly as written: no image, link or tag in it is ever interpreted."""
    lines = [ans.text, *(f"ⓘ {n}" for n in ans.notices)]
    if ans.dropped:
        label = "Removed by the citation check" if ans.language == "en" else "Dihapus oleh pemeriksaan sumber"
        lines.append(f"ⓘ {label}: {len(ans.dropped)} kalimat/penanda.")
    return html.escape("\n\n".join(lines), quote=False)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:])")


def inert(text: str) -> str:
    """`text` (a file name, an error naming one) for a Markdown component: HTML escaped and every Markdown mark
    backslash-escaped, so it shows as written."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))
