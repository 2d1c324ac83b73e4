"""The benchmarks run on demand, never in the suite; these tests only check that their code still runs
against the current modules. A renamed function of the site model once broke the search benchmark,
and nothing noticed until it was next run."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

import benchmarks
from archive.extract.evaluate import default_eval_dir
from benchmarks.search_corpus import CorpusParams, write_warcs


def test_every_benchmark_module_imports() -> None:
    names = [info.name for info in pkgutil.iter_modules(benchmarks.__path__)]
    assert {"search", "search_corpus", "rebuild", "crawl", "startup"} <= set(names)
    for name in names:
        importlib.import_module(f"benchmarks.{name}")


def test_the_search_corpus_writes_pages_warcio_reads_back(tmp_path: Path) -> None:
    written = write_warcs(CorpusParams(articles=30), default_eval_dir(), tmp_path)
    responses = []
    for path in sorted(tmp_path.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    responses.append(record.content_stream().read().decode("utf-8"))
    assert written >= 30 and len(responses) == written
    assert all("<html" in page for page in responses)
    assert "民族" in "".join(responses)


def test_the_rebuild_benchmark_gets_crawls_to_rebuild(tmp_path: Path) -> None:
    """Its crawls come from the crawl benchmark's child, whose signature once changed under it."""
    from benchmarks.rebuild import crawl_warcs

    one_crawl, every_crawl = crawl_warcs(tmp_path, 1, articles=10)
    files = sorted(every_crawl.glob("*.warc*"))
    assert files and sorted(path.name for path in one_crawl.glob("*.warc*")) == [path.name for path in files]
    with files[0].open("rb") as stream:
        assert any(record.rec_type == "response" for record in ArchiveIterator(stream))
