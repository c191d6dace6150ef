"""Who may do what, against the real Gradio server (issue #35): a reader session that sends the corpus events straight
to the page's queue API (not through the page) is refused and nothing changes; an operator's same events work; a
public process serves no corpus event at all and needs no login."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tanya_sumsel.app.access import REFUSED, hash_password

from .test_ui import make_corpus, start_server

pytestmark = pytest.mark.slow  # real servers with the real embedder

NEW_ARTICLE = "Pasar Baru Dibuka\nSumsel Pos|PALEMBANG – Pasar 16 Ilir yang baru dibuka Senin (2/3/2026)."


class Session:
    """One browser's worth of the queue API: log in, find an event by its button, send it, read its result."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None) -> None:
        self.url, self.hash = url, uuid.uuid4().hex[:10]
        self.login = (user, password) if user is not None and password is not None else None
        self.http = httpx.Client(base_url=url, timeout=120, trust_env=False)
        if user is not None:
            r = self.http.post("login", data={"username": user, "password": password})
            assert r.status_code == 200, r.text
        self.config = self.http.get("config").json()

    def events(self, elem_id: str) -> list[int]:
        """The ids of the events the component with `elem_id` triggers (empty when the page has no such thing)."""
        ids = [c["id"] for c in self.config["components"] if c.get("props", {}).get("elem_id") == elem_id]
        return [d["id"] for d in self.config["dependencies"] if any(t[0] in ids for t in d["targets"])]

    def send(self, elem_id: str, data: list) -> list:  # type: ignore[type-arg]
        """Send the component's event with `data` the way the page's JavaScript does; returns its outputs."""
        (fn,) = self.events(elem_id)
        r = self.http.post(
            "gradio_api/queue/join", json={"data": data, "fn_index": fn, "session_hash": self.hash, "trigger_id": None}
        )
        assert r.status_code == 200, r.text
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "process_completed":
                        assert msg.get("success"), msg
                        return msg["output"]["data"]
        raise AssertionError("the event never completed")

    def upload(self, path: Path) -> dict:  # type: ignore[type-arg]
        """A file sent to the server's upload endpoint, as the file component's value."""
        with path.open("rb") as fh:
            r = self.http.post("gradio_api/upload", files={"files": (path.name, fh)})
        assert r.status_code == 200, r.text
        return {"path": r.json()[0], "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    def ask(self, question: str) -> str:
        from gradio_client import Client

        return str(Client(self.url, auth=self.login, verbose=False).predict(question, api_name="/ask"))


def _state(corpus: Path, index: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(corpus)): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    return files | {"manifest": (index / "current").read_bytes() if (index / "current").exists() else b""}


def _an_article(corpus: Path, index: Path) -> str:
    from tanya_sumsel.settings import Settings
    from tanya_sumsel.stores.choose import open_reader

    articles = open_reader(Settings.from_env(corpus_dir=corpus, index_dir=index)).articles()
    return sorted(articles)[0]


@pytest.fixture(scope="module")
def users_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    root = tmp_path_factory.mktemp("roles")
    corpus = make_corpus(root)
    users = root / "users"
    users.write_text(
        f"warga:{hash_password('baca-saja')}\nredaksi:{hash_password('kelola')}:operator\n", encoding="utf-8"
    )
    proc, url = start_server(root, corpus, TANYA_AUTH_FILE=str(users))
    yield url, corpus, root / "index"
    proc.terminate()
    proc.wait(timeout=30)


def test_a_reader_sending_corpus_events_directly_is_refused_and_nothing_changes(users_server, tmp_path) -> None:
    url, corpus, index = users_server
    reader = Session(url, "warga", "baca-saja")
    assert "Edward Candra" in reader.ask("Siapa Sekda Sumsel?"), "a reader asks"
    article_id = _an_article(corpus, index)
    before = _state(corpus, index)
    new = tmp_path / "pasar.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    results = [
        reader.send("tanya-delete", [article_id])[0],
        reader.send("tanya-upload", [[reader.upload(new)]])[0],
        reader.send("tanya-web-add", ["http://127.0.0.1:9/berita"])[0],
        reader.send("tanya-web-update", [])[0],
        reader.send("tanya-rebuild", [])[0],
    ]
    assert all(r == REFUSED for r in results), results
    assert _state(corpus, index) == before, "no file in the corpus and no index generation changed"
    logged = [json.loads(x)["who"] for x in (index / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert logged == ["serve:start"], "only the first build is logged: a refusal changes nothing, so logs nothing"


def test_an_operator_changes_the_corpus(users_server, tmp_path) -> None:
    url, corpus, index = users_server
    operator = Session(url, "redaksi", "kelola")
    new = tmp_path / "pasar.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    saved = operator.send("tanya-upload", [[operator.upload(new)]])[0]
    assert "pasar.txt: 1 artikel disimpan" in saved.replace("\\", ""), saved
    assert (corpus / "uploads" / "pasar.txt").is_file()
    rebuilt = operator.send("tanya-rebuild", [])[0]
    assert rebuilt != REFUSED and "2/3/2026" in operator.ask("Kapan Pasar 16 Ilir yang baru dibuka?")
    gone = _an_article(corpus, index)
    deleted = operator.send("tanya-delete", [gone])[0]
    assert "dihapus" in deleted, deleted
    log = [json.loads(x) for x in (index / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["who"], e["action"]) for e in log] == [
        ("serve:start", "index"),
        ("ui:redaksi", "upload"),
        ("ui:redaksi", "rebuild"),
        ("ui:redaksi", "delete"),
    ]
    assert log[1]["files"] == ["pasar.txt"] and log[2]["added"] == 1 and log[3]["article"] == gone


def test_a_rebuild_from_the_ui_gives_its_memory_back(tmp_path) -> None:
    """Issue #33 item 7: the server grew from ~330 MB to ~1.15 GB with one rebuild and stayed there; the build now
    runs in a child process (index_child.py), so the server's memory after a rebuild is within 100 MB of before."""
    import psutil

    corpus = make_corpus(tmp_path)
    proc, url = start_server(tmp_path, corpus)
    try:
        local = Session(url)
        assert "Edward Candra" in local.ask("Siapa Sekda Sumsel?")
        before = psutil.Process(proc.pid).memory_info().rss / 2**20
        new = tmp_path / "pasar.txt"
        new.write_text(NEW_ARTICLE, encoding="utf-8")
        local.send("tanya-upload", [[local.upload(new)]])
        assert "Ditambah 1" in local.send("tanya-rebuild", [])[0]
        assert "2/3/2026" in local.ask("Kapan Pasar 16 Ilir yang baru dibuka?")
        after = psutil.Process(proc.pid).memory_info().rss / 2**20
        print(f"server RSS before the rebuild {before:.0f} MiB, after {after:.0f} MiB")
        assert after - before < 100, (before, after)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_wrong_password_gets_no_session(users_server) -> None:
    url, _, _ = users_server
    r = httpx.post(url + "login", data={"username": "redaksi", "password": "salah"}, trust_env=False)
    assert r.status_code in (400, 401), r.text


def test_public_mode_serves_the_chat_to_anyone_and_no_corpus_event(tmp_path) -> None:
    corpus = make_corpus(tmp_path)
    proc, url = start_server(tmp_path, corpus, TANYA_PUBLIC="true", TANYA_AUTH="redaksi:rahasia")
    try:
        anyone = Session(url)  # no login
        assert "Edward Candra" in anyone.ask("Siapa Sekda Sumsel?")
        for elem_id in ("tanya-delete", "tanya-upload", "tanya-web-add", "tanya-web-update", "tanya-rebuild"):
            assert anyone.events(elem_id) == [], f"{elem_id} is served in public mode"
        corpus_events = {d["id"] for d in anyone.config["dependencies"]}
        r = anyone.http.post(  # an event id past the chat's: there is nothing to run
            "gradio_api/queue/join",
            json={"data": ["x"], "fn_index": max(corpus_events) + 1, "session_hash": anyone.hash, "trigger_id": None},
        )
        assert r.status_code >= 400 or "error" in r.text.lower(), r.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_rate_limit_holds_one_client_while_others_keep_getting_answers(tmp_path) -> None:
    """A bounded loopback load test: one login floods /ask, another asks meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    corpus = make_corpus(tmp_path)
    users = tmp_path / "users"
    users.write_text(f"banjir:{hash_password('a')}\ntenang:{hash_password('b')}\n", encoding="utf-8")
    proc, url = start_server(tmp_path, corpus, TANYA_AUTH_FILE=str(users), TANYA_RATE_LIMIT="5")
    try:
        flood, calm = Session(url, "banjir", "a"), Session(url, "tenang", "b")
        with ThreadPoolExecutor(6) as pool:
            flooding = [pool.submit(flood.ask, "Siapa Sekda Sumsel?") for _ in range(15)]
            calm_answers = [calm.ask("Berapa personel yang disiagakan untuk karhutla?") for _ in range(3)]
            flooded = [f.result() for f in flooding]
        limited = [t for t in flooded if t.startswith("Terlalu banyak pertanyaan")]
        assert len(flooded) - len(limited) == 5 and len(limited) == 10, flooded
        assert "batas 5" in limited[0] and "detik" in limited[0]
        assert all("1.500" in t for t in calm_answers), calm_answers  # the other client was never limited
        assert calm.ask("Who is the regional secretary of South Sumatra?")  # still within its own 5
        english = Session(url, "banjir", "a").ask("Who is the regional secretary of South Sumatra?")
        assert english.startswith("Too many questions"), english  # the same login, a new session: still limited
    finally:
        proc.terminate()
        proc.wait(timeout=30)
