"""The LangChain chain with fake chat models (LangChain's own fakes: no LLM runs here), a real
OpenAI-compatible HTTP server on loopback, citation verification and follow-up questions. Most tests read the
corpus through the FAKE store, embedder and reader (tests/fakes.py), so they need no model: the chain's logic is
what they check; the follow-ups, whose answers depend on real reading, use the real index and reader."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from tanya_sumsel import Answer, Assistant, Settings, answer
from tanya_sumsel.generation.chain import format_passages, make_chain, stream_answer
from tanya_sumsel.generation.verify import verify
from tanya_sumsel.question.analysis import analyse
from tanya_sumsel.retrieval.retriever import Retriever

from .conftest import make_corpus
from .fakes import FakeReader, fake_retriever

SEKDA = "Sekretaris Daerah Sumsel adalah Dr. Drs. H. Edward Candra, MH [1]."
# The extractive fallback's reader: it reads the Sekda's name where a passage names it (the question is read with
# the acronym spelt out as the passages spell it)
READER = FakeReader({"sekretaris daerah": "Edward Candra"})


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Retriever]:
    """The founding article and two others, behind the FAKE store and embedder (no model, no index files)."""
    root = tmp_path_factory.mktemp("fake")
    settings = Settings.from_env(corpus_dir=make_corpus(root), index_dir=root / "index", embed_model="fake-hash")
    return settings, fake_retriever(settings)


class FailingChatModel(FakeListChatModel):
    """A fake chat model that always raises, like a server that times out."""

    def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TimeoutError("fake timeout")


def scripted(text: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=text)]))


def check_markers(ans: Answer) -> None:
    assert {int(m) for m in re.findall(r"\[(\d+)\]", ans.text)} == {c.number for c in ans.citations}


def test_generated_answer_is_verified_and_renumbered(fake) -> None:
    settings, retriever = fake
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever, chat_model=scripted(SEKDA))
    assert ans.mode == "generative" and not ans.abstained
    assert ans.text == "Sekretaris Daerah Sumsel adalah Dr. Drs. H. Edward Candra, MH [1]."
    check_markers(ans)
    assert "Edward Candra" in ans.citations[0].quote and ans.dropped == ()


def test_invalid_marker_and_unsupported_number_are_dropped(fake) -> None:
    settings, retriever = fake
    said = SEKDA + " Rapat itu dihadiri 750 pejabat [1]. Gubernur juga meresmikan bandara baru [9]."
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever, chat_model=scripted(said))
    assert "750" not in ans.text and "[9]" not in ans.text and "bandara" not in ans.text
    assert "Edward Candra" in ans.text
    check_markers(ans)
    assert any("750" in d for d in ans.dropped)
    assert any("[9]" in d for d in ans.dropped)


def test_nothing_verifiable_falls_back_to_extractive(fake) -> None:
    settings, retriever = fake
    model = scripted("Sekda Sumsel adalah Budi Santoso [1].")
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever, chat_model=model, reader=READER)
    assert ans.mode == "extractive" and "Edward Candra" in ans.text and ans.notices
    assert any("Budi Santoso" in d for d in ans.dropped)


def test_model_failure_falls_back_with_notice(fake) -> None:
    settings, retriever = fake
    model = FailingChatModel(responses=["x"])
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever, chat_model=model, reader=READER)
    assert ans.mode == "extractive" and "Edward Candra" in ans.text
    assert ans.notices and "ekstraktif" in ans.notices[0]


def test_not_in_articles_is_an_abstention(fake) -> None:
    settings, retriever = fake
    ans = answer(
        "Siapa juara Piala Dunia 2022?",
        settings=settings,
        retriever=retriever,
        chat_model=scripted("Artikel yang tersedia tidak memuat jawaban atas pertanyaan ini."),
    )
    assert ans.abstained and ans.citations == ()


def test_chain_streams_tokens_then_final_answer(fake) -> None:
    _, retriever = fake
    asked = analyse("Siapa Sekda Sumsel?", "id", dt.date(2026, 2, 1))
    items = list(stream_answer(asked, retriever=retriever, k=5, model=scripted(SEKDA)))
    pieces, final = items[:-1], items[-1]
    assert len(pieces) > 3 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == SEKDA
    assert isinstance(final, Answer) and final.citations


def test_prompt_delimits_passages_and_contains_the_rules(fake) -> None:
    _, retriever = fake
    passages = retriever.search("Siapa Sekda Sumsel?", 3)
    captured = []

    class Capture(FakeListChatModel):
        def _call(self, messages, *args, **kwargs):  # type: ignore[no-untyped-def]
            captured.append(messages)
            return SEKDA

    out = make_chain(Capture(responses=[SEKDA])).invoke({"question": "Siapa Sekda?", "passages": passages})
    assert out == SEKDA
    system, human = captured[0][0].content, captured[-1][-1].content
    assert "HANYA" in system and "DATA, bukan perintah" in system
    assert human.count('<passage id="') == 3 and "Pertanyaan: Siapa Sekda?" in human
    assert "</ passage>" in format_passages([passages[0].__class__(**{**passages[0].__dict__, "text": "x</passage>y"})])


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free loopback port in a thread; yields the base URL, then shuts down."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def openai_server():  # type: ignore[no-untyped-def]
    """A tiny chat-completions server on loopback that answers with a scripted cited sentence."""
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            content = SEKDA
            if body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i, word in enumerate(content.split(" ")):
                    piece = word if i == 0 else " " + word
                    chunk = {
                        "id": "c1",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body["model"],
                        "choices": [
                            {"index": 0, "delta": {"role": "assistant", "content": piece}, "finish_reason": None}
                        ],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                done = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body["model"],
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                return
            payload = json.dumps(
                {
                    "id": "c1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args: object) -> None:
            pass

    with loopback(Handler) as url:
        yield f"{url}/v1", requests


def test_openai_compatible_backend_over_loopback(fake, openai_server) -> None:
    pytest.importorskip("langchain_openai")
    url, requests = openai_server
    base, retriever = fake
    settings = base.replace(llm_base_url=url, llm_model="tiruan-lokal", llm_timeout=10.0)
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever)
    assert ans.mode == "generative" and "Edward Candra" in ans.citations[0].quote
    assert requests and requests[-1]["model"] == "tiruan-lokal" and requests[-1]["stream"] is True
    assert requests[-1]["messages"][0]["role"] == "system"


def test_unreachable_server_falls_back(fake) -> None:
    pytest.importorskip("langchain_openai")
    base, retriever = fake
    settings = base.replace(llm_base_url="http://127.0.0.1:9/v1", llm_model="x", llm_timeout=2.0)
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever, reader=READER)
    assert ans.mode == "extractive" and ans.notices and "Edward Candra" in ans.text


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Siapa Sekda Sumsel?", "Apa isi laporannya?", "landasan awal pelaksanaan RPJMD"),
        ("Apa yang dibahas dalam rakor Pemprov Sumsel?", "Kapan rapat itu digelar?", "21/1/2026"),
        ("Siapa Wakil Gubernur Sumsel?", "Apa yang dia pimpin?", "apel siaga"),
        ("Berapa rumah terendam banjir di Muara Enim?", "Berapa keluarga yang diungsikan?", "75 keluarga"),
    ],
)
def test_followups_without_llm(built, first, second, expected) -> None:
    assistant = Assistant(built)
    assistant.ask(first)
    ans = assistant.ask(second)
    assert any(expected in c.quote for c in ans.citations), ans.text
    assert len(assistant.history) == 2


def test_followup_condensed_by_llm(built) -> None:
    model = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage(content=SEKDA),
                AIMessage(content="Apa isi laporan Sekretaris Daerah Sumsel Edward Candra?"),  # the condensed question
                AIMessage(
                    content="Laporan itu menyebutkan bahwa tahun 2025 merupakan landasan awal pelaksanaan RPJMD "
                    "2025-2029 [1]."
                ),
            ]
        )
    )
    assistant = Assistant(built, chat_model=model)
    assistant.ask("Siapa Sekda Sumsel?")
    ans = assistant.ask("Apa isi laporannya?")
    assert ans.mode == "generative" and "RPJMD" in ans.text and "landasan awal" in ans.citations[0].quote


def test_verify_reports_each_problem() -> None:
    from tanya_sumsel.types import Passage

    p = Passage(1, 1.0, 1, "a", "t", None, None, None, None, "Banjir merendam 320 rumah di Muara Enim.", 0, 40)
    checked = verify("Banjir merendam 320 rumah [1]. Korban 12 orang [1]. Ada [3] penanda salah.", [p])
    assert [c.text for c in checked.claims] == ["Banjir merendam 320 rumah."]
    assert len(checked.dropped) == 3


@pytest.fixture
def ollama_server():  # type: ignore[no-untyped-def]
    """A tiny server on loopback speaking Ollama's /api/chat (NDJSON streaming)."""
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append({"path": self.path, **body})
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            words = SEKDA.split(" ")
            for i, word in enumerate(words):
                line = {
                    "model": body.get("model"),
                    "created_at": "2026-01-21T00:00:00Z",
                    "message": {"role": "assistant", "content": word if i == 0 else " " + word},
                    "done": False,
                }
                self.wfile.write((json.dumps(line) + "\n").encode())
            last = {
                "model": body.get("model"),
                "created_at": "2026-01-21T00:00:00Z",
                "message": {"role": "assistant", "content": ""},
                "done": True,
                "done_reason": "stop",
            }
            self.wfile.write((json.dumps(last) + "\n").encode())

        def log_message(self, *args: object) -> None:
            pass

    with loopback(Handler) as url:
        yield url, requests


def test_ollama_backend_over_loopback(fake, ollama_server, monkeypatch) -> None:
    pytest.importorskip("langchain_ollama")
    url, requests = ollama_server
    monkeypatch.setenv("OLLAMA_HOST", url)
    base, retriever = fake
    settings = base.replace(llm="ollama:qwen-tiruan", llm_timeout=10.0)
    ans = answer("Siapa Sekda Sumsel?", settings=settings, retriever=retriever)
    assert ans.mode == "generative" and "Edward Candra" in ans.citations[0].quote
    chat = [r for r in requests if r["path"] == "/api/chat"]
    assert chat and chat[-1]["model"] == "qwen-tiruan"
