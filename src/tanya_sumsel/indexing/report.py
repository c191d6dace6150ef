"""What an index build did, and its summary as the CLI and the UI print it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tanya_sumsel.corpus.ingest import Problem


@dataclass(frozen=True)
class BuildReport:
    """What an index run did."""

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks_embedded: int
    chunks_total: int
    problems: tuple[Problem, ...]
    seconds: float
    full_rebuild: bool
    reason: str = ""
    index_path: str = ""
    changed: bool = field(default=True)
    chunks_reused: int = 0  # vectors an interrupted build had already computed

    def summary(self) -> str:
        """One-paragraph Indonesian summary for the CLI and UI."""
        lines = [
            f"Ditambah {self.added}, diperbarui {self.updated}, dihapus {self.removed}, tetap {self.unchanged} artikel; "
            f"{self.chunks_embedded} potongan di-embed, total {self.chunks_total} potongan ({self.seconds:.1f} dtk)."
        ]
        if self.chunks_reused:
            lines.append(
                f"Dilanjutkan dari build yang terputus: {self.chunks_reused} potongan tidak perlu di-embed ulang."
            )
        if self.reason:
            lines.append(f"Bangun ulang penuh: {self.reason}.")
        if self.problems:
            lines.append(f"Dilewati {len(self.problems)}:")
            lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)
