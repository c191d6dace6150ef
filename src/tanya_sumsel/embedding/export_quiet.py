"""Quiet model exports: the third-party warnings a one-time ONNX export prints, silenced only where checked not to
apply (`tests/test_export_quiet.py` runs the exported graphs against torch on the inputs the warnings are about)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

# (category name, start of the message); the comment above each says why it does not apply to these graphs
CHECKED = (
    # transformers pads a mask shorter than the keys; ours is always as long as input_ids, so the traced constant
    # (no padding) holds for every batch and length (checked on batches of other widths with padded rows)
    ("TracerWarning", "Converting a tensor to a Python boolean"),
    # the mask's advanced indexing uses arange indices, never negative ones
    ("UserWarning", "Exporting aten::index operator of advanced indexing"),
)


class _QuantizeAdvice(logging.Filter):
    """Drops onnxruntime's quantization chatter on the root logger: per-tensor INFO lines and the advice to run
    "pre-processing" (shape inference that static quantization needs; dynamic quantization does not use it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == "root" and ("pre-processing" in record.getMessage() or record.levelno < logging.WARNING)
        )


@contextmanager
def quiet_export() -> Iterator[None]:
    """Run an export without the checked warnings, onnxruntime's quantization advice or transformers' load bar."""
    import torch
    from transformers.utils import logging as hf_logging

    categories = {"TracerWarning": torch.jit.TracerWarning, "UserWarning": UserWarning}
    root, advice = logging.getLogger(), _QuantizeAdvice()
    bar_was_on = hf_logging.is_progress_bar_enabled()
    with warnings.catch_warnings():
        for category, start in CHECKED:
            warnings.filterwarnings("ignore", message=start, category=categories[category])
        root.addFilter(advice)
        hf_logging.disable_progress_bar()
        try:
            yield
        finally:
            root.removeFilter(advice)
            if bar_was_on:
                hf_logging.enable_progress_bar()
