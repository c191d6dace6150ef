"""The command line's progress bar (on stderr), shared by `index` and `eval`."""

from __future__ import annotations

import sys


class ProgressBar:
    """A tqdm bar on stderr that appears with the first update and is closed on error too, so a failure's message
    starts on a line of its own."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.desc, unit="", file=sys.stderr)
        self.bar.update(done - self.bar.n)  # tqdm throttles redraws itself (mininterval)
        if done >= total:
            self.close()

    def close(self) -> None:
        """End the bar's line (once)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
