"""Benchmark the public catalogue: `segur serve` against plain `datasette`, same file, same run.

    python benchmarks/bench_serve.py                # builds a 10,000-solution catalogue
    python benchmarks/bench_serve.py --db big.db    # reuses (or builds) this catalogue

The catalogue is the replica's `--scale 10000` dataset written by the real store.
Three servers answer in turn on 127.0.0.1 (never at the same time):

* `segur serve` as deployed (immutable snapshot, response cache);
* `segur serve --no-response-cache` (every answer computed: the snapshot, indexes and
  the name index alone);
* plain `datasette serve FILE` with its defaults (the reference of the issue).

For each, 20 concurrent clients (asyncio + httpx) call, for a bounded time:

* the look-up "Mon logiciel est-il référencé ?" (`/verifier.json?nom=...`); plain
  datasette has no such page, so it runs the closest plain SQL (`lower(editor) like
  '%nom%' or ...`, which ignores neither accents nor spaces) through `/db.json?sql=...`;
* the default faceted table page: `/catalogue/solutions` (facets couloir, dispositif,
  vague, status; newest referencing first) and, for plain datasette, the same page
  asked for with `?_facet=...&_sort_desc=referenced_on`.

Every look-up asks a name no earlier request asked (no cache can help): whole
editor and solution names, their first word, the beginning of a name, a name with
its version, and one in ten with a typo (which takes the slower path of
suggestions), shuffled; each server gets the same sequence. Reported: requests per
second, p50 and p99 latency, and the machine's load average (the clients run on the
same machine as the server; other work on it skews every number). Results also go to
benchmarks/results/serve-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SCALE = 10_000
CLIENTS = 20
SECONDS = 8.0
MAX_REQUESTS = 20_000
WARM_UP_NAMES = 50
TARGETS = {"lookup": 50.0, "faceted": 200.0}  # p99, milliseconds
LOOKUP_SPEEDUP = 10  # the look-up serves at least 10x plain datasette's LIKE

PLAIN_LOOKUP_SQL = """select solution, editor, version, status, couloir, dispositif, vague,
referenced_on from solutions
where lower(editor) like '%' || lower(:nom) || '%' or lower(solution) like '%' || lower(:nom) || '%'
order by status, referenced_on desc"""
FACETS = ("couloir", "dispositif", "vague", "status")


def build_catalogue(path: Path, scale: int) -> None:
    from catalogue.schema import open_db
    from catalogue.store import record_run, start_run
    from replica.dataset import build_dataset
    from scraper.items import CrawlResult

    dataset = build_dataset(state=1, scale=scale)
    db = open_db(path)
    run_id = start_run(db, "http://127.0.0.1:9/")
    result = CrawlResult(
        base_url="http://127.0.0.1:9/",
        solutions=dataset.solutions,
        candidates=dataset.candidates,
        status="complete",
        rows_expected=len(dataset.solutions),
    )
    record_run(db, run_id, result)
    db.conn.close()


def lookup_names(path: Path) -> list[str]:
    """Distinct names people would type, in a shuffled order (see the module doc)."""
    import sqlite3

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT DISTINCT editor, solution, version FROM solutions").fetchall()
    conn.close()
    rng = random.Random(2024)
    typed: set[str] = set()
    for editor, solution, version in rows:
        for name in (editor, solution):
            words = name.lower().split()
            typed.update(
                {
                    name.lower(),
                    words[0],
                    name.lower()[: max(3, len(name) // 2)],
                    f"{solution.lower()} {version}",
                }
            )
            if rng.random() < 0.1 and len(name) > 4:
                cut = rng.randrange(1, len(name) - 1)
                typed.add(name.lower()[:cut] + name.lower()[cut + 1 :])
    names = sorted(name for name in typed if len(name.strip()) >= 2)
    rng.shuffle(names)
    return names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, label: str, command: list[str], port: int):
        self.label = label
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.label} exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.label} did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


class Connection:
    """A minimal HTTP/1.1 keep-alive client (lighter than httpx: the clients share the
    machine with the server, so the less they cost the more the numbers are the server's)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, base_url: str) -> Connection:
        parts = urlsplit(base_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer, parts.netloc)

    async def get(self, target: str) -> int:
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\nAccept: */*\r\n\r\n"
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
        }
        if b"content-length" in headers:
            await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        return status

    def close(self) -> None:
        self.writer.close()


async def load(
    base_url: str, target_for, seconds: float, clients: int, max_requests: int = MAX_REQUESTS
) -> dict:
    """`clients` connections request `target_for(n)` until `seconds` or MAX_REQUESTS are spent."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    connections = [await Connection.open(base_url) for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    async def worker(connection: Connection):
        nonlocal counter, errors
        while time.perf_counter() < deadline and counter < max_requests:
            counter += 1
            target = target_for(counter)
            started = time.perf_counter()
            status = await connection.get(target)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*[worker(connection) for connection in connections])
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
    }


def scenarios(server: Server, names: list[str], plain_db: str | None) -> dict:
    if plain_db is None:

        def lookup_of(text: str) -> str:
            return f"/verifier.json?nom={quote(text)}"

        faceted = "/catalogue/solutions"
    else:
        sql = quote(PLAIN_LOOKUP_SQL)

        def lookup_of(text: str) -> str:
            return f"/{plain_db}.json?sql={sql}&nom={quote(text)}"

        facets = "&".join(f"_facet={facet}" for facet in FACETS)
        faceted = f"/{plain_db}/solutions?{facets}&_sort_desc=referenced_on"

    def lookup(n: int) -> str:
        return lookup_of(names[n - 1])  # n counts from 1: each request its own name

    # Warm-up, on every server alike: connections opened, first answers computed (with
    # names that are not in the measured sequence, some unknown: suggestions are ready).
    warm_up = [f"echauffement{n}" for n in range(WARM_UP_NAMES)]
    asyncio.run(load(server.url, lambda n: faceted, 1.0, 2))
    asyncio.run(load(server.url, lambda n: lookup_of(warm_up[n % WARM_UP_NAMES]), 1.0, 2))
    return {
        "lookup": asyncio.run(load(server.url, lookup, SECONDS, CLIENTS, len(names))),
        "faceted": asyncio.run(load(server.url, lambda n: faceted, SECONDS, CLIENTS)),
    }


def print_table(results: dict) -> None:
    header = f"{'server':<34} {'page':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for label, pages in results.items():
        for page, numbers in pages.items():
            print(
                f"{label:<34} {page:<8} {numbers['requests_per_second']:>8} "
                f"{numbers['p50_ms']:>8} {numbers['p99_ms']:>8} {numbers['errors']:>7}"
            )
    print()
    served = results["segur serve"]
    for page, target in TARGETS.items():
        verdict = "met" if served[page]["p99_ms"] < target else "MISSED"
        print(f"target {page} p99 < {target:g} ms: {verdict} ({served[page]['p99_ms']} ms)")
    plain = results.get("plain datasette")
    if plain:
        speedup = served["lookup"]["requests_per_second"] / plain["lookup"]["requests_per_second"]
        verdict = "met" if speedup >= LOOKUP_SPEEDUP else "MISSED"
        print(
            f"target look-up >= {LOOKUP_SPEEDUP}x plain datasette (req/s): {verdict} "
            f"({speedup:.1f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="catalogue to use (built when missing)")
    parser.add_argument("--scale", type=int, default=SCALE)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    path = args.db or folder / "catalogue.db"
    if not path.exists():
        print(f"building a {args.scale}-solution catalogue in {path} ...", flush=True)
        started = time.perf_counter()
        build_catalogue(path, args.scale)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    names = lookup_names(path)
    segur = [sys.executable, "-m", "cli", "serve", "--db", str(path), "-q"]
    servers = [
        ("segur serve", lambda port: [*segur, "--port", str(port)], None),
        (
            "segur serve --no-response-cache",
            lambda port: [*segur, "--port", str(port), "--no-response-cache"],
            None,
        ),
        (
            "plain datasette",
            lambda port: [
                sys.executable,
                "-m",
                "datasette",
                "serve",
                str(path),
                "--port",
                str(port),
            ],
            path.stem,
        ),
    ]
    results = {}
    load_before = os.getloadavg()
    for label, command, plain_db in servers:
        port = free_port()
        print(f"{label}: {CLIENTS} clients, {SECONDS:g} s per page ...", flush=True)
        server = Server(label, command(port), port)
        try:
            results[label] = scenarios(server, names, plain_db)
        finally:
            server.stop()
    load_after = os.getloadavg()
    print()
    print_table(results)
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = RESULTS / f"serve-{time.strftime('%Y%m%d-%H%M%S')}.json"
    output.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "clients": CLIENTS,
                "seconds": SECONDS,
                "cpus": os.cpu_count(),
                "load_average": {"before": load_before, "after": load_after},
                "results": results,
            },
            indent=2,
        )
    )
    print(f"\nresults: {output}")


if __name__ == "__main__":
    main()
