"""The int8 build encoder: multilingual-e5-small (the same weights as the torch encoder) exported once to ONNX with
mean pooling and normalization inside the graph, each layer's attention fused into one op by onnxruntime's
optimizer, its MatMul and attention weights quantized to int8 per channel by onnxruntime's dynamic quantization
(all but four feed-forward output projections), and run by onnxruntime (no torch at run time). ~2.7x the torch
encoder's speed on 2 cores; its passage vectors agree with torch's to cosine 0.999."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tanya_sumsel.embedding.e5_convert import e5_source, written_whole
from tanya_sumsel.embedding.export_quiet import quiet_export
from tanya_sumsel.embedding.onnx_query import WORDS, move_word_table
from tanya_sumsel.embedding.tokenizer import write_vocab
from tanya_sumsel.errors import EmbedderError

if TYPE_CHECKING:
    import onnx

log = logging.getLogger(__name__)

EXPORT_VERSION = 5  # bump when the exported graph or its quantization changes, so caches are regenerated (5: 7-bit)
# Weights quantized to 7 bits ([-64, 64]), so every x86 CPU computes the same integers. onnxruntime multiplies
# uint8 activations by int8 weights; without VNNI (AVX2, AVX-512 without VNNI) it sums each pair of products into
# an int16 that saturates past 32,767, which 8-bit weights reach (2 x 255 x 127). With 8-bit weights the reader
# answered IDK-MRC valid 0.788 with false abstention 0.131 on an AVX2-only EPYC, 0.796 / 0.110 on an AVX-512 VNNI
# one. With 7 bits a pair stays below 32,640 on every CPU: 0.793 / 0.118 anywhere (recalibrated); passage vectors'
# cosine with the float graph on the AVX2 machine 0.99883 (8-bit there: 0.99853). uint8 weights avoid it too, but
# onnxruntime's VNNI and AMX kernels take int8 weights only (docs/architecture.md, the same answers on every CPU).
SAME_ON_EVERY_CPU = {"reduce_range": True}
PROMPTS = {"query": "query: ", "document": "passage: "}
# Texts arrive sorted by length; small batches pad least and stay in cache: 8 gave 41 chunks/s, 16 gave 37, 32
# gave 27 on 2 cores (CLICK-ID chunks)
BATCH = 8
# Layers whose feed-forward output projection stays float, chosen without labels: quantizing one layer's at a time
# (150 CLICK-ID chunks, cosine with the float graph, mean / worst text; 0.99916 / 0.99865 with none quantized), these
# lowered the mean by > 0.0002 or the worst by > 0.0004: layer 4 0.99756 / 0.99525, 5 0.99889 / 0.99818,
# 0 0.99893 / 0.99832, 2 0.99913 / 0.99818; the other eight 0.99911-0.99916 / 0.99833-0.99868. All twelve quantized:
# 0.99686 and facqa recall@5 -0.010
FLOAT_FFN_LAYERS = (0, 2, 4, 5)


def available() -> bool:
    """Whether onnxruntime and onnx are installed (checked without importing them)."""
    from importlib.util import find_spec

    return find_spec("onnxruntime") is not None and find_spec("onnx") is not None


def int8_folder(model_dir: Path) -> Path:
    """Where the int8 export of the sentence-transformers folder `model_dir` lives."""
    return model_dir.with_name(f"{model_dir.name}-onnx-int8-v{EXPORT_VERSION}")


def ensure_int8(model_dir: Path) -> Path:
    """The int8 ONNX folder beside the sentence-transformers folder `model_dir` (which need not exist: a temporary
    conversion serves the export), exported on first use (~60 s). It holds everything serving reads: the graph
    without its word table, the float16 table (`words.npy`, shared by the reader) and both tokenizers."""
    dest = int8_folder(model_dir)
    if all((dest / n).is_file() for n in ("model.onnx", "words.npy", "tokenizer.json", "vocab.json", "pieces.txt")):
        return dest
    log.info("Menyiapkan encoder int8 (ONNX) dari model e5, sekali saja (~1 menit)…")
    try:
        with written_whole(dest, ".onnx-") as tmp, e5_source(model_dir) as source, quiet_export():
            _export(source, tmp / "model-fp32.onnx")
            import onnx
            from onnxruntime.quantization import QuantType, quantize_dynamic

            graph = _fuse(source, tmp / "model-fp32.onnx")
            # The feed-forward output projections of FLOAT_FFN_LAYERS stay float: their inputs carry the large
            # outliers that int8 rounds worst (see FLOAT_FFN_LAYERS)
            keep_float = [
                n.name
                for n in graph.node
                if n.op_type == "MatMul"
                and "attention" not in n.name
                and any(f"/layer.{i}/output/dense/" in n.name for i in FLOAT_FFN_LAYERS)
            ]
            quantize_dynamic(
                tmp / "model-fp32.onnx",
                tmp / "model-int8.onnx",
                weight_type=QuantType.QInt8,
                per_channel=True,  # per-channel scales (per-tensor: cosine 0.985)
                # the fused attention's QKV projection too; the embedding table stays float (int8 costs accuracy)
                op_types_to_quantize=["MatMul", "Attention"],
                nodes_to_exclude=keep_float,
                **SAME_ON_EVERY_CPU,
                # the fused ops' outputs have no inferred type; they are all float
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
            (tmp / "model-fp32.onnx").unlink()
            move_word_table(tmp / "model-int8.onnx", tmp)
            (tmp / "model-int8.onnx").unlink()
            shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
            write_vocab(source / "tokenizer.json", tmp)
            max_len = json.loads((source / "sentence_bert_config.json").read_text())["max_seq_length"]
            (tmp / "config.json").write_text(json.dumps({"max_seq_length": max_len, "prompts": PROMPTS}))
        for old in model_dir.parent.glob(f"{model_dir.name}-onnx-int8-v*"):
            if old != dest:  # an earlier export version (or its derived question encoder): nothing reads it
                shutil.rmtree(old, ignore_errors=True)
    except Exception as exc:
        raise EmbedderError(
            f"Encoder int8 tidak bisa disiapkan ({exc}). Pakai TANYA_EMBED_BACKEND=torch, atau pasang ulang: "
            "pip install -e ."
        ) from exc
    return dest


def _export(model_dir: Path, out: Path) -> None:
    """Export the encoder with mean pooling and L2 normalization (what the sentence-transformers modules do)."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    # Eager attention exports the plain softmax(QK^T)V pattern that onnxruntime's optimizer fuses into one
    # Attention op (the SDPA export is not recognized)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    model = Pooled(model.eval())
    ids = torch.tensor([[0, 1000, 2000, 2], [0, 1000, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    axes = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "embedding": {0: "batch"},
    }
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _fuse(model_dir: Path, path: Path) -> onnx.GraphProto:
    """Fuse each layer's attention, bias+GELU and residual+LayerNorm into single onnxruntime ops, in place (1.23x
    the speed after quantization at the same cosine), and return the fused graph. The word-embedding lookup stays
    a plain Gather, which the question encoder cuts out (`embedding/onnx_query.py`)."""
    import onnx
    from onnx import numpy_helper
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    model = onnx.load(str(path))
    # The optimizer copies the whole model at each of its shape inferences (~18 s with the 384 MB word table):
    # it fuses a copy whose table is a two-row stand-in, and the real table goes back afterwards
    tables = {t.name: t for t in model.graph.initializer}
    lookup = next(n for n in model.graph.node if n.op_type == "Gather" and n.input[1] == "input_ids")
    words = tables[lookup.input[0]]
    model.graph.initializer.remove(words)
    stand_in = np.zeros((2, words.dims[1]), dtype=np.float32)
    model.graph.initializer.append(numpy_helper.from_array(stand_in, words.name))
    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False
    fused = optimize_model(
        model,
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        optimization_options=options,
        opt_level=0,
    )
    if fused.get_fused_operator_statistics().get("Attention", 0) != int(config["num_hidden_layers"]):
        raise EmbedderError("onnxruntime tidak mengenali pola attention encoder (versi transformers baru?)")
    graph = fused.model.graph
    graph.initializer.remove(next(t for t in graph.initializer if t.name == words.name))
    graph.initializer.append(words)
    fused.save_model_to_file(str(path))
    return graph


class OnnxInt8Embedder:
    """Passages and questions through the int8 ONNX encoder; batches are bucketed by length (less padding)."""

    def __init__(self, folder: Path, *, id: str, batch_size: int = BATCH, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config["max_seq_length"]))
        self.tokenizer.no_padding()
        self.prompts = config["prompts"]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        # mapped: a build touches most rows, and it runs in its own process (a server reads rows with _Rows)
        self.words = np.load(folder / "words.npy", mmap_mode="r")
        self.id = id
        self.dim = int(self.words.shape[1])
        self.batch_size = batch_size

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.ones((len(rows), width), dtype=np.int64)  # 1 = <pad> in XLM-R's vocabulary
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, WORDS: self.words[ids].astype(np.float32)}
            out[rows] = self.session.run(None, feeds)[0]
        return out

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (`passage: ` prefix)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.prompts["document"] + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one question (`query: ` prefix)."""
        return self._encode([self.prompts["query"] + text])[0]
