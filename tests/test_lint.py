"""House rules the code must keep: ruff-clean, no pickle, imports that only point down the data flow (the layer
table below), no cycles, small modules."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "tanya_sumsel"

# The layers, bottom first: a module may import its own layer and the ones before it, never one after it
# (docs/architecture.md draws the same flow). `base` is the package's top-level modules every layer shares.
LAYERS = [
    "base",
    "lang",
    "corpus",
    "embedding",
    "stores",
    "indexing",
    "question",
    "retrieval",
    "reading",
    "generation",
    "pipeline",
    "integrations",
    "evaluation",
    "app",
    "package",  # __init__ and __main__: the public names and `python -m tanya_sumsel`
]
BASE = {"_version", "_moved", "errors", "settings", "netguard", "progress", "mlp", "types"}
ALLOWED = {layer: set(LAYERS[: n + 1]) for n, layer in enumerate(LAYERS)}


def module_name(path: Path) -> str:
    """'tanya_sumsel.stores.local.store' for src/tanya_sumsel/stores/local/store.py."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """The layer a package module belongs to."""
    head = module.split(".")[1] if "." in module else "__init__"
    if head in ("__init__", "__main__"):
        return "package"
    return "base" if head in BASE else head


def imports(path: Path) -> set[str]:
    """The package modules a module imports, lazy (in-function) and type-checking imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "tanya_sumsel":
            if node.module == "tanya_sumsel":
                found |= {f"tanya_sumsel.{a.name}" for a in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tanya_sumsel.")}
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    assert ruff is not None, "ruff is a test dependency: pip install -e '.[test]'"
    out = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_every_module_has_a_layer_and_imports_absolutely() -> None:
    for name, path in MODULES.items():
        assert layer_of(name) in ALLOWED, f"{name}: add its package to LAYERS in tests/test_lint.py"
        relative = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if getattr(n, "level", 0)]
        assert not relative, f"{name}: import as 'from tanya_sumsel.… import' so the layer table sees it"


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{name} ({layer_of(name)}) imports {dep} ({layer_of(dep)})"
        for name, path in sorted(MODULES.items())
        for dep in sorted(imports(path))
        if layer_of(dep) not in ALLOWED[layer_of(name)]
    ]
    assert not upward, "imports against the layer table:\n" + "\n".join(upward)


def test_no_import_cycle() -> None:
    graph = {name: {d for d in imports(path) if d in MODULES} for name, path in MODULES.items()}
    graph = {k: v for k, v in graph.items() if layer_of(k) != "package"}
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph.get(module, ())):
            assert dep != "tanya_sumsel", f"{module} imports the package itself"
            assert state.get(dep) != 1, "import cycle: " + " → ".join([*path[path.index(dep) :], dep])
            if dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    """The layer check is not vacuous: a store importing the retriever is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from tanya_sumsel.retrieval.retriever import Retriever\n", encoding="utf-8")
    (dep,) = imports(bad)
    assert layer_of(dep) not in ALLOWED[layer_of("tanya_sumsel.stores.base")]
    assert layer_of("tanya_sumsel.stores.base") in ALLOWED[layer_of(dep)]


def test_no_pickle_loading_in_package() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import pickle" not in text and "pickle.load" not in text and "allow_dangerous" not in text, path


def test_modules_stay_small() -> None:
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, f"modules over 300 lines (split them along a seam): {long}"


def test_old_import_paths_still_work_and_warn() -> None:
    """A moved module keeps its old path for one release, as the same module, with a DeprecationWarning."""
    script = (
        "import warnings, importlib\n"
        "warnings.simplefilter('error')\n"
        "import tanya_sumsel.retrieval.retriever as new\n"
        "try:\n"
        "    importlib.import_module('tanya_sumsel.retrieve')\n"
        "except DeprecationWarning as w:\n"
        "    assert 'tanya_sumsel.retrieval.retriever' in str(w), w\n"
        "else:\n"
        "    raise SystemExit('no warning')\n"
        "warnings.simplefilter('ignore')\n"
        "import tanya_sumsel.retrieve as old\n"
        "from tanya_sumsel.reading import compose_for\n"
        "from tanya_sumsel.reading.learned import compose_for as moved\n"
        "assert old is new and compose_for is moved\n"
        # and the package itself never goes through an old path
        "import pkgutil, tanya_sumsel\n"
        "warnings.filterwarnings('error', message='.*moved to tanya_sumsel')\n"
        "for m in pkgutil.walk_packages(tanya_sumsel.__path__, 'tanya_sumsel.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
