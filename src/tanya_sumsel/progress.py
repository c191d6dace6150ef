"""Progress of long work: the command line's bar (on stderr), shared by `index` and `eval`, and the log lines of a
build that starts on its own (a first question without an index)."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)


def show_progress(verbose: bool = False) -> None:
    """Logging for our processes (CLI, server, build child): our own progress at INFO always, other libraries' INFO
    only when `verbose`."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    logging.getLogger("tanya_sumsel").setLevel(logging.INFO)


def log_progress(done: int, total: int) -> None:
    """A first-use build's progress: an INFO line about every 10%."""
    if total and (done == total or done * 10 // total != (done - 1) * 10 // total):
        log.info("Membangun indeks: %d/%d potongan", done, total)


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
