"""UI benchmark: process start → usable page with an existing index, and concurrent `/ask` load.

Starts `python app.py` on a free loopback port (the index must exist: run `tanya-sumsel index` first),
measures the time until the page and its config answer, then runs U concurrent gradio_client users asking
Q questions each. The baseline is one user asking alone in the same run.

Usage: python benchmarks/ui_load.py [--users 10] [--questions 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Siapa Sekretaris Daerah Sumsel?",
    "Kapan rakor Pemprov Sumsel digelar?",
    "Di mana rapat koordinasi digelar?",
    "Siapa Wakil Gubernur Sumsel?",
    "Apa yang ditandatangani kepala OPD?",
    "Proyek apa yang disebut gubernur?",
    "Apa yang tidak akan ditoleransi gubernur?",
    "Who is the deputy governor of South Sumatra?",
    "Siapa juara Piala Dunia 2022?",
    "Apa tujuan rakor menurut Edward?",
]


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, round(q * len(values)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--questions", type=int, default=20)
    args = ap.parse_args()
    from gradio_client import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TANYA_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url + "config", timeout=1).read()
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - started > 120:
                    raise SystemExit("the app did not start") from None
                time.sleep(0.05)
        startup = time.perf_counter() - started

        def user(uid: int) -> tuple[list[float], int]:
            client = Client(url, verbose=False)
            times, errors = [], 0
            for i in range(args.questions):
                t = time.perf_counter()
                try:
                    text = client.predict(QUESTIONS[(uid + i) % len(QUESTIONS)], api_name="/ask")
                    errors += not text
                except Exception:  # counted, not raised: the figure is the error count
                    errors += 1
                times.append(time.perf_counter() - t)
            return times, errors

        alone, _ = user(0)
        with ThreadPoolExecutor(args.users) as pool:
            results = list(pool.map(user, range(args.users)))
        times = [t for ts, _ in results for t in ts]
        errors = sum(e for _, e in results)
        print(f"process start → usable page: {startup:.1f} s")
        print(f"one user alone: p50 {statistics.median(alone) * 1000:.0f} ms, p95 {p(alone, 0.95) * 1000:.0f} ms")
        print(
            f"{args.users} users × {args.questions} questions: {len(times)} requests, {errors} errors, "
            f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p(times, 0.95) * 1000:.0f} ms "
            f"({p(times, 0.95) / statistics.median(alone):.1f}× the lone user's p50)"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
