"""What every benchmark needs: child processes measured one by one, and min / median / max summaries."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.sites import DEFAULT_SITE

REPO = Path(__file__).resolve().parents[1]
ORIGIN = f"http://{DEFAULT_SITE.host}"  # the site model serves the http form too
SEED_URL = ORIGIN + "/show-case-1616.html"

# The loopback settings of tests/conftest.py (the model answers in milliseconds, so no politeness delay);
# every other setting is the real-site default. Copied, not imported: the benchmarks must not need pytest.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.25,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2,
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class ChildRun:
    """One child process as the kernel accounted it (wait4), so the parent's own memory never counts."""

    seconds: float
    cpu_seconds: float
    max_rss_mib: float  # the child's peak, or that of a descendant it reaped, whichever is larger
    returncode: int
    result: dict[str, Any]


def run_child(module: str, args: Sequence[str], workdir: Path, label: str) -> ChildRun:
    """Run ``python -m module args`` in a fresh interpreter and return its wall time, CPU and peak RSS.

    The child writes its own figures as JSON to ``--result FILE``; its output goes to a log next to it,
    which is named in the error when the child fails.
    """
    result_file = workdir / f"{label}.result.json"
    log_file = workdir / f"{label}.log"
    command = [sys.executable, "-m", module, *args, "--result", str(result_file)]
    with log_file.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would give the maximum over all children.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}; log {log_file}:\n{tail}")
    return ChildRun(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=process.returncode,
        result=json.loads(result_file.read_text(encoding="utf-8")),
    )


def write_result(path: str | None, figures: dict[str, Any]) -> None:
    """A child's figures for its parent (see ``run_child``)."""
    if path:
        Path(path).write_text(json.dumps(figures), encoding="utf-8")


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """(min, median, max): the median is the figure, min and max show how noisy the machine was."""
    return min(values), statistics.median(values), max(values)


def row(label: str, values: Sequence[float], unit: str = "", digits: int = 3) -> str:
    """One table row: label, min, median, max."""
    low, mid, high = spread(values)
    cells = " | ".join(f"{value:.{digits}f}" for value in (low, mid, high))
    return f"| {label} | {cells} | {unit} |"


def table_header(title: str) -> str:
    return f"\n{title}\n| figure | min | median | max | unit |\n|---|---|---|---|---|"


def ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Ratio of medians: the headline comparison between a system and its baseline."""
    return statistics.median(numerators) / statistics.median(denominators)


def paired_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Per-repetition ratios: each pair ran back to back, so drift in machine load largely cancels."""
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


def machine_line() -> str:
    """Where and when the figures were taken; they mean little without it."""
    return (
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def benchmark_parser(doc: str | None, *, articles: int | None = None) -> argparse.ArgumentParser:
    """The options every benchmark shares: --quick, --repetitions, and --articles where size matters.

    ``--result`` is the hidden channel of a child process (see ``run_child``).
    """
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small and few, not figures")
    parser.add_argument("--repetitions", type=int, default=None, help="how many times each variant runs")
    if articles is not None:
        parser.add_argument(
            "--articles", type=int, default=articles, help=f"size of the site (default {articles})"
        )
    parser.add_argument("--result", help=argparse.SUPPRESS)
    return parser
