"""Error hierarchy: every message says what to do next (in Indonesian, since users read it)."""

from __future__ import annotations


class TanyaError(Exception):
    """Base class for every error Tanya Sumsel raises on purpose."""

    exit_code = 1


class InputError(TanyaError):
    """The user's input (question, option, file) is unusable; exit code 2."""

    exit_code = 2


class CorpusError(InputError):
    """The corpus is missing, empty or holds nothing usable."""


class IndexMissingError(TanyaError):
    """No index has been built yet and none can be built automatically."""


class IndexMismatchError(TanyaError):
    """The index on disk was built with other settings (embedder, dimension, chunking, format)."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(f"{reason}. {fix}")
        self.reason = reason


class IndexDamagedError(TanyaError):
    """The live index generation has missing or damaged files; a new build repairs it."""

    def __init__(self, index_dir: object, problems: list[str]) -> None:
        super().__init__(
            f"Indeks di {index_dir} rusak: {'; '.join(problems)}. Jalankan: tanya-sumsel index"
            + ("" if str(index_dir).startswith("postgres") else f" --index {index_dir}")
            + " (membangun generasi baru dari korpus)"
        )
        self.problems = problems


class DatabaseError(TanyaError):
    """The PostgreSQL store failed (unreachable, lost, full, refused); `kind` names which, for callers and tests."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ModelFileError(TanyaError):
    """A shipped model file does not fit the code that computes its features (retrain it, or reinstall)."""


class EmbedderError(TanyaError):
    """The embedding model cannot be loaded."""


class GeneratorError(TanyaError):
    """The configured language model failed; callers fall back to the extractive answer."""


class FetchError(InputError):
    """A URL could not be fetched or holds no article or feed; the message names the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
