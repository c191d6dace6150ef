"""Generate: the LangChain retrieval chain (retrieve → prompt → chat model) with verified citations,
follow-up handling, and the extractive answerer as its fallback."""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.generation.llm import prompt_text
from tanya_sumsel.generation.verify import Claim, verify
from tanya_sumsel.lang.dates import format_date
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.question.analysis import Question, Wording
from tanya_sumsel.question.time import TimeQuery
from tanya_sumsel.reading.learned import compose_for
from tanya_sumsel.reading.reader import Reader
from tanya_sumsel.reading.rules import ABSTAIN_TEXT
from tanya_sumsel.reading.timeline import over_time
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.retrieval.time import time_order, time_view
from tanya_sumsel.types import Answer, Citation, Passage

if TYPE_CHECKING:  # LangChain loads only when an LLM is used: the extractive path starts ~0.3 s sooner
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)

FALLBACK_NOTICE = {
    "id": "Model bahasa tidak menjawab; jawaban ekstraktif ditampilkan.",
    "en": "The language model did not answer; showing the extractive answer.",
}


def condense(q: Question, model: BaseChatModel | None) -> tuple[Wording, str]:
    """(retrieval query, context): the LLM's standalone rewrite when there is an LLM, else `q.query` (the question
    made standalone, or the follow-up plus the previous question as context)."""
    if not q.history:
        return q.query, ""
    if model is not None:
        from langchain_core.messages import HumanMessage, SystemMessage

        turns = "\n".join(f"Pengguna: {asked}\nAsisten: {said}" for asked, said in q.history[-3:])
        try:
            out = model.invoke(
                [
                    SystemMessage(prompt_text("condense_id")),
                    HumanMessage(f"Percakapan:\n{turns}\n\nPertanyaan lanjutan: {q.text}"),
                ]
            )
            text = str(out.content).strip().strip('"')
            if text and len(text) < 500:
                return Wording(text, q.lang), ""
        except Exception:  # any model failure falls back to the heuristic
            log.warning("condensing the follow-up failed; using the heuristic", exc_info=True)
    return q.query, q.context


def format_passages(passages: Sequence[Passage]) -> str:
    """Numbered, delimited passages for the prompt (article text is data, never instructions)."""
    blocks = []
    for i, p in enumerate(passages, start=1):
        meta = " | ".join(x for x in (p.title, p.source, p.date) if x)
        body = p.text.replace("</passage>", "</ passage>")
        blocks.append(f'<passage id="{i}">\n{meta}\n{body}\n</passage>')
    return "\n\n".join(blocks)


def build_messages(inputs: dict[str, object]) -> list[BaseMessage]:
    """System prompt, earlier turns, then the numbered passages and the question."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    messages: list[BaseMessage] = [SystemMessage(prompt_text("system_id"))]
    for q, a in list(inputs.get("history") or [])[-3:]:  # type: ignore[call-overload]
        messages += [HumanMessage(q), AIMessage(a)]
    passages = format_passages(inputs["passages"])  # type: ignore[arg-type]
    messages.append(HumanMessage(f"Potongan berita:\n\n{passages}\n\nPertanyaan: {inputs['question']}"))
    return messages


def make_chain(model: BaseChatModel) -> Runnable:
    """LCEL chain: {question, passages, history} → prompt → chat model → text (streams tokens)."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.runnables import RunnableLambda

    return RunnableLambda(build_messages) | model | StrOutputParser()


def _best_sentence(passage: Passage, claims: list[Claim]) -> tuple[str, int, int]:
    want = set(terms(" ".join(c.text for c in claims)))
    sentences = split_sentences(passage.text) or []
    if not sentences:
        return passage.text, passage.start, passage.end
    s = max(sentences, key=lambda s: len(want & set(terms(s.text))))
    return s.text, passage.start + s.start, passage.start + s.end


def assemble(question: str, raw: str, passages: list[Passage], lang: str) -> Answer | None:
    """Verified generative Answer with citations renumbered 1..N, or None when nothing verifiable remains."""
    checked = verify(raw, passages)
    if checked.not_found:
        return Answer(
            question, ABSTAIN_TEXT[lang], (), tuple(passages), True, lang, mode="generative", dropped=checked.dropped
        )
    if not checked.claims:
        return None
    order: dict[int, int] = {}
    for claim in checked.claims:
        for n in claim.cites:
            order.setdefault(n, len(order) + 1)
    sentences = []
    for claim in checked.claims:
        marks = "".join(f"[{order[n]}]" for n in claim.cites)
        m = re.search(r"[.!?…]+[\"”’]?$", claim.text)
        sentences.append(f"{claim.text[: m.start()]} {marks}{m.group(0)}" if m else f"{claim.text} {marks}")
    citations = []
    for n, new in order.items():
        p = passages[n - 1]
        quote, start, end = _best_sentence(p, [c for c in checked.claims if n in c.cites])
        citations.append(
            Citation(
                new, p.article_id, p.title, p.source, p.date, p.url, quote, start, end, p.score, None, p.also_reported
            )
        )
    return Answer(
        question,
        " ".join(sentences),
        tuple(citations),
        tuple(passages),
        False,
        lang,
        mode="generative",
        dropped=checked.dropped,
    )


def extractive(
    q: Question, passages: list[Passage], retriever: Retriever, context: str = "", reader: Reader | None = None
) -> Answer:
    """The offline answer: sentences chosen for the question (and a follow-up's context), quoted with citations."""
    out = compose_for(q.alone, passages, q.lang, retriever, context, reader)
    return Answer(q.text, out.text, out.citations, tuple(passages), out.abstained, q.lang, out.short_answer)


def followup_or_standalone(
    q: Question, passages: list[Passage], retriever: Retriever, k: int, context: str, reader: Reader | None = None
) -> Answer:
    """The extractive answer to the question made standalone, with the follow-up's context, unless the question
    asked on its own is answered with more confidence (the carried-over topic must never make an answer worse)."""
    out = compose_for(q.wording, passages, q.lang, retriever, context, reader)
    if context:
        alone_passages = retriever.search(q.alone, k)
        alone = compose_for(q.alone, alone_passages, q.lang, retriever, reader=reader)
        if (out.abstained and not alone.abstained) or (
            alone.abstained == out.abstained and alone.confidence > out.confidence
        ):
            out, passages = alone, alone_passages
    return Answer(q.text, out.text, out.citations, tuple(passages), out.abstained, q.lang, out.short_answer)


def final_answer(items: Iterable[str | Answer]) -> Answer:
    """Drain a `stream_answer` iterator and return its final `Answer`."""
    last = deque(items, maxlen=1)
    assert last and isinstance(last[0], Answer)
    return last[0]


def stream_answer(
    q: Question, *, retriever: Retriever, k: int, model: BaseChatModel | None, reader: Reader | None = None
) -> Iterator[str | Answer]:
    """Yield text pieces as they are generated, then the final verified `Answer` (always last).

    A time in the question ('September 2019', 'bulan lalu', resolved against `q.as_of`) keeps to articles of that
    period (and undated ones); outside the corpus's dates the answer says so; 'saat ini' and 'terbaru' keep to the
    newest evidence."""
    when, lang = q.time, q.lang
    if when is not None:
        outside = coverage_gap(when, retriever, lang)
        if outside:
            yield Answer(q.asked, outside, (), (), True, lang)
            return
        retriever = time_view(retriever, when, q.as_of)
    for item in _stream(q, retriever=retriever, k=k, model=model, reader=reader):
        if isinstance(item, Answer):
            notes = when.notes if when is not None else ()
            item = replace(item, question=q.asked, notices=(*notes, *item.notices))
        yield item


def coverage_gap(when: TimeQuery, retriever: Retriever, lang: str) -> str | None:
    """The message for a period the corpus's dates do not reach ('Korpus hanya memuat berita …'), else None."""
    span = retriever.store.manifest.get("date_range") or {}
    first, last = span.get("min"), span.get("max")
    if when.start is None or when.end is None or not first or not last:
        return None
    if when.end.isoformat() >= first and when.start.isoformat() <= last:
        return None
    if any(retriever.store.keyword_search([str(y)], 1) for y in range(when.start.year, when.end.year + 1)):
        return None  # an article published at another time reports on that year
    have = f"{format_date(first, lang)} – {format_date(last, lang)}"
    if lang == "en":
        return f"Sorry, the corpus only holds news from {have}; there is no news from {when.label}."
    return f"Maaf, korpus hanya memuat berita {have}; tidak ada berita dari {when.label}."


def _stream(
    q: Question, *, retriever: Retriever, k: int, model: BaseChatModel | None, reader: Reader | None
) -> Iterator[str | Answer]:
    question, lang, when = q.text, q.lang, q.time
    query, context = condense(q, model)
    searched = passages = retriever.search(query, k)
    whole = retriever.whole
    if when is not None:
        passages = time_order(passages, when, whole)
    if model is None:
        ans = followup_or_standalone(q, passages, retriever, k, context, reader)
        yield over_time(q.alone, ans, searched, when, retriever, whole, context, reader)
        return
    raw: list[str] = []
    try:
        for piece in make_chain(model).stream({"question": question, "passages": passages, "history": q.history}):
            raw.append(piece)
            yield piece
    except Exception:
        log.warning("the chat model failed; falling back to the extractive answer", exc_info=True)
        fallback = extractive(q, passages, retriever, context, reader)
        yield replace(fallback, notices=(FALLBACK_NOTICE[lang],))
        return
    final = assemble(question, "".join(raw), passages, lang)
    if final is None:
        fallback = extractive(q, passages, retriever, context, reader)
        notice = (
            "Jawaban model tidak dapat diverifikasi terhadap sumbernya; jawaban ekstraktif ditampilkan."
            if lang == "id"
            else "The model's answer could not be verified; showing the extractive answer."
        )
        yield replace(fallback, notices=(notice,), dropped=verify("".join(raw), passages).dropped)
        return
    yield final
