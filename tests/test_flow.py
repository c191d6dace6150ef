"""Reading `answer()` from the top, as a profiler sees it (issue #34): the stages are entered once each, in the order
of the data flow (question → retrieval → reading), nothing calls back up the layers, and the question's wording is
analysed once, not again by every stage that needs its type or terms."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import pytest

from tanya_sumsel import Settings, answer
from tanya_sumsel.question.analysis import Question, Wording
from tests.test_lint import LAYERS, layer_of

STAGES = ("question", "retrieval", "reading")  # what the orchestration (pipeline, generation) hands the ask to
ORCHESTRATION = ("pipeline", "generation")
# The analyses a Question's Wording holds: each may run once per distinct question text, never once per stage
ANALYSES = {
    ("tanya_sumsel.question.kind", "question_type"),
    ("tanya_sumsel.question.kind", "detect_language"),
    ("tanya_sumsel.lang.normalize", "terms"),
    ("tanya_sumsel.lang.span_features", "parse_question"),
    ("tanya_sumsel.question.time", "parse_time"),
    ("tanya_sumsel.question.followup", "standalone"),
}


def _package_module(frame: FrameType | None) -> tuple[str, FrameType | None]:
    """The nearest frame at or above `frame` that runs package code, and its module ('' when none)."""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("tanya_sumsel"):
            return name, frame
        frame = frame.f_back
    return "", None


@dataclass
class Trace:
    """What one call of `answer()` did, call by call (package code only)."""

    stages: list[str] = field(default_factory=list)  # stage layers entered from the orchestration, in order
    entries: list[str] = field(default_factory=list)  # the calls that entered them
    upward: list[str] = field(default_factory=list)  # calls into a higher layer than the caller's
    analysed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (analysis, text) → calls

    def profile(self, asked: set[str]) -> Callable[[FrameType, str, Any], None]:
        """A `sys.setprofile` hook recording into this trace; `asked`: the question texts to watch."""

        def hook(frame: FrameType, event: str, arg: Any) -> None:
            if event != "call":
                return
            callee = frame.f_globals.get("__name__", "")
            if not callee.startswith("tanya_sumsel"):
                return
            caller, _ = _package_module(frame.f_back)
            code = frame.f_code
            if (callee, code.co_name) in ANALYSES and code.co_argcount:
                first = frame.f_locals.get(code.co_varnames[0])
                if isinstance(first, str) and first in asked:
                    self.analysed[(code.co_name, first)] += 1
            if not caller or caller == callee:
                return
            up, down = layer_of(callee), layer_of(caller)
            if LAYERS.index(up) > LAYERS.index(down):
                self.upward.append(f"{caller} → {callee}.{code.co_name}")
            if isinstance(frame.f_locals.get("self"), Question | Wording):
                return  # reading the analysed question (its cached parts) is not entering a stage
            if down in ORCHESTRATION and up in STAGES:
                self.entries.append(f"{caller} → {callee}.{code.co_name}")
                if not self.stages or self.stages[-1] != up:
                    self.stages.append(up)

        return hook


def traced(question: str, settings: Settings, watch: set[str] | None = None) -> tuple[Trace, Any]:
    """`answer(question)` run under the profiler, and its answer."""
    trace = Trace()
    sys.setprofile(trace.profile(watch or {question}))
    try:
        ans = answer(question, settings=settings)
    finally:
        sys.setprofile(None)
    return trace, ans


@pytest.fixture(scope="module")
def warm(built: Settings) -> Settings:
    """The built index with the reader loaded (the first answer assembles it; that is start-up, not the flow)."""
    answer("Kapan rakor digelar?", settings=built)
    return built


def test_the_trace_sees_a_call_back_up() -> None:
    """The check can fail: a lower layer calling a higher one is recorded."""
    trace = Trace()

    def lower() -> None:  # runs as if it were a store, calling the reader above it
        exec("import tanya_sumsel.question.kind as k; k.question_type('Siapa?')", {"__name__": "tanya_sumsel.stores.x"})

    sys.setprofile(trace.profile({"Siapa?"}))
    try:
        lower()
    finally:
        sys.setprofile(None)
    assert trace.upward == ["tanya_sumsel.stores.x → tanya_sumsel.question.kind.question_type"]
    assert trace.analysed[("question_type", "Siapa?")] == 1


@pytest.mark.parametrize(
    "question",
    ["Siapa yang memimpin rapat koordinasi Pemprov Sumsel?", "brp personel yg disiagakan utk karhutla"],
)
def test_answer_enters_each_stage_once_in_order(warm: Settings, question: str) -> None:
    trace, ans = traced(question, warm)
    assert ans.citations or ans.abstained  # a real answer came out of the traced run
    assert trace.stages == list(STAGES), trace.entries
    assert not trace.upward, trace.upward  # issue #34 allows 3; none is the state to keep
    again = {key: n for key, n in trace.analysed.items() if n > 1}
    assert not again, f"analysed more than once: {again}"
    assert trace.analysed[("question_type", question)] == 1 and trace.analysed[("terms", question)] == 1


def test_a_dated_question_is_analysed_once_too(warm: Settings) -> None:
    question = "Kapan rapat koordinasi digelar pada Januari 2026?"
    trace, _ = traced(question, warm, {question, "Kapan rapat koordinasi digelar?"})
    assert trace.stages == list(STAGES), trace.entries
    assert not trace.upward, trace.upward
    again = {key: n for key, n in trace.analysed.items() if n > 1}
    assert not again, f"analysed more than once: {again}"
