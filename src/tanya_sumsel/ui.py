"""Gradio chat UI: `build_app()` returns the Blocks (no launch); `launch()` starts the server."""

from __future__ import annotations

import html
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from .ask import answer, ask_stream
from .errors import TanyaError
from .index import build_index
from .info import index_info
from .ingest import SUPPORTED, Problem, parse_file
from .llm import describe_mode, load_chat_model
from .render import chat_text, format_answer, inert, sources_html
from .retrieve import load_retriever
from .settings import Settings
from .storage import articles_per_month

log = logging.getLogger(__name__)

EXAMPLES = [
    "Siapa Sekretaris Daerah Sumsel?",
    "Kapan rapat koordinasi Pemprov Sumsel digelar?",
    "Apa yang ditandatangani kepala OPD di akhir rakor?",
    "Who is the deputy governor of South Sumatra?",
]
ERROR_TEXT = "Maaf, terjadi kesalahan saat menjawab. Silakan coba lagi; bila berulang, hubungi pengelola."
CSS = """
.tanya-source { border-left: 3px solid #888; padding: 4px 10px; margin: 8px 0; }
.tanya-source mark { background: #fff3a3; }
"""


def build_app(settings: Settings | None = None) -> gr.Blocks:
    """The Tanya Sumsel Blocks app (chat + corpus tabs), not launched."""
    settings = settings or Settings.from_env()

    model = load_chat_model(settings)

    def chat_turn(
        question: str,
        history: list[dict[str, Any]],
        turns: list[tuple[str, str]],
        as_of: str = "",
        since: str = "",
        until: str = "",
        outlets: str = "",
    ) -> Iterator[tuple[str, list[dict[str, Any]], str, list[tuple[str, str]]]]:
        history = [*history, {"role": "user", "content": html.escape(question or "", quote=False)}]
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
                if not partial:  # the extractive answer arrives whole: reveal it in a dozen steps
                    words = text.split(" ")
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

    def ask_api(question: str) -> str:
        """Answer text followed by its numbered sources."""
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
            with gr.Row():
                with gr.Column(scale=3):
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
                with gr.Column(scale=2):
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
        with gr.Tab("Korpus"):
            _corpus_tab(settings)
        gr.api(ask_api, api_name="ask")
    return app


def month_counts(settings: Settings) -> pd.DataFrame:
    """Articles per month of the live index, for the corpus tab's chart."""
    counts = articles_per_month(settings)
    return pd.DataFrame({"bulan": list(counts), "artikel": list(counts.values())})


def _corpus_tab(settings: Settings) -> None:
    info_md = gr.Markdown(_info_text(settings))
    chart = gr.BarPlot(
        month_counts(settings),
        x="bulan",
        y="artikel",
        y_lim=[0, None],  # bars from zero, even when every month has one article
        title="Artikel per bulan",
        elem_id="tanya-months",
        height=220,
    )
    table = gr.Dataframe(
        _article_rows(settings),
        headers=["id", "judul", "media", "tanggal", "berkas"],
        label="Artikel dalam indeks",
        interactive=False,
        wrap=True,
    )
    upload = gr.File(
        label="Unggah artikel (.txt, .md, .json, .jsonl)",
        file_count="multiple",
        file_types=list(SUPPORTED),
        elem_id="tanya-upload",
    )
    status = gr.Markdown()
    with gr.Row():
        rebuild = gr.Button("Perbarui indeks", variant="primary", elem_id="tanya-rebuild")
        delete_id = gr.Textbox(label="Hapus artikel (id)", scale=2)
        delete = gr.Button("Hapus")

    def on_upload(files: list[Any] | None) -> str:
        return save_uploads(settings, [Path(f if isinstance(f, str) else f.name) for f in files or []])

    def on_rebuild(
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, list[list[str]], pd.DataFrame]:
        try:
            report = build_index(settings, progress=lambda d, t: progress((d, t), desc="Embedding", unit="potongan"))
        except TanyaError as exc:
            return inert(str(exc)), _info_text(settings), _article_rows(settings), month_counts(settings)
        summary = "\n\n".join(inert(line) for line in report.summary().splitlines())
        return summary, _info_text(settings), _article_rows(settings), month_counts(settings)

    def on_delete(article_id: str) -> str:
        return delete_article(settings, article_id.strip())

    upload.upload(on_upload, upload, status, api_visibility="private")
    rebuild.click(on_rebuild, None, [status, info_md, table, chart], api_visibility="private", concurrency_limit=1)
    delete.click(on_delete, delete_id, status, api_visibility="private")


def save_uploads(settings: Settings, paths: list[Path]) -> str:
    """Copy uploaded article files into `corpus/uploads/` after checking type, size and content."""
    target = settings.corpus_dir / "uploads"
    lines = []
    for src in paths:
        name = Path(src.name).name
        if src.suffix.lower() not in SUPPORTED:
            lines.append(f"✗ {name}: jenis berkas tidak didukung (gunakan {', '.join(SUPPORTED)}).")
            continue
        size_mb = src.stat().st_size / 1e6
        if size_mb > settings.max_upload_mb:
            lines.append(f"✗ {name}: {size_mb:.1f} MB melebihi batas {settings.max_upload_mb:g} MB.")
            continue
        items = list(parse_file(src, name))
        good = [i for i in items if not isinstance(i, Problem)]
        bad = [i for i in items if isinstance(i, Problem)]
        if not good:
            lines.append(f"✗ {name}: tidak ada artikel terbaca ({'; '.join(str(b) for b in bad[:3])}).")
            continue
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target / name)
        note = f"; {len(bad)} rekaman bermasalah dilewati" if bad else ""
        lines.append(f"✓ {name}: {len(good)} artikel disimpan{note}.")
    return "\n\n".join([*map(inert, lines), "Tekan **Perbarui indeks** agar artikel baru bisa ditanyakan."])


def delete_article(settings: Settings, article_id: str) -> str:
    """Delete the file of an article that is alone in its file; the next rebuild drops it from the index."""
    try:
        art = load_retriever(settings).store.articles([article_id]).get(article_id)
    except TanyaError as exc:
        return inert(str(exc))
    if art is None:
        return f"Artikel {inert(repr(article_id))} tidak ada di indeks."
    path = settings.corpus_dir / art.path
    others = [i for i in parse_file(path, art.path) if not isinstance(i, Problem) and i.id != article_id]
    if others:
        return (
            f"Berkas {inert(art.path)} memuat {len(others)} artikel lain; hapus artikel ini dari "
            "berkas itu secara manual, lalu perbarui indeks."
        )
    path.unlink(missing_ok=True)
    return f"Berkas {inert(art.path)} dihapus. Tekan **Perbarui indeks** untuk menerapkan."


def _info_text(settings: Settings) -> str:
    try:
        info = index_info(settings)
    except TanyaError as exc:
        return inert(str(exc))
    dr, emb = info["date_range"], info["embedder"]
    stale = "" if info["up_to_date"] else " · **korpus berubah, perbarui indeks**"
    return (
        f"**{info['articles']}** artikel · **{info['chunks']}** potongan · "  # type: ignore[index]
        f"{dr['min'] or '-'} s.d. {dr['max'] or '-'} · embedder `{emb['id']}` · "  # type: ignore[index]
        f"mode {info['answer_mode']}{stale}"
    )


def _article_rows(settings: Settings) -> list[list[str]]:
    try:
        arts = load_retriever(settings).store.articles()
    except TanyaError:
        return []
    return [[a.id, a.title, a.source or "", a.date or "", a.path] for a in arts.values()]
