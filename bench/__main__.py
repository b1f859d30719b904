"""``python -m bench [NAME ...]``: run benchmarks (all by default)."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "gateway": "bench.gateway_roundtrip",
    "sql": "bench.sql_transfer",
    "kernel": "bench.kernel_latency",
    "memory": "bench.gateway_memory",
    "load": "bench.gateway_load",
    "kernel-start": "bench.kernel_start",
    "pool": "bench.session_pool",
    "scala": "bench.scala_sessions",
}

PROFILES = {"sql": "bench.sql_profile"}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile instead of measuring (sql only: py-spy on client, gateway and session)",
    )
    args, rest = parser.parse_known_args()
    if args.profile:
        if args.names != ["sql"]:
            parser.error("--profile goes with one benchmark: sql")
        importlib.import_module(PROFILES["sql"]).main(rest)
        return 0
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    for name in args.names or list(BENCHMARKS):
        print(f"== {name} ==", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()
    return 0


sys.exit(main())
