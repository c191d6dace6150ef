"""The one-time ONNX exports are quiet for a reason: the warnings silenced are exactly the ones the export raises,
and on the inputs they warn about (other widths than the trace's, padded rows) the exported graph is torch's."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from tanya_sumsel.embedding.e5_convert import converted_folder, e5_source
from tanya_sumsel.embedding.export_quiet import CHECKED, quiet_export
from tanya_sumsel.embedding.onnx_build import _export
from tanya_sumsel.settings import Settings

pytestmark = pytest.mark.slow


def _batch(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `width`, 20 and 3 real tokens, the shorter ones padded: the mask and indexing paths warned about."""
    rng = np.random.default_rng(0)
    ids = np.ones((3, width), dtype=np.int64)
    mask = np.zeros((3, width), dtype=np.int64)
    for row, n in enumerate((width, 20, 3)):
        ids[row, :n] = [0, *rng.integers(5, 250_000, n - 2), 2]
        mask[row, :n] = 1
    return ids, mask


HIDDEN = (DeprecationWarning, PendingDeprecationWarning)  # Python shows neither outside __main__ by default


def test_the_silenced_warnings_are_the_ones_raised_and_the_graph_is_torchs(tmp_path: Path) -> None:
    import onnxruntime as ort
    import torch
    from transformers import AutoModel

    model_dir = converted_folder(Settings.from_env().cache_dir / "models")
    with e5_source(model_dir) as source:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            _export(source, tmp_path / "loud.onnx")
        third_party = [w for w in raised if not issubclass(w.category, HIDDEN)]
        assert third_party, "the export raised no warning: CHECKED in export_quiet.py can go"
        for w in third_party:
            assert any(
                type(w.message).__name__ == kind and str(w.message).startswith(start) for kind, start in CHECKED
            ), f"a warning not checked: {w.category.__name__}: {w.message}"
        with warnings.catch_warnings(record=True) as left:
            warnings.simplefilter("always")
            with quiet_export():
                _export(source, tmp_path / "quiet.onnx")
        assert not [w for w in left if not issubclass(w.category, HIDDEN)], [str(w.message) for w in left]

        torch_model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
        session = ort.InferenceSession(str(tmp_path / "quiet.onnx"), providers=["CPUExecutionProvider"])
        for width in (37, 130):  # the trace had 4 tokens and one padded row
            ids, mask = _batch(width)
            got = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            with torch.no_grad():
                hidden = torch_model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).last_hidden_state
            m = torch.tensor(mask).unsqueeze(-1).float()
            want = torch.nn.functional.normalize((hidden * m).sum(1) / m.sum(1), dim=-1).numpy()
            assert np.abs(got - want).max() < 1e-4, (width, np.abs(got - want).max())


def test_onnxruntimes_quantization_advice_is_dropped_and_real_warnings_are_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    with caplog.at_level(logging.INFO), quiet_export():
        logging.getLogger().warning("Please consider to run pre-processing before quantization. Refer to …")
        logging.getLogger().info("Quantization parameters for tensor:…")
        logging.getLogger("tanya_sumsel").warning("Berkas rusak")
    assert [r.getMessage() for r in caplog.records] == ["Berkas rusak"]
    assert not logging.getLogger().filters  # the filter is removed afterwards
