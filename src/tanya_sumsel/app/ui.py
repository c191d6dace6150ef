"""Gradio chat UI: `build_app()` returns the Blocks (no launch); `launch()` starts the server."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from tanya_sumsel.app import ratelimit
from tanya_sumsel.app.access import operator_check
from tanya_sumsel.app.ratelimit import RateLimiter
from tanya_sumsel.app.render import chat_text, format_answer, sources_html
from tanya_sumsel.app.ui_corpus import corpus_tab
from tanya_sumsel.errors import TanyaError
from tanya_sumsel.generation.llm import describe_mode, load_chat_model
from tanya_sumsel.pipeline import answer, ask_stream
from tanya_sumsel.question.kind import detect_language
from tanya_sumsel.settings import Settings

log = logging.getLogger(__name__)

EXAMPLES = [
    "Siapa Sekretaris Daerah Sumsel?",
    "Kapan rapat koordinasi Pemprov Sumsel digelar?",
    "Apa yang ditandatangani kepala OPD di akhir rakor?",
    "Who is the deputy governor of South Sumatra?",
]
# Gradio's own words (drop zone, "Use via API", "Error"…) in Indonesian whatever the browser's language: Gradio picks
# its locale from the browser and falls back to English, so the English table is given these too.
GRADIO_WORDS = {
    "upload_text.click_to_upload": "Klik untuk mengunggah",
    "upload_text.drop_file": "Letakkan berkas di sini",
    "upload_text.paste_clipboard": "Tempel dari papan klip",
    "common.or": "atau",
    "common.error": "Galat",
    "common.clear": "Bersihkan",
    "common.loading": "Memuat",
    "common.built_with": "dibuat dengan",
    "common.built_with_gradio": "Dibuat dengan Gradio",
    "common.settings": "Pengaturan",
    "common.submit": "Kirim",
    "common.download": "Unduh",
    "common.remove": "Hapus",
    "common.empty": "Kosong",
    "common.language": "Bahasa",
    "common.display_theme": "Tema tampilan",
    "errors.use_via_api": "Pakai lewat API",
    "errors.use_via_api_or_mcp": "Pakai lewat API atau MCP",
}
ERROR_TEXT = "Maaf, terjadi kesalahan saat menjawab. Silakan coba lagi; bila berulang, hubungi pengelola."
CSS = """
.tanya-source { border-left: 3px solid #888; padding: 4px 10px; margin: 8px 0; }
.tanya-source mark { background: #fff3a3; }
.tanya-source:has(a:target) { border-left-color: #c0392b; background: #fff8e6; }
.tanya-cite { text-decoration: none; }
.tanya-source a[id] { scroll-margin-top: 16px; }
.tanya-source details summary { cursor: pointer; color: #555; font-size: 0.9em; }
/* a phone: the sources follow the answer, before the question box and the examples */
@media (max-width: 700px) {
  #tanya-main { flex-direction: column; }
  #tanya-left { display: contents; }
  #tanya-chat { order: 1; }
  #tanya-right { order: 2; }
  #tanya-left > :not(#tanya-chat) { order: 3; }
}
"""


def build_app(settings: Settings | None = None) -> gr.Blocks:
    """The Tanya Sumsel Blocks app (chat, and the corpus tab unless public), not launched."""
    settings = settings or Settings.from_env()

    model = load_chat_model(settings)
    limiter = RateLimiter(settings.rate_limit)

    def limited(question: str, request: gr.Request | None) -> str | None:
        """The polite refusal when this client has asked too often, else None (and the question is counted)."""
        user = getattr(request, "username", None)
        client = f"user:{user}" if user else f"addr:{getattr(getattr(request, 'client', None), 'host', None)}"
        wait = limiter.wait(client)
        if not wait:
            return None
        log.warning("rate limit: %s waits %.0f s", client, wait)
        return ratelimit.message(wait, settings.rate_limit, detect_language(question or ""))

    def chat_turn(
        question: str,
        history: list[dict[str, Any]],
        turns: list[tuple[str, str]],
        as_of: str,
        since: str,
        until: str,
        outlets: str,
        request: gr.Request,
    ) -> Iterator[tuple[str, list[dict[str, Any]], str, list[tuple[str, str]]]]:
        history = [*history, {"role": "user", "content": html.escape(question or "", quote=False)}]
        if (refusal := limited(question, request)) is not None:
            yield question, [*history, {"role": "assistant", "content": refusal}], "", turns
            return
        try:
            stream = ask_stream(
                question,
                settings=settings,
                model=model,
                history=turns,
                since=(since or "").strip() or None,
                until=(until or "").strip() or None,
                sources=[x for x in (outlets or "").split(",") if x.strip()],
                as_of=(as_of or "").strip() or None,
            )
            partial = ""
            for item in stream:
                if isinstance(item, str):  # tokens from the LLM, shown as they arrive
                    partial += item
                    yield "", [*history, {"role": "assistant", "content": html.escape(partial, quote=False)}], "", turns
                    continue
                text = chat_text(item)
                if not partial:  # the extractive answer arrives whole: reveal it in a dozen steps (links last)
                    words = chat_text(item, links=False).split(" ")
                    step = max(1, len(words) // 12)
                    for n in range(step, len(words), step):
                        yield "", [*history, {"role": "assistant", "content": " ".join(words[:n])}], "", turns
                        time.sleep(0.02)
                turns = [*turns, (item.question, item.text)][-10:]
                yield "", [*history, {"role": "assistant", "content": text}], sources_html(item), turns
        except TanyaError as exc:
            yield "", [*history, {"role": "assistant", "content": html.escape(str(exc), quote=False)}], "", turns
        except Exception:
            log.exception("answering %r failed", question)
            yield "", [*history, {"role": "assistant", "content": ERROR_TEXT}], "", turns

    def ask_api(question: str, request: gr.Request) -> str:
        """Answer text followed by its numbered sources."""
        if (refusal := limited(question, request)) is not None:
            return refusal
        try:
            return format_answer(answer(question, settings=settings))
        except TanyaError as exc:
            return str(exc)

    with gr.Blocks(title="Tanya Sumsel") as app:
        gr.Markdown(
            "# Tanya Sumsel\nTanya jawab berita pemerintahan Sumatera Selatan, setiap jawaban dengan sumbernya. "
            f"Mode jawaban: {describe_mode(settings)}."
        )
        with gr.Tab("Tanya"):
            with gr.Row(elem_id="tanya-main"):
                with gr.Column(scale=3, elem_id="tanya-left"):
                    turns = gr.State([])
                    chat = gr.Chatbot(  # plain text: article text must never render as markdown or HTML
                        label="Percakapan", height=460, elem_id="tanya-chat", render_markdown=False, latex_delimiters=[]
                    )
                    question = gr.Textbox(label="Pertanyaan", placeholder="Tulis pertanyaan…", elem_id="tanya-q")
                    with gr.Row():
                        send = gr.Button("Kirim", variant="primary", elem_id="tanya-send")
                        clear = gr.Button("Bersihkan percakapan", elem_id="tanya-clear")
                    gr.Examples(EXAMPLES, inputs=question, label="Contoh pertanyaan")
                    with gr.Accordion("Waktu dan media", open=False):
                        with gr.Row():
                            as_of = gr.Textbox(
                                label="Tanggal acuan (TTTT-BB-HH)",
                                placeholder="kosong: hari ini",
                                value=settings.as_of,
                                elem_id="tanya-as-of",
                            )
                            since = gr.Textbox(label="Berita sejak", placeholder="2025-01-01", elem_id="tanya-since")
                            until = gr.Textbox(label="Berita sampai", placeholder="2026-01-31", elem_id="tanya-until")
                        outlets = gr.Textbox(
                            label="Media (pisahkan dengan koma)",
                            placeholder="HALOPOS.ID, Kompas.com",
                            elem_id="tanya-outlets",
                        )
                with gr.Column(scale=2, elem_id="tanya-right"):
                    gr.Markdown("### Sumber")
                    sources = gr.HTML(elem_id="tanya-sources")
            running = [
                trigger(
                    chat_turn,
                    [question, chat, turns, as_of, since, until, outlets],
                    [question, chat, sources, turns],
                    api_visibility="private",
                )
                for trigger in (question.submit, send.click)
            ]
            clear.click(  # also stops an answer still streaming, so it cannot refill the cleared chat
                lambda: ([], "", "", []),
                None,
                [chat, question, sources, turns],
                api_visibility="private",
                cancels=running,
            )
        if not settings.public:  # a public process serves no corpus event at all, not merely a hidden one
            with gr.Tab("Korpus"):
                corpus_tab(settings, operator_check(settings))
        gr.api(ask_api, api_name="ask")
    return app
