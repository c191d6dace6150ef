"""The chat UI's corpus tab: what the index holds, uploads, URLs and feeds from the web, rebuild and delete."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from tanya_sumsel.app import audit
from tanya_sumsel.app.access import REFUSED
from tanya_sumsel.app.info import index_info
from tanya_sumsel.app.render import inert
from tanya_sumsel.corpus.ingest import SUPPORTED, Problem, parse_file
from tanya_sumsel.errors import TanyaError
from tanya_sumsel.indexing.child import build_in_child
from tanya_sumsel.indexing.feeds import AddReport, add, update_feeds
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import articles_per_month

log = logging.getLogger(__name__)


def month_counts(settings: Settings) -> pd.DataFrame:
    """Articles per month of the live index, for the corpus tab's chart."""
    counts = articles_per_month(settings)
    return pd.DataFrame({"bulan": list(counts), "artikel": list(counts.values())})


def corpus_tab(settings: Settings, may_operate: Callable[[str | None], bool]) -> None:
    """The corpus tab: counts, a per-month chart, the article table, uploads, web sources, rebuild and delete; each
    event is refused unless `may_operate` admits the session's user (checked here, on the server, per event)."""

    def who(request: gr.Request | None) -> str:
        user = getattr(request, "username", None)
        return f"ui:{user}" if user else "ui:lokal"

    def refused(request: gr.Request | None) -> str | None:
        user = getattr(request, "username", None)
        if may_operate(user):
            return None
        log.warning("corpus action refused for %s", user or "a session without login")
        return REFUSED

    def with_tables(message: str) -> tuple[str, str, list[list[str]], pd.DataFrame]:
        """A status message with the tab's counts, article table and chart as they now are."""
        return message, _info_text(settings), _article_rows(settings), month_counts(settings)

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
        # no file_types or size limit in the browser: it would refuse the whole selection for one bad file, in
        # English; each file is judged here instead and the limits are in the label
        label=(
            f"Unggah artikel ({', '.join(SUPPORTED)}; paling besar {settings.max_upload_mb:g} MB per berkas). Berkas "
            "lain atau yang terlalu besar dilewati dengan alasannya; berkas bernama sama tidak ditimpa."
        ),
        file_count="multiple",
        elem_id="tanya-upload",
    )
    status = gr.Markdown()
    with gr.Row():
        rebuild = gr.Button("Perbarui indeks", variant="primary", elem_id="tanya-rebuild")
        delete_id = gr.Textbox(label="Hapus artikel (id)", scale=2)
        delete = gr.Button("Hapus", elem_id="tanya-delete")

    with gr.Row():
        web_urls = gr.Textbox(
            label="Tambah dari web: URL artikel atau feed RSS/Atom (satu per baris; feed akan diikuti)",
            placeholder="https://…/rss",
            lines=2,
            scale=3,
            elem_id="tanya-web-urls",
        )
        with gr.Column(scale=1):
            web_add = gr.Button("Ambil dan tambahkan", variant="primary", elem_id="tanya-web-add")
            web_update = gr.Button("Periksa semua feed", elem_id="tanya-web-update")
    # a plain Textbox: URLs, titles and reasons come from other sites and must show as written, never as markup
    web_status = gr.Textbox(label="Hasil dari web", interactive=False, lines=8, elem_id="tanya-web-status")

    def on_web(
        urls: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, list[list[str]], pd.DataFrame]:
        if (refusal := refused(request)) is not None:
            return with_tables(refusal)
        asked = (urls or "").split()
        try:
            report = fetch_sources(settings, asked, progress)
        except TanyaError as exc:
            return with_tables(str(exc))
        action = "add_from_web" if asked else "update_feeds"
        audit.record(settings, who(request), action, urls=asked, **audit.add_details(report))
        return with_tables(report.summary())

    def on_web_update(
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, list[list[str]], pd.DataFrame]:
        return on_web(None, request, progress)

    def on_upload(files: list[Any] | None, request: gr.Request) -> str:
        if (refusal := refused(request)) is not None:
            return refusal
        paths = [Path(f if isinstance(f, str) else f.name) for f in files or []]
        return save_uploads(settings, paths, who(request))

    def on_rebuild(
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, list[list[str]], pd.DataFrame]:
        if (refusal := refused(request)) is not None:
            return with_tables(refusal)
        try:
            # in a child process: the memory a build takes goes back to the system instead of staying in the server
            report = build_in_child(settings, progress=lambda d, t: progress((d, t), desc="Embedding", unit="potongan"))
        except TanyaError as exc:
            return with_tables(inert(str(exc)))
        audit.record(settings, who(request), "rebuild", **audit.build_details(report))
        return with_tables("\n\n".join(inert(line) for line in report.summary().splitlines()))

    def on_delete(article_id: str, request: gr.Request) -> str:
        if (refusal := refused(request)) is not None:
            return refusal
        return delete_article(settings, article_id.strip(), who(request))

    upload.upload(on_upload, upload, status, api_visibility="private")
    rebuild.click(on_rebuild, None, [status, info_md, table, chart], api_visibility="private", concurrency_limit=1)
    delete.click(on_delete, delete_id, status, api_visibility="private")
    outputs = [web_status, info_md, table, chart]
    web_add.click(on_web, web_urls, outputs, api_visibility="private", concurrency_limit=1)
    web_update.click(on_web_update, None, outputs, api_visibility="private", concurrency_limit=1)


def fetch_sources(settings: Settings, urls: list[str], progress: Any = None) -> AddReport:
    """Fetch `urls` (or, when empty, re-check every subscribed feed) into the corpus and update the index."""
    fetching = (lambda d, t: progress((d, t), desc="Mengambil", unit="item")) if progress else None
    embedding = (lambda d, t: progress((d, t), desc="Embedding", unit="potongan")) if progress else None
    if urls:
        return add(urls, settings, progress=fetching, build_progress=embedding)
    return update_feeds(settings, progress=fetching, build_progress=embedding)


def save_uploads(settings: Settings, paths: list[Path], who: str = "ui") -> str:
    """Copy uploaded article files into `corpus/uploads/` after checking each one's type, size and content; a file
    never replaces another: the same content is reported as already there, a different one gets a new name."""
    target = settings.corpus_dir / "uploads"
    lines, saved = [], []
    for src in paths:
        name = Path(src.name).name
        if src.suffix.lower() not in SUPPORTED:
            lines.append(f"✗ {name}: jenis berkas tidak didukung (gunakan {', '.join(SUPPORTED)}).")
            continue
        size_mb = src.stat().st_size / 1e6
        if size_mb > settings.max_upload_mb:
            lines.append(
                f"✗ {name}: {size_mb:.1f} MB melebihi batas {settings.max_upload_mb:g} MB (TANYA_MAX_UPLOAD_MB); "
                "pecah berkasnya, atau salin langsung ke folder corpus/ lalu perbarui indeks."
            )
            continue
        items = list(parse_file(src, name))
        good = [i for i in items if not isinstance(i, Problem)]
        bad = [i for i in items if isinstance(i, Problem)]
        if not good:
            lines.append(f"✗ {name}: tidak ada artikel terbaca ({'; '.join(str(b) for b in bad[:3])}).")
            continue
        target.mkdir(parents=True, exist_ok=True)
        stored = _free_name(target, name, src.read_bytes())
        if stored is None:
            lines.append(f"= {name}: berkas yang sama persis sudah ada di korpus; tidak disimpan lagi.")
            continue
        tmp = target / f".{stored}.tmp"
        shutil.copyfile(src, tmp)
        tmp.rename(target / stored)  # whole or not at all
        saved.append(stored)
        note = f"; {len(bad)} rekaman bermasalah dilewati" if bad else ""
        renamed = f" sebagai {stored} (nama {name} sudah dipakai berkas lain)" if stored != name else ""
        lines.append(f"✓ {name}: {len(good)} artikel disimpan{renamed}{note}.")
    if saved:
        audit.record(settings, who, "upload", files=saved, refused=len(paths) - len(saved))
    return "\n\n".join([*map(inert, lines), "Tekan **Perbarui indeks** agar artikel baru bisa ditanyakan."])


def _free_name(folder: Path, name: str, content: bytes) -> str | None:
    """`name`, or `stem-2.ext`, `stem-3.ext`… when taken by a different file; None when a file with the same name or
    one of its numbered twins already holds exactly `content`."""
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while True:
        candidate = name if n == 1 else f"{stem}-{n}{suffix}"
        existing = folder / candidate
        if not existing.exists():
            return candidate
        if existing.read_bytes() == content:
            return None
        n += 1


def delete_article(settings: Settings, article_id: str, who: str = "ui") -> str:
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
    if path.suffix == ".json":  # a fetched article's raw page goes with its record
        path.with_suffix(".html").unlink(missing_ok=True)
    audit.record(settings, who, "delete", article=article_id, title=art.title, file=art.path)
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
