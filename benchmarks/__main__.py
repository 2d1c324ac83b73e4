"""Run every benchmark, each in its own interpreter so none inherits another's imports or caches.

python -m benchmarks [--quick] [crawl] [extraction] [rebuild]
python -m benchmarks search [--articles N] [...]   (only when named: it builds a large archive)

Options after the names that this runner does not know go to the benchmarks it runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from benchmarks.common import REPO

BENCHMARKS = ("crawl", "extraction", "rebuild")
ON_REQUEST = ("search",)  # run only when named: its first run builds an archive of 100,000 articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    known = (*BENCHMARKS, *ON_REQUEST)
    parser.add_argument(
        "names", nargs="*", help=f"any of {', '.join(known)} (default: {', '.join(BENCHMARKS)})"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a smoke run, not figures")
    args, passed_on = parser.parse_known_args(argv)
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}")
    failed = []
    for name in args.names or BENCHMARKS:
        started = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            f"benchmarks.{name}",
            *(["--quick"] if args.quick else []),
            *passed_on,
        ]
        if subprocess.run(command, cwd=REPO, check=False).returncode != 0:
            failed.append(name)
        print(f"\n({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
