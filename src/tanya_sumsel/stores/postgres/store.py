"""PostgreSQL store (`TANYA_DATABASE_URL=postgresql://…`): pgvector HNSW for vectors, BM25 over the same
Indonesian terms as the local store (a postings table scored in SQL), shared by several app servers.

Builds write whole generations in one transaction (stores/postgres/write.py). A reader pins the generation it loaded and
sees exactly the rows alive in it, so a question answered during an update never sees half of it, and a chunk it
found still exists when it is cited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from tanya_sumsel.errors import IndexMismatchError, IndexMissingError
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import ARTICLE_COLS, FORMAT_VERSION, StoredChunk
from tanya_sumsel.stores.bm25 import K1, B, idf_of
from tanya_sumsel.stores.postgres.errors import redact, translated
from tanya_sumsel.stores.postgres.write import PostgresWriter, connect, latest_generation, live
from tanya_sumsel.types import Article

EXACT_BELOW = 20_000  # a view allowing fewer chunks is searched exactly, not through HNSW


class PostgresReader:
    """One committed generation, read through per-thread connections (a `StoreReader`)."""

    @translated
    def __init__(self, settings: Settings) -> None:
        self.url, self.ef_search, self.probes = settings.database_url, settings.ef_search, settings.nprobe
        latest = latest_generation(connect(self.url))
        if latest is None:
            raise IndexMissingError(f"Belum ada indeks di {redact(self.url)}. Jalankan: tanya-sumsel index")
        self.gen, self.manifest, self.n, self.avgdl = latest
        if self.manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"Indeks di {redact(self.url)} memakai format versi {self.manifest.get('format_version')}, versi ini "
                f"butuh {FORMAT_VERSION}",
                "Jalankan: tanya-sumsel index --rebuild",
            )
        self.live = live(self.gen)
        self._df: dict[str, int] = {}
        has_scan = "SELECT 1 FROM information_schema.columns WHERE table_name = 'tanya_chunks' AND column_name = 'scan'"
        self._scan = "scan" if self._rows(has_scan, []) else "''"  # older databases: chunks are scanned when asked

    @property
    def generation(self) -> str:
        """The database and generation number this reader sees."""
        return f"{redact(self.url)}#{self.gen}"

    @translated
    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return connect(self.url, self.ef_search, self.probes).execute(sql, params).fetchall()  # type: ignore[arg-type]

    def _filter(self, allow: np.ndarray | None, column: str = "id") -> tuple[str, list[object]]:
        """The SQL condition for a view's mask: the shown ids, or the hidden ones when they are fewer (every live
        chunk id is inside the mask, which is made from this generation's catalog)."""
        if allow is None:
            return "", []
        shown = np.flatnonzero(allow)
        if 2 * len(shown) <= len(allow):
            return f" AND {column} = ANY(%s)", [shown.tolist()]
        return f" AND NOT ({column} = ANY(%s))", [np.flatnonzero(~allow).tolist()]

    def search(self, vector: np.ndarray, k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine): HNSW, or an exact scan when a view leaves few chunks."""
        q = np.asarray(vector, dtype=np.float32)
        cond, params = self._filter(allow)
        if allow is not None and int(allow.sum()) < EXACT_BELOW:  # materialized: the planner cannot pick HNSW here
            sql = (
                f"WITH c AS MATERIALIZED (SELECT id, embedding <#> %s AS d FROM tanya_chunks WHERE {self.live}{cond}) "
                "SELECT id, d FROM c ORDER BY d, id LIMIT %s"
            )
        else:
            sql = (
                f"SELECT id, embedding <#> %s AS d FROM tanya_chunks WHERE {self.live}{cond} "
                "ORDER BY embedding <#> %s LIMIT %s"
            )
            params = [*params, q]
        rows = self._rows(sql, [q, *params, k])
        return sorted(((int(i), -float(d)) for i, d in rows), key=lambda r: (-r[1], r[0]))

    def _dfs(self, terms: Sequence[str]) -> dict[str, int]:
        todo = sorted({t for t in terms if t not in self._df})
        if todo:
            rows = self._rows(
                "SELECT DISTINCT ON (term) term, df FROM tanya_df WHERE term = ANY(%s) AND gen <= %s "
                "ORDER BY term, gen DESC",
                [todo, self.gen],
            )
            self._df.update({t: 0 for t in todo} | {t: int(df) for t, df in rows})
        return {t: self._df[t] for t in terms}

    def idf(self, term: str) -> float:
        """BM25 idf over the generation's chunks (the local store's formula)."""
        return float(idf_of(self.n, np.array([self._dfs([term])[term]]))[0])

    def keyword_search(self, terms: Sequence[str], k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, BM25 score), scored in SQL with the local store's k1, b and idf."""
        dfs = self._dfs(terms)
        held = [t for t in terms if dfs[t] > 0]  # repeated terms count twice, as in the local store
        if not held or self.n == 0:
            return []
        weights = idf_of(self.n, np.array([dfs[t] for t in held])).tolist()
        cond, params = self._filter(allow, "c.id")
        norm = f"{K1} * (1 - {B} + {B} * c.length / {max(self.avgdl, 1e-9)})"
        rows = self._rows(
            "SELECT p.chunk_id, SUM(q.w * p.tf * %s / (p.tf + " + norm + ")) AS s "
            "FROM unnest(%s::text[], %s::float8[]) AS q(term, w) JOIN tanya_postings p ON p.term = q.term "
            f"JOIN tanya_chunks c ON c.id = p.chunk_id WHERE {live(self.gen, 'c')}{cond} "
            "GROUP BY p.chunk_id ORDER BY s DESC, p.chunk_id LIMIT %s",
            [K1 + 1, held, weights, *params, k],
        )
        return [(int(i), float(s)) for i, s in rows]

    def cosines(self, ids: Sequence[int], vector: np.ndarray) -> dict[int, float]:
        """Cosine of each stored chunk vector with `vector`, computed in the database."""
        if not ids:
            return {}
        q = np.asarray(vector, dtype=np.float32)
        rows = self._rows("SELECT id, embedding <#> %s FROM tanya_chunks WHERE id = ANY(%s)", [q, list(ids)])
        return {int(i): -float(d) for i, d in rows}

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        """Chunks by id (those of this generation, even when a newer one removed them)."""
        if not ids:
            return {}
        cols = f'id, article_id, ord, start, "end", text, dates, {self._scan}'
        rows = self._rows(f"SELECT {cols} FROM tanya_chunks WHERE id = ANY(%s)", [list(ids)])
        return {int(r[0]): StoredChunk(int(r[0]), *r[1:6], tuple(r[6].split()), r[7]) for r in rows}

    def articles(self, ids: Sequence[str] | None = None) -> dict[str, Article]:
        """Articles by id (all of them, newest first, when `ids` is None)."""
        cols = ", ".join(ARTICLE_COLS)
        if ids is None:
            rows = self._rows(
                f"SELECT {cols} FROM tanya_articles WHERE {self.live} ORDER BY date DESC NULLS LAST, title"
            )
        else:
            rows = self._rows(f"SELECT {cols} FROM tanya_articles WHERE {self.live} AND id = ANY(%s)", [list(ids)])
        return {r[0]: Article(*r) for r in rows}

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash."""
        return dict(self._rows(f"SELECT id, content_hash FROM tanya_articles WHERE {self.live}"))  # type: ignore[arg-type]

    def clusters(self) -> dict[str, str]:
        """Article id → copy cluster id."""
        return dict(self._rows("SELECT article_id, cluster FROM tanya_clusters WHERE gen = %s", [self.gen]))  # type: ignore[arg-type]

    def catalog_rows(self) -> tuple[list[tuple[str, str | None, str | None, int, str]], list[tuple[int, str, str]]]:
        """The per-article and per-chunk columns filtered views read."""
        arts = self._rows(f"SELECT id, date, source, words, years FROM tanya_articles WHERE {self.live}")
        chunks = self._rows(f"SELECT id, article_id, dates FROM tanya_chunks WHERE {self.live}")
        return arts, chunks  # type: ignore[return-value]

    def close(self) -> None:
        """Nothing to release: connections belong to their threads and are reused by the next reader."""


def open_reader(settings: Settings) -> PostgresReader:
    """The live generation of the database."""
    return PostgresReader(settings)


def open_writer(settings: Settings, dim: int, incremental: bool) -> PostgresWriter:
    """A new generation, on top of the live one when `incremental`."""
    return PostgresWriter(settings, dim, incremental)


@translated
def live_generation(settings: Settings) -> str | None:
    """The live generation's name, or None when the database holds no index."""
    latest = latest_generation(connect(settings.database_url))
    return f"{redact(settings.database_url)}#{latest[0]}" if latest else None


@translated
def live_manifest(settings: Settings) -> dict[str, Any] | None:
    """The live manifest, or None."""
    latest = latest_generation(connect(settings.database_url))
    return latest[1] if latest else None


@translated
def update_manifest(settings: Settings, changes: dict[str, Any]) -> None:
    """Merge fields into the live generation's manifest."""
    conn = connect(settings.database_url)
    latest = latest_generation(conn)
    if latest:
        conn.execute(
            "UPDATE tanya_generations SET manifest = manifest || %s::jsonb WHERE id = %s",
            [json.dumps(changes, ensure_ascii=False), latest[0]],
        )


@translated
def problems(settings: Settings, *, thorough: bool = False) -> list[str]:
    """Counts that disagree with the manifest (`thorough`: document frequencies too)."""
    conn = connect(settings.database_url)
    latest = latest_generation(conn)
    if latest is None:
        raise IndexMissingError(f"Belum ada indeks di {redact(settings.database_url)}. Jalankan: tanya-sumsel index")
    g, manifest, n, _ = latest
    found: list[str] = []
    chunks = conn.execute(f"SELECT count(*) FROM tanya_chunks WHERE {live(g)}").fetchone()[0]  # type: ignore[index]
    articles = conn.execute(f"SELECT count(*) FROM tanya_articles WHERE {live(g)}").fetchone()[0]  # type: ignore[index]
    counts = manifest.get("counts", {})
    if not chunks == n == counts.get("chunks") or articles != counts.get("articles"):
        found.append(f"jumlah tidak sama: manifest {counts}, tabel {articles} artikel / {chunks} potongan")
    if thorough and conn.execute("SELECT count(*) FROM tanya_df WHERE gen <= %s", [g]).fetchone()[0] == 0 and n:  # type: ignore[index]
        found.append("frekuensi dokumen (tanya_df) kosong")
    return found


@translated
def articles_per_month(settings: Settings) -> dict[str, int]:
    """Dated articles of the live generation per month."""
    conn = connect(settings.database_url)
    latest = latest_generation(conn)
    if latest is None:
        return {}
    rows = conn.execute(
        f"SELECT substr(date, 1, 7), count(*) FROM tanya_articles WHERE {live(latest[0])} AND date IS NOT NULL "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return {m: int(k) for m, k in rows}


def describe(settings: Settings) -> str:
    """The database URL, password hidden."""
    return redact(settings.database_url)
