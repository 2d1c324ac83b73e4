"""Run benchmarks, each in its own interpreter so none inherits another's imports or caches.

    python -m benchmarks [--quick]                      every benchmark, one after another
    python -m benchmarks NAME [OPTIONS...]              one benchmark, with its own options
    python -m benchmarks crawl --articles 10000         e.g. the crawl of a site model of real size

Each benchmark prints its figures against a baseline measured in the same run; ``NAME --help`` lists its
options (they share --quick, --repetitions and, where a size matters, --articles).
"""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks.common import REPO

BENCHMARKS = ("crawl", "extraction", "rebuild", "sitemodel", "report", "revisits")
# Run only when named: search's first run builds (and caches) an archive of 100,000 articles.
ON_REQUEST = ("search", "startup")


def run(name: str, args: list[str]) -> bool:
    started = time.perf_counter()
    ok = (
        subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *args], cwd=REPO, check=False).returncode
        == 0
    )
    print(f"\n({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print(f"benchmarks: {', '.join(BENCHMARKS)}; when named: {', '.join(ON_REQUEST)}")
        return 0
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in (*BENCHMARKS, *ON_REQUEST):
            known = ", ".join((*BENCHMARKS, *ON_REQUEST))
            print(f"unknown benchmark {name!r}; choose from {known}", file=sys.stderr)
            return 2
        return 0 if run(name, rest) else 1
    failed = [name for name in BENCHMARKS if not run(name, argv)]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
