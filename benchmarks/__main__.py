"""Run every benchmark, each in its own interpreter so none inherits another's imports or caches.

python -m benchmarks [--quick] [crawl] [extraction] [rebuild] [sitemodel]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from benchmarks.common import REPO

BENCHMARKS = ("crawl", "extraction", "rebuild", "sitemodel")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a smoke run, not figures")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    failed = []
    for name in args.names or BENCHMARKS:
        started = time.perf_counter()
        command = [sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if args.quick else [])]
        if subprocess.run(command, cwd=REPO, check=False).returncode != 0:
            failed.append(name)
        print(f"\n({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
