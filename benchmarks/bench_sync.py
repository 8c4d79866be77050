"""Benchmark `segur sync` on a scaled replica of the site (issue 3, point 12).

Starts the replica with N generated solutions, runs `segur sync --delay 0` in a
subprocess for each rendering, and reports wall time, the sync's peak memory
(max RSS) and the requests it made against the minimum a crawl needs.

Targets: under 60 s, under 300 MB, requests <= 1.05 x minimum.

    python benchmarks/bench_sync.py [--scale 10000] [--rendering table ...]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replica.server import ReplicaServer
from replica.site import NEWS_PAGE_SIZE, Site

ROOT = Path(__file__).resolve().parent.parent
RENDERINGS = ("table", "cards", "lines")
# Renderings whose rows print their dispositif: a crawl reads the listing's
# pager alone; the others need one pager per dispositif facet.
ROWS_SHOW_DISPOSITIF = {"table": True, "lines": True, "cards": False}
TARGET_SECONDS, TARGET_MB, TARGET_REQUEST_RATIO = 60, 300, 1.05


def minimum_requests(site: Site, rendering: str) -> int:
    dataset = site.dataset
    size = site.page_size
    if ROWS_SHOW_DISPOSITIF[rendering]:
        listing = math.ceil(len(dataset.solutions) / size)
    else:
        counts, _ = site.facet_counts
        listing = 1 + sum(math.ceil(count / size) for count in counts.values())
    news = math.ceil(len(dataset.news) / NEWS_PAGE_SIZE)
    return 1 + listing + news + len(dataset.articles)  # 1: robots.txt


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench(rendering: str, scale: int) -> dict:
    with (
        ReplicaServer(rendering=rendering, scale=scale) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        site = Site(server.dataset, rendering)
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cli",
                "sync",
                "--quiet",
                "--delay",
                "0",
                "--base-url",
                server.url,
                "--db",
                os.path.join(tmp, "bench.db"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        requests = len(server.requests)
        minimum = minimum_requests(site, rendering)
    return {
        "rendering": rendering,
        "exit": result.returncode,
        "summary": run_summary(result.stdout),
        "seconds": seconds,
        "peak_mb": child_peak_mb(),
        "requests": requests,
        "minimum": minimum,
        "ratio": requests / minimum,
    }


def run_summary(stdout: str) -> str:
    """The `run N: …` line of `segur sync` (the archive line follows it)."""
    lines = [line for line in stdout.splitlines() if line.startswith("run ")]
    return lines[-1] if lines else ""


def verdict(row: dict) -> str:
    ok = (
        row["exit"] == 0
        and row["seconds"] < TARGET_SECONDS
        and row["peak_mb"] < TARGET_MB
        and row["ratio"] <= TARGET_REQUEST_RATIO
    )
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--rendering", action="append", choices=RENDERINGS)
    args = parser.parse_args()
    print(f"segur sync on a replica of {args.scale} generated solutions, delay 0")
    print(
        f"{'rendering':<10} {'exit':>4} {'time s':>7} {'peak MB':>8} {'requests':>9} "
        f"{'minimum':>8} {'ratio':>6}  verdict"
    )
    missed = 0
    for rendering in args.rendering or RENDERINGS:
        row = bench(rendering, args.scale)
        missed += verdict(row) != "ok"
        print(
            f"{row['rendering']:<10} {row['exit']:>4} {row['seconds']:>7.1f} "
            f"{row['peak_mb']:>8.0f} {row['requests']:>9} {row['minimum']:>8} "
            f"{row['ratio']:>6.3f}  {verdict(row)}"
        )
        print(f"           {row['summary']}")
    print(
        f"targets: < {TARGET_SECONDS} s, < {TARGET_MB} MB, requests <= "
        f"{TARGET_REQUEST_RATIO} x minimum (peak MB is the largest sync so far)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
