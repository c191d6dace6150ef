"""A corpus folder: which files it holds, every article read from them (the rest reported by path and line), and a
cheap fingerprint to tell when the index is older than the folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tanya_sumsel.corpus.ingest import HTML, SUPPORTED, Corpus, Problem, parse_located
from tanya_sumsel.errors import CorpusError
from tanya_sumsel.types import Article


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every regular, non-hidden file under `corpus_dir`, sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def load_corpus(corpus_dir: Path, max_file_mb: float = 0.0) -> Corpus:
    """Read every article under `corpus_dir`, skipping files above `max_file_mb` (0: no limit) with a warning;
    raise `CorpusError` when nothing usable is there."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Folder korpus {corpus_dir} tidak ada. Buat folder itu dan isi dengan artikel "
            f"(.txt, .md, .json, .jsonl, .html) atau tambahkan dari web (tanya-sumsel add URL), atau tunjuk folder lain dengan --corpus / TANYA_CORPUS_DIR."
        )
    articles: dict[str, Article] = {}
    lines: dict[str, int | None] = {}  # where each id was first read, for the duplicate's message
    problems: list[Problem] = []
    for path in iter_corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        if path.suffix.lower() in HTML and path.with_suffix(".json").is_file():
            continue  # the raw copy of a fetched article: the record beside it is what gets indexed
        if path.suffix.lower() not in SUPPORTED:
            problems.append(Problem(rel, f"jenis berkas tidak didukung (gunakan {', '.join(SUPPORTED)})"))
            continue
        size_mb = path.stat().st_size / 1e6
        if max_file_mb and size_mb > max_file_mb:
            problems.append(
                Problem(
                    rel,
                    f"berkas {size_mb:.1f} MB melebihi batas {max_file_mb:g} MB; dilewati (naikkan batas dengan "
                    "TANYA_MAX_FILE_MB bila memang perlu)",
                )
            )
            continue
        for item, line in parse_located(path, rel):
            if isinstance(item, Problem):
                problems.append(item)
            elif item.id in articles:
                first = articles[item.id].path + (f":{lines[item.id]}" if lines.get(item.id) else "")
                problems.append(Problem(rel, f"id ganda {item.id!r} (sudah dipakai {first}); dilewati", line))
            else:
                articles[item.id] = item
                lines[item.id] = line
    if not articles:
        detail = "; ".join(str(p) for p in problems[:5])
        raise CorpusError(
            f"Korpus {corpus_dir} tidak berisi artikel yang bisa dibaca{': ' + detail if detail else ''}. "
            "Tambahkan berkas .txt, .md, .json, .jsonl atau .html lalu jalankan: tanya-sumsel index"
        )
    return Corpus(tuple(articles.values()), tuple(problems))


def changed_since(manifest: dict | None, corpus_dir: Path) -> bool:
    """Whether `corpus_dir` changed since the index described by `manifest` was built (True without one)."""
    return not manifest or manifest.get("files_fingerprint") != files_fingerprint(corpus_dir)


def files_fingerprint(corpus_dir: Path) -> str:
    """Cheap fingerprint of the corpus folder (names, sizes, mtimes) to spot a stale index."""
    h = hashlib.sha256()
    if corpus_dir.is_dir():
        for p in iter_corpus_files(corpus_dir):
            st = p.stat()
            h.update(f"{p.relative_to(corpus_dir).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]
