"""Quality gate: our extractor against plain trafilatura on the labelled pages in the eval folder.

    python -m archive.extract.evaluate [--eval-dir DIR] [--out DIR] [--only-set chinese]

For every ``*/cases.jsonl`` under the eval folder, both systems write one prediction per case, the
folder's own ``score_extraction.py`` scores them (run as a subprocess, exactly as published), and every
metric the scorer reports is printed side by side, for the whole set and for each subset, with the time
each system spent per page.

Our prediction holds the fields as the archive stores them: ``author`` is the stored author and nothing
else. The labelled sets name the responsible editor (责任编辑) when a page gives no author, so a second
figure, "author, else 责任编辑", scores that fallback from the same run; it is never the headline.
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
EDITOR_FALLBACK = "ours, author else 责任编辑"


def default_eval_dir() -> Path:
    return Path(os.environ.get("EVAL_DIR") or _REPO.parent / "shared" / "eval")


def read_page(eval_dir: Path, relative: str) -> bytes:
    raw = (eval_dir / relative).read_bytes()
    return gzip.decompress(raw) if relative.endswith(".gz") else raw


def ours(body: bytes, url: str) -> Prediction:
    """The fields as ingest stores them; the editor rides along for the fallback figure only."""
    result = extract_page(body, url)
    return {
        "body": result.text,
        "title": result.title,
        "date": result.published,
        "author": result.author,
        "editor": result.editor,
    }


def plain_trafilatura(body: bytes, url: str) -> Prediction:
    """trafilatura as it comes (htmldate inside it finds the date), without the dedup cache."""
    document = trafilatura.bare_extraction(
        body, url=url or None, with_metadata=True, deduplicate=False, date_extraction_params=date_params(None)
    )
    if document is None:
        return {"body": None, "title": None, "date": None, "author": None}
    return {"body": document.text, "title": document.title, "date": document.date, "author": document.author}


SYSTEMS: dict[str, System] = {"ours": ours, "trafilatura": plain_trafilatura}


def _prediction_name(case_id: str) -> str:
    return case_id.replace(":", "__").replace("/", "__") + ".json"


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
        (pred_dir / _prediction_name(case["id"])).write_text(
            json.dumps(prediction, ensure_ascii=False), encoding="utf-8"
        )


def editor_fallback(pred_dir: Path, out_dir: Path) -> None:
    """Our predictions again with "author, else 责任编辑" as the author (no second extraction)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in pred_dir.glob("*.json"):
        prediction = json.loads(path.read_text(encoding="utf-8"))
        prediction["author"] = prediction.get("author") or prediction.get("editor")
        (out_dir / path.name).write_text(json.dumps(prediction, ensure_ascii=False), encoding="utf-8")


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


# Every figure the scorer reports, in its own groups, as (row label, group key, metric key).
METRICS: list[tuple[str, str, str]] = [
    ("body F1", "body", "f1"),
    ("body P", "body", "precision"),
    ("body R", "body", "recall"),
    ("body F1 per doc", "body", "f1_doc"),
    ("body F1 (4-shingles)", "body", "sh4_f1"),
    ("body P (4-shingles)", "body", "sh4_precision"),
    ("body R (4-shingles)", "body", "sh4_recall"),
    ("body exact", "body", "exact"),
    ("body empty", "body", "empty_pred"),
    ("with/without F1", "snippets", "f1"),
    ("with/without P", "snippets", "precision"),
    ("with/without R", "snippets", "recall"),
    ("with/without accuracy", "snippets", "accuracy"),
    ("date accuracy", "date", "accuracy"),
    ("title exact", "title", "exact"),
    ("title char F1", "title", "char_f1"),
    ("author exact", "author", "exact_set"),
    ("s/page mean", "time_s", "mean"),
    ("s/page median", "time_s", "median"),
    ("s/page p95", "time_s", "p95"),
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def side_by_side(
    set_name: str, results: dict[str, dict[str, Any]], extra: dict[str, Any] | None = None
) -> str:
    """One markdown table: a row per (group, metric), a column per system, and the cases counted.

    ``extra`` is the editor-fallback report: its author figure is printed under ours, the rest is the
    same as ours and left out.
    """
    names = list(results)
    groups = sorted({group for res in results.values() for group in res}, key=lambda g: (g != "ALL", g))
    rows = [
        f"## {set_name}",
        "| group | metric | n | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for group in groups:
        for label, part, key in METRICS:
            values = [results[name].get(group, {}).get(part, {}).get(key) for name in names]
            if all(value is None for value in values):
                continue
            count = next(
                (results[n][group][part].get("n") for n in names if part in results[n].get(group, {})), ""
            )
            rows.append(f"| {group} | {label} | {count} | " + " | ".join(_cell(v) for v in values) + " |")
            if extra is not None and part == "author":
                fallback = extra.get(group, {}).get("author", {}).get("exact_set")
                cells = [_cell(fallback)] + [""] * (len(names) - 1)
                rows.append(
                    f"| {group} | author exact ({EDITOR_FALLBACK}) | {count} | " + " | ".join(cells) + " |"
                )
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
        fallback_dir = out / set_name / "ours-editor-fallback"
        editor_fallback(out / set_name / "ours", fallback_dir)
        extra = score(args.eval_dir, cases_file, fallback_dir, out / set_name / "ours-editor-fallback.json")
        print(side_by_side(set_name, results, extra), flush=True)
        print()
    print(f"predictions and reports: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
