"""The public penalty list beside the floor of Django + PostgreSQL, measured from outside (not run by the tests).

One gunicorn (2 sync workers, production settings plus two baseline views: bench/floor_urls.py) serves, in
the same run, over the same rows:

- `/bench/bare/`: a bare JsonResponse (what a request through the middleware costs at all);
- `/bench/floor/penalties/`: the same public rows, filter, order and page size as the API, read with
  `values()` and written by orjson — no access rule, masking, labels or links: the floor;
- `/api/v1/disclosures/penalties/` and the `/disclosures/` page: the product.

Each pair (floor, product) is asked for the first page, a deep page, and a 2- and a 4-character
`subject_name`, by `wrk -t2 -c8 -d20s --latency`, the URLs interleaved, `--rounds` times. Reported: req/s,
p50 and p99 per URL and round, and each product URL's throughput and p99 as ratios to its floor's in the
same round. Targets (issue 5/11): throughput ≥ 0.60 of the floor, p99 ≤ 1.5 × the floor's.

    createdb -h 127.0.0.1 -U postgres hi_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_disclosures --count 2000000 --seed 2025
    .venv/bin/python bench/floor.py --results bench/RESULTS.md

Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import disclosures_http as common

THROUGHPUT_TARGET = 0.60
P99_TARGET = 1.5
API = "/api/v1/disclosures/penalties/"
FLOOR = "/bench/floor/penalties/"


@dataclass(frozen=True)
class Pair:
    label: str
    floor: str
    product: str


@dataclass
class Measured:
    label: str
    path: str
    round: int
    rps: float
    p50: float  # ms
    p99: float
    errors: int


def pairs(data: dict) -> list[Pair]:
    deep = data["low"] + (data["high"] - data["low"]) // 2
    q = lambda **params: "?" + urlencode(params)  # noqa: E731
    return [
        Pair("API first page", FLOOR, API),
        Pair("API deep page (middle id)", FLOOR + q(before=deep), API + q(cursor=common.drf_cursor(deep))),
        Pair(
            f"API subject_name 2 chars “{data['name2']}”",
            FLOOR + q(subject_name=data["name2"]),
            API + q(subject_name=data["name2"]),
        ),
        Pair(
            f"API subject_name 4 chars “{data['name4']}”",
            FLOOR + q(subject_name=data["name4"]),
            API + q(subject_name=data["name4"]),
        ),
        Pair("/disclosures/penalties/ page (first page)", FLOOR, "/disclosures/penalties/"),
        Pair(
            f"/disclosures/penalties/ page, name “{data['name2']}”",
            FLOOR + q(subject_name=data["name2"]),
            "/disclosures/penalties/" + q(q=data["name2"]),
        ),
        Pair("/disclosures/ overview page", FLOOR, "/disclosures/"),
    ]


_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*?timeout (\d+)")


def wrk(port: int, path: str, *, seconds: int, threads: int, connections: int) -> tuple[float, float, float, int]:
    url = f"http://{common.HOST}:{port}{path}"
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {int(p): float(v) * scale[unit] for p, v, unit in _LATENCY.findall(out)}
    errors = sum(int(a or b or 0) for a, b in _ERRORS.findall(out))
    return float(_RPS.search(out).group(1)), latency[50], latency[99], errors


def check_answers(port: int, paths: list[str]) -> None:
    for path in paths:
        status, _server, _wall, body = common.fetch(port, path)
        if status != 200:
            sys.exit(f"{path} answered {status}: {body[:300]!r}")
        if path.startswith(("/api/", "/bench/floor/")) and not json.loads(body)["results"]:
            sys.exit(f"{path} gave no rows: the comparison would be empty")


def report(results: list[Measured], pair_list: list[Pair], rounds: int) -> str:
    by = {(m.path, m.round): m for m in results}
    lines = [
        "| URL | round | product req/s | floor req/s | ratio (≥ 0.60) | product p50 / p99 ms | floor p50 / p99 ms | p99 ratio (≤ 1.5) | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for pair in pair_list:
        for r in range(1, rounds + 1):
            product, floor = by[(pair.product, r)], by[(pair.floor, r)]
            ratio, p99_ratio = product.rps / floor.rps, product.p99 / floor.p99
            ok = ratio >= THROUGHPUT_TARGET and p99_ratio <= P99_TARGET and not product.errors
            lines.append(
                f"| {pair.label} | {r} | {product.rps:.0f} | {floor.rps:.0f} | **{ratio:.2f}** | "
                f"{product.p50:.1f} / {product.p99:.1f} | {floor.p50:.1f} / {floor.p99:.1f} | {p99_ratio:.2f} | "
                f"{'met' if ok else 'MISS'}{f' ({product.errors} errors)' if product.errors else ''} |"
            )
    for r in range(1, rounds + 1):
        bare = by[("/bench/bare/", r)]
        lines.append(
            f"| bare JsonResponse | {r} | {bare.rps:.0f} | — | — | {bare.p50:.1f} / {bare.p99:.1f} | — | — | — |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", common.DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=int, default=20, help="wrk -d per URL and round")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=8, help="wrk -c")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--results", type=Path, help="append the run to this Markdown file")
    parser.add_argument("--only", help="measure only the pairs whose label contains this text")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    data = common.sample(args.database_url)
    pair_list = [pair for pair in pairs(data) if not args.only or args.only in pair.label]
    paths = ["/bench/bare/", *dict.fromkeys(p for pair in pair_list for p in (pair.floor, pair.product))]
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()
    (common.ROOT / "var").mkdir(exist_ok=True)
    process = common.start_gunicorn(
        args.port, args.workers, args.database_url, args.redis_url, settings="bench.floor_settings"
    )
    results: list[Measured] = []
    try:
        common.wait_healthy(args.port, process)
        check_answers(args.port, paths)
        for path in paths:  # warm both workers' caches and plans
            wrk(args.port, path, seconds=2, threads=args.threads, connections=args.connections)
        for r in range(1, args.rounds + 1):
            for path in paths:  # interleaved: a noisy moment of the shared machine hits both sides
                rps, p50, p99, errors = wrk(
                    args.port, path, seconds=args.seconds, threads=args.threads, connections=args.connections
                )
                results.append(Measured(path, path, r, rps, p50, p99, errors))
                print(f"round {r}  {rps:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {path}", flush=True)
    finally:
        common.stop_gunicorn(process)
    load_after = os.getloadavg()
    table = report(results, pair_list, args.rounds)
    print(table)
    if args.results:
        command = " ".join(shlex.quote(a) for a in [".venv/bin/python", "bench/floor.py", *sys.argv[1:]])
        section = (
            f"\n## Floor run {started}\n\n"
            f"`{command}` — {data['penalties']:,} penalties ({data['published']:,} published), PostgreSQL "
            f"{data['pg_version']}, gunicorn {args.workers} sync workers, `wrk -t{args.threads} -c{args.connections} "
            f"-d{args.seconds}s`, {args.rounds} rounds interleaved; load average {load_before[0]:.2f} before, "
            f"{load_after[0]:.2f} after.\n\n{table}\n"
        )
        with args.results.open("a") as out:
            out.write(section)


if __name__ == "__main__":
    main()
