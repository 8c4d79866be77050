"""Benchmark: honest visitors while others abuse custom SQL, on a 10,000-solution catalogue.

    python benchmarks/bench_abuse.py                            # this checkout's server
    python benchmarks/bench_abuse.py --segur ../old/.venv/bin/segur   # another version

One `segur serve` (as deployed: snapshot, response cache) on 127.0.0.1, then:

1. **one oversized request**: `segur_compact(hex(zeroblob(100000000)))` through
   `/catalogue.json?sql=`: its answer time and how much the server grew (RSS);
2. **baseline**: one honest client asks the look-up (`/verifier.json?nom=`) with a
   distinct name each time, alone, for `--seconds`;
3. **under abuse**: the same honest client (names not asked before) while 8
   clients send expensive custom SQL without pause for `--abuse-seconds` (cross
   joins with LIKE, catalogue functions on every pair, an endless recursive
   query, a big sorted result; each text distinct, so no cache helps), and a
   second honest client asks cached pages (`/robots.txt`, the home page).

Reported: the honest look-up's p50/p99 and errors in both phases, the cached
pages' p99, what the abusers got (answers, 503 refusals), and the server's peak
resident memory. Targets (issue 10): look-up p99 under 250 ms and under 4x its
baseline, no honest error, peak RSS under 600 MB. Results also go to
benchmarks/results/abuse-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_serve import (  # noqa: E402
    ROOT,
    SCALE,
    Connection,
    Server,
    build_catalogue,
    free_port,
    lookup_names,
    percentile,
)

RESULTS = HERE / "results"
ABUSERS = 8
TARGET_P99_MS = 250.0
TARGET_RATIO = 4.0
TARGET_RSS_MB = 600.0
OVERSIZED_SQL = "select length(segur_compact(hex(zeroblob(100000000))))"
EXPENSIVE_SQL = (
    "select count(*) from solutions a, solutions b where a.editor like '%' || b.solution || '%'",
    "select count(*) from solutions a join solutions b"
    " on segur_compact(a.editor) = segur_compact(b.solution)",
    "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
    "select * from solutions a, solutions b order by random() limit 1000",
    "select group_concat(a.editor || b.solution, ',') from solutions a, solutions b",
)


class MemoryWatch:
    """Samples a process's resident memory every 100 ms; keeps the peak."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current_kb(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, self.current_kb())

    def __enter__(self):
        self.peak_kb = self.current_kb()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def summary(latencies: list[float], errors: int) -> dict:
    latencies = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }


async def honest_client(url: str, targets, seconds: float, timeout: float = 60.0) -> dict:
    connection = await Connection.open(url)
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds
    try:
        for target in targets:
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.get(target), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                errors += 1
                connection.close()
                connection = await Connection.open(url)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors += 1
    finally:
        connection.close()
    return summary(latencies, errors)


async def abuser(url: str, number: int, seconds: float, counts: dict) -> None:
    connection = await Connection.open(url)
    deadline = time.perf_counter() + seconds
    n = 0
    try:
        while time.perf_counter() < deadline:
            n += 1
            sql = f"{EXPENSIVE_SQL[(number + n) % len(EXPENSIVE_SQL)]} /* {number}-{n} */"
            try:
                status = await asyncio.wait_for(
                    connection.get(f"/catalogue.json?sql={quote(sql)}"), 120
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                counts["dropped"] = counts.get("dropped", 0) + 1
                connection.close()
                connection = await Connection.open(url)
                continue
            counts[status] = counts.get(status, 0) + 1
            if status == 503:
                await asyncio.sleep(0.2)  # a polite client would wait Retry-After; abusers don't
    finally:
        connection.close()


def lookups(names: list[str]):
    return (f"/verifier.json?nom={quote(name)}" for name in names)


def cached_pages():
    while True:
        yield "/robots.txt"
        yield "/"


async def under_abuse(url: str, names: list[str], seconds: float) -> dict:
    counts: dict = {}
    abusers = [abuser(url, number, seconds, counts) for number in range(ABUSERS)]

    async def honest_after_start():
        await asyncio.sleep(1.0)  # the abusers are at it
        return await asyncio.gather(
            honest_client(url, lookups(names), seconds - 1.0),
            honest_client(url, cached_pages(), seconds - 1.0),
        )

    (lookup, cached), *_ = await asyncio.gather(honest_after_start(), *abusers)
    return {
        "lookup": lookup,
        "cached_pages": cached,
        "abusers": {str(k): v for k, v in counts.items()},
    }


def oversized_request(url: str, watch: MemoryWatch) -> dict:
    before = watch.current_kb()
    started = time.perf_counter()

    async def ask():
        connection = await Connection.open(url)
        try:
            return await asyncio.wait_for(
                connection.get(f"/catalogue.json?sql={quote(OVERSIZED_SQL)}"), 180
            )
        finally:
            connection.close()

    try:
        status = asyncio.run(ask())
    except TimeoutError:
        status = "no answer in 180 s"
    return {
        "status": status,
        "seconds": round(time.perf_counter() - started, 2),
        "rss_growth_mb": round((watch.peak_kb - before) / 1024, 1),
    }


def run(db: Path, segur: Path, seconds: float, abuse_seconds: float) -> dict:
    names = lookup_names(db)
    half = len(names) // 2
    port = free_port()
    command = [str(segur), "serve", "--db", str(db), "-q", "--port", str(port)]
    server = Server("segur serve", command, port)
    try:
        with MemoryWatch(server.process.pid) as watch:
            asyncio.run(honest_client(server.url, lookups(names[-50:]), 2.0))  # warm-up
            idle_mb = round(watch.current_kb() / 1024, 1)
            oversized = oversized_request(server.url, watch)
            baseline = asyncio.run(honest_client(server.url, lookups(names[:half]), seconds))
            abused = asyncio.run(under_abuse(server.url, names[half:-50], abuse_seconds))
            peak_mb = round(watch.peak_kb / 1024, 1)
    finally:
        server.stop()
    return {
        "segur": str(segur),
        "idle_rss_mb": idle_mb,
        "oversized_request": oversized,
        "baseline_lookup": baseline,
        "under_abuse": abused,
        "peak_rss_mb": peak_mb,
    }


def verdicts(result: dict) -> list[str]:
    base = result["baseline_lookup"]["p99_ms"]
    abused = result["under_abuse"]["lookup"]
    return [
        f"look-up p99 under abuse {abused['p99_ms']} ms < {TARGET_P99_MS:g} ms:"
        f" {'yes' if abused['p99_ms'] < TARGET_P99_MS else 'NO'}",
        f"ratio to baseline ({base} ms) {abused['p99_ms'] / base:.1f}x < {TARGET_RATIO:g}x:"
        f" {'yes' if abused['p99_ms'] < TARGET_RATIO * base else 'NO'}",
        f"honest errors {abused['errors'] + result['under_abuse']['cached_pages']['errors']}:"
        f" {'yes' if not abused['errors'] else 'NO'}",
        f"peak RSS {result['peak_rss_mb']} MB < {TARGET_RSS_MB:g} MB:"
        f" {'yes' if result['peak_rss_mb'] < TARGET_RSS_MB else 'NO'}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="catalogue to use (built when missing)")
    parser.add_argument(
        "--segur",
        type=Path,
        default=Path(sys.executable).with_name("segur"),
        help="the `segur` program to measure (another checkout's, to compare versions)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="baseline duration")
    parser.add_argument("--abuse-seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "abuse.db"
        if not db.exists():
            print(f"building a {SCALE:,}-solution catalogue in {db} ...", flush=True)
            build_catalogue(db, SCALE)
        result = run(db, args.segur.absolute(), args.seconds, args.abuse_seconds)
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    for line in verdicts(result):
        print(line)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"abuse-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
