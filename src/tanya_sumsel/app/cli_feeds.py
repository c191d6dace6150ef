"""Command line for web sources: `tanya-sumsel add URL… | feeds | update [--watch S]`. Parses and prints only."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from tanya_sumsel.app import audit
from tanya_sumsel.settings import Settings


def register(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the web-source subcommands to the main parser."""
    p = sub.add_parser("add", help="ambil artikel atau feed RSS/Atom dari URL ke korpus, lalu perbarui indeks")
    common(p)
    p.add_argument("urls", nargs="+", metavar="URL", help="alamat halaman artikel atau feed (feed akan diikuti)")
    p = sub.add_parser("feeds", help="daftar feed yang diikuti")
    common(p)
    p.add_argument("--json", action="store_true", help="keluaran JSON")
    p = sub.add_parser("update", help="periksa ulang semua feed (hanya item baru diambil), lalu perbarui indeks")
    common(p)
    p.add_argument("--watch", type=float, metavar="DETIK", help="ulangi terus setiap DETIK detik (Ctrl+C berhenti)")


def _bar(desc: str) -> Callable[[int, int], None]:
    from tqdm import tqdm

    bars: dict[int, tqdm] = {}

    def update(done: int, total: int) -> None:
        bar = bars.get(total)
        if bar is None or bar.n > done:  # a new run of the same size starts a new bar
            bar = bars[total] = tqdm(total=total, desc=desc, unit="", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _print_report(report: Any) -> int:
    print(report.summary())
    return 1 if report.outcomes and not report.of("added") + report.of("updated") + report.of("skipped") else 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """tanya-sumsel add URL…"""
    from tanya_sumsel.indexing.feeds import add

    report = add(args.urls, settings, progress=_bar("Mengambil"), build_progress=_bar("Embedding"))
    audit.record(settings, audit.local_user(), "add", urls=list(args.urls), **audit.add_details(report))
    return _print_report(report)


def cmd_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """tanya-sumsel feeds"""
    from tanya_sumsel.indexing.feeds import list_feeds

    feeds = list_feeds(settings)
    if args.json:
        print(json.dumps(feeds, ensure_ascii=False, indent=2))
    elif not feeds:
        print("Belum ada feed yang diikuti. Tambahkan: tanya-sumsel add https://…/rss")
    for url, state in feeds.items() if not args.json else ():
        print(
            f"{url}\n    {state.get('title') or '-'} · {state.get('items', 0)} item · diperiksa "
            f"{state.get('checked') or '-'} · {state.get('status') or '-'}"
        )
    return 0


def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    """tanya-sumsel update [--watch S]"""
    from tanya_sumsel.indexing.feeds import update_feeds

    while True:
        report = update_feeds(settings, progress=_bar("Mengambil"), build_progress=_bar("Embedding"))
        audit.record(settings, audit.local_user(), "update_feeds", **audit.add_details(report))
        code = _print_report(report)
        if not args.watch:
            return code
        print(f"Pemeriksaan berikutnya dalam {args.watch:g} dtk (Ctrl+C berhenti).", flush=True)
        try:
            time.sleep(args.watch)
        except KeyboardInterrupt:  # the way to stop watching: not a failure
            print("Berhenti memantau feed.")
            return code


COMMANDS = {"add": cmd_add, "feeds": cmd_feeds, "update": cmd_update}
