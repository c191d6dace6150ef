"""Every Python example in the README and in docs/ runs against the bundled corpus and prints what it shows (issue
#33, item 10): each ```python block is a doctest (ELLIPSIS, NORMALIZE_WHITESPACE), run in a copy of the project
folder; the API example talks to a real `tanya-sumsel serve` started for it."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_ui import start_server

pytestmark = pytest.mark.slow

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
SERVER_URL = "http://127.0.0.1:7860/"  # the README's address; the test's server has its own port


def _examples() -> list[tuple[str, int, str]]:
    """(file, line, code) of every Python block of the README and docs/*.md."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            found.append((path.name, text[: m.start()].count("\n") + 2, m.group(1)))
    return found


def test_every_python_block_is_a_doctest() -> None:
    examples = _examples()
    assert len(examples) >= 3
    loose = [f"{name}:{line}" for name, line, code in examples if ">>> " not in code]
    assert not loose, f"write these as doctests (>>> and the output they print), so they are checked: {loose}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project folder's corpus: the examples build their index beside it."""
    home = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "corpus", home / "corpus")
    return home


@pytest.mark.parametrize("name,line,code", _examples(), ids=lambda v: str(v)[:12] if isinstance(v, str) else str(v))
def test_the_example_prints_what_it_shows(
    name: str, line: int, code: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    for var in ("TANYA_HOME", "TANYA_CORPUS_DIR", "TANYA_INDEX_DIR", "TANYA_READER", "TANYA_LLM"):
        monkeypatch.delenv(var, raising=False)
    server = None
    if SERVER_URL in code:
        from tanya_sumsel import build_index

        build_index()  # the server answers from the same folder
        server, url = start_server(project, project / "corpus")
        code = code.replace(SERVER_URL, url)
    try:
        test = doctest.DocTestParser().get_doctest(code, {}, f"{name}:{line}", name, line)
        out: list[str] = []
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        result = runner.run(test, out=out.append)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    assert result.attempted > 0
    assert result.failed == 0, "".join(out)


def test_the_readme_is_one_page_that_leads_to_the_rest() -> None:
    """Issue #34: a newcomer finds the two commands and how to add articles at once; the rest lives in docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    head = readme[: readme.index("## Python")]
    assert "pip install -e . && python app.py" in head and 'pip install -e ".[test]" && python -m pytest' in head
    assert "## Adding your own articles" in readme and "## Configuration" in readme
    for doc in ("usage", "operations", "architecture", "evaluation", "training"):
        assert f"(docs/{doc}.md)" in readme and (ROOT / "docs" / f"{doc}.md").is_file(), doc
