"""The int8 ONNX build encoder against the torch one (same e5 weights), how the manifest records the backend, and
the lean serving process: `python app.py`, `tanya-sumsel serve` and `tanya-sumsel ask` never load torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tanya_sumsel.embedding.embedder import E5_ID, E5_INT8_ID, load_embedder
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import live_manifest

from .conftest import DATA, ROOT, make_corpus
from .test_ui import free_port

pytestmark = pytest.mark.slow


def _texts() -> list[str]:
    rows = [json.loads(x) for x in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return [" ".join(r["text"].split()[:120]) for r in rows]


def test_int8_vectors_agree_with_torch_and_rank_the_same() -> None:
    torch_e = load_embedder(Settings.from_env(embed_backend="torch"))
    int8_e = load_embedder(Settings.from_env(embed_backend="onnx-int8"))
    assert (torch_e.id, int8_e.id) == (E5_ID, E5_INT8_ID)
    texts = _texts()
    a, b = torch_e.embed_documents(texts), int8_e.embed_documents(texts)
    cos = (a * b).sum(1)
    assert cos.mean() >= 0.995 and cos.min() >= 0.98, (cos.mean(), cos.min())
    query = load_embedder(Settings.from_env(), for_queries=True)  # the one query embedder serves both
    questions = [json.loads(x)["question"] for x in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    same = sum(int(np.argmax(a @ query.embed_query(q)) == np.argmax(b @ query.embed_query(q))) for q in questions)
    # dense alone, whole-article prefixes on close topics: the full pipeline is judged by the eval (README)
    assert same >= 0.9 * len(questions), f"top passage differs on {len(questions) - same} of {len(questions)}"


def test_manifest_records_the_backend_and_switching_it_rebuilds(tmp_path: Path) -> None:
    torch_s = Settings.from_env(corpus_dir=make_corpus(tmp_path), index_dir=tmp_path / "index", embed_backend="torch")
    build_index(torch_s)
    assert live_manifest(torch_s)["embedder"] == {"id": E5_ID, "dim": 384, "backend": "torch"}
    int8_s = torch_s.replace(embed_backend="onnx-int8")
    ans = load_retriever(int8_s).search("Siapa Sekretaris Daerah Sumsel?", k=1)  # answering: any e5 backend fits
    assert ans and "Edward Candra" in ans[0].text
    report = build_index(int8_s)  # adding to it: only the same backend, so a switch rebuilds, saying why
    assert report.full_rebuild and E5_INT8_ID in report.reason and report.added == 3
    assert live_manifest(int8_s)["embedder"]["backend"] == "onnx-int8"


PROBE = """
import sys
from tanya_sumsel.app.cli import main
code = main(sys.argv[1:])
print("TORCH_LOADED" if "torch" in sys.modules else "NO_TORCH", code)
"""


def test_ask_and_the_ui_servers_never_load_torch(built: Settings, tmp_path: Path) -> None:
    env = {**os.environ, "TANYA_CORPUS_DIR": str(built.corpus_dir), "TANYA_INDEX_DIR": str(built.index_dir)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "ask", "Siapa Sekda Sumsel?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and "Edward Candra" in out.stdout and "NO_TORCH 0" in out.stdout, out.stdout + out.stderr
    from gradio_client import Client

    for command in ([sys.executable, str(ROOT / "app.py")], [sys.executable, "-m", "tanya_sumsel", "serve"]):
        port = free_port()
        log = open(tmp_path / f"serve-{port}.log", "w")
        proc = subprocess.Popen(command, env={**env, "TANYA_PORT": str(port)}, stdout=log, stderr=log)
        try:
            url = f"http://127.0.0.1:{port}/"
            client = None
            for _ in range(240):
                try:
                    client = Client(url, verbose=False)
                    break
                except Exception:
                    assert proc.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
                    time.sleep(0.5)
            assert client is not None, "server did not start"
            assert "Edward Candra" in client.predict("Siapa Sekda Sumsel?", api_name="/ask")
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
            assert "libtorch" not in maps, f"{command[-1]} loaded torch"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_int8_weights_fit_seven_bits_so_every_cpu_computes_the_same() -> None:
    """Without VNNI, onnxruntime sums pairs of uint8 x int8 products in a saturating int16; 8-bit weights overflow it
    (an AVX2-only CPU answered differently from an AVX-512 VNNI one). 7-bit weights cannot: 2 x 255 x 64 < 32,768."""
    import onnx
    from onnx import numpy_helper

    from tanya_sumsel.embedding.e5_convert import converted_folder
    from tanya_sumsel.embedding.onnx_build import ensure_int8
    from tanya_sumsel.reading.export import ensure_reader

    model_dir = converted_folder(Settings.from_env().cache_dir / "models")
    for graph in (ensure_int8(model_dir) / "model.onnx", ensure_reader(model_dir) / "reader.onnx"):
        weights = [
            numpy_helper.to_array(t)
            for t in onnx.load(str(graph)).graph.initializer
            if t.data_type == onnx.TensorProto.INT8
        ]
        assert len(weights) > 50, graph  # every layer's projections are int8
        assert all(int(np.abs(w.astype(np.int32)).max()) <= 64 for w in weights), graph
