"""Quality gate: our extractor against plain trafilatura on the labelled pages in the eval folder.

    python -m archive.extract.evaluate [--eval-dir DIR] [--out DIR] [--only-set chinese]

For every ``*/cases.jsonl`` under the eval folder, both systems write one prediction per case, the
folder's own ``score_extraction.py`` scores them (run as a subprocess, exactly as published), and the
two results are printed side by side with the time each system spent per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from .extractor import extract_page
from .trafilatura_pass import date_params

Prediction = dict[str, Any]
System = Callable[[bytes, str], Prediction]
_REPO = Path(__file__).resolve().parents[2]


def default_eval_dir() -> Path:
    return Path(os.environ.get("EVAL_DIR") or _REPO.parent / "shared" / "eval")


def read_page(eval_dir: Path, relative: str) -> bytes:
    raw = (eval_dir / relative).read_bytes()
    return gzip.decompress(raw) if relative.endswith(".gz") else raw


def ours(body: bytes, url: str) -> Prediction:
    result = extract_page(body, url)
    # The labelled sets name the responsible editor when a page gives no author; so do we, here only.
    author = result.author or result.editor
    return {"body": result.text, "title": result.title, "date": result.published, "author": author}


def plain_trafilatura(body: bytes, url: str) -> Prediction:
    """trafilatura as it comes (htmldate inside it finds the date), without the dedup cache."""
    document = trafilatura.bare_extraction(
        body, url=url or None, with_metadata=True, deduplicate=False, date_extraction_params=date_params(None)
    )
    if document is None:
        return {"body": None, "title": None, "date": None, "author": None}
    return {"body": document.text, "title": document.title, "date": document.date, "author": document.author}


SYSTEMS: dict[str, System] = {"ours": ours, "trafilatura": plain_trafilatura}


def predict(eval_dir: Path, cases_file: Path, system: System, pred_dir: Path) -> None:
    pred_dir.mkdir(parents=True, exist_ok=True)
    system(
        b"<html><body><p>warm-up: imports and compiled patterns are not the page's cost</p></body></html>", ""
    )
    for line in cases_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        body = read_page(eval_dir, case["html"])
        started = time.perf_counter()
        prediction = system(body, case.get("url") or "")
        prediction["time_s"] = time.perf_counter() - started
        name = case["id"].replace(":", "__").replace("/", "__") + ".json"
        (pred_dir / name).write_text(json.dumps(prediction, ensure_ascii=False), encoding="utf-8")


def score(eval_dir: Path, cases_file: Path, pred_dir: Path, report: Path) -> dict[str, Any]:
    subprocess.run(
        [
            sys.executable,
            str(eval_dir / "score_extraction.py"),
            "--cases",
            str(cases_file),
            "--pred-dir",
            str(pred_dir),
            "--json",
            str(report),
            "--per-case",
            str(report.with_suffix(".cases.jsonl")),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(report.read_text(encoding="utf-8"))


_METRICS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("body F1", lambda r: r.get("body", {}).get("f1")),
    ("body P", lambda r: r.get("body", {}).get("precision")),
    ("body R", lambda r: r.get("body", {}).get("recall")),
    ("date acc", lambda r: r.get("date", {}).get("accuracy")),
    ("title exact", lambda r: r.get("title", {}).get("exact")),
    ("author exact", lambda r: r.get("author", {}).get("exact_set")),
    ("s/page", lambda r: r.get("time_s", {}).get("mean")),
]


def side_by_side(set_name: str, results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    groups = sorted({group for res in results.values() for group in res}, key=lambda g: (g != "ALL", g))
    rows = [
        f"## {set_name}",
        "| group | metric | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for group in groups:
        for label, getter in _METRICS:
            values = [getter(results[name].get(group, {})) for name in names]
            if all(value is None for value in values):
                continue
            cells = ["" if value is None else f"{value:.3f}" for value in values]
            rows.append(f"| {group} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    parser.add_argument("--out", type=Path, default=None, help="where predictions and reports go")
    parser.add_argument("--only-set", default=None, help="evaluate one set (folder name) only")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="minzu-eval-"))
    for cases_file in sorted(args.eval_dir.glob("*/cases.jsonl")):
        set_name = cases_file.parent.name
        if args.only_set and set_name != args.only_set:
            continue
        results = {}
        for system_name, system in SYSTEMS.items():
            pred_dir = out / set_name / system_name
            predict(args.eval_dir, cases_file, system, pred_dir)
            results[system_name] = score(
                args.eval_dir, cases_file, pred_dir, out / set_name / f"{system_name}.json"
            )
        print(side_by_side(set_name, results), flush=True)
        print()
    print(f"predictions and reports: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
