"""Throughput and memory of the pipeline, per stage and whole, with Frog on the same Dutch text in the same run.

    python benchmarks/pipeline_speed.py [--articles 2000] [--no-frog] [--no-record]

The corpus (benchmarks/common.py) is ARTICLES articles of consecutive CoNLL news sentences, half Dutch and half
English. kroniek runs every stage in this process, models loaded before the clock starts, the language
identified as for real input; tokens are kroniek's own. Frog (Debian `frog`, installed with apt-get when
missing) runs with all its modules on the Dutch articles, one sentence per line, in a child process; its
start-up on one sentence is subtracted and its tokens are its own. Prints the table and adds it to the
"Scale" section of docs/benchmarks.md with the machine and its load (--no-record: print only).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from common import corpus, ensure_frog, load, machine, record, run_measured

from kroniek import Document, Pipeline

SECTION = "Scale: pipeline, batch and store throughput (issue 10)"
RSS_TARGET_MB = 1024
FROG_TARGET_RATIO = 10


@dataclass
class Measured:
    stages: dict[str, float]  # seconds per stage
    tokens: dict[str, int]  # per language
    seconds: dict[str, float]  # whole pipeline, per language
    peak_mb: float
    batched: dict[str, float]  # per language: seconds with Pipeline.pipe (batches of 16)


def measure_kroniek(texts: list[tuple[str, str]]) -> Measured:
    """Seconds per stage, tokens and seconds per language, and peak RSS of this process."""
    pipeline = Pipeline()
    for text in dict(texts).values():  # one article per language: every model loads outside the timing
        pipeline(Document.new(text))
    pipeline.seconds.clear()
    tokens: defaultdict[str, int] = defaultdict(int)
    seconds: defaultdict[str, float] = defaultdict(float)
    for lang, text in texts:
        started = time.perf_counter()
        doc = pipeline(Document.new(text))
        seconds[lang] += time.perf_counter() - started
        tokens[lang] += sum(len(sentence.tokens) for sentence in doc.sentences)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stage_seconds = dict(pipeline.seconds)
    batched: defaultdict[str, float] = defaultdict(float)
    for lang in sorted(tokens):  # each language on its own, as a feed of one language would come
        started = time.perf_counter()
        for _ in pipeline.pipe((Document.new(text) for lang_, text in texts if lang_ == lang), batch_size=16):
            pass
        batched[lang] = time.perf_counter() - started
    return Measured(stage_seconds, dict(tokens), dict(seconds), peak_mb, dict(batched))


def measure_frog(dutch: list[str], workdir: Path) -> dict[str, float]:
    """Frog with all modules on the Dutch articles (one sentence per line): tokens/s after start-up, peak RSS."""
    frog = ensure_frog()
    source, one = workdir / "frog-in.txt", workdir / "frog-one.txt"
    source.write_text("\n".join(dutch) + "\n", encoding="utf-8")
    one.write_text("Dit is een zin .\n", encoding="utf-8")
    _, startup, _ = run_measured([frog, "-n", "-t", str(one)], stdin=subprocess.DEVNULL)
    done, seconds, peak = run_measured([frog, "-n", "-t", str(source)], stdin=subprocess.DEVNULL)
    tokens = sum(1 for line in done.stdout.splitlines() if line.strip())
    return {"tokens": tokens, "seconds": seconds - startup, "startup": startup, "peak_mb": peak}


def table(articles: int, ours: Measured, frog: dict[str, float] | None) -> str:
    stages, tokens, seconds = ours.stages, ours.tokens, ours.seconds
    total_tokens, total_seconds = sum(tokens.values()), sum(seconds.values())
    rows = [
        f"| {name} | {spent:.2f} | {total_tokens / spent:,.0f} | {articles / spent:,.1f} |"
        for name, spent in stages.items()
    ]
    rows.append(
        f"| **whole pipeline** | {total_seconds:.2f} | **{total_tokens / total_seconds:,.0f}** | "
        f"**{articles / total_seconds:.2f}** |"
    )
    per_language = ", ".join(f"{lang} {tokens[lang] / seconds[lang]:,.0f} tokens/s" for lang in sorted(tokens))
    batched = ", ".join(f"{lang} {tokens[lang] / ours.batched[lang]:,.0f} tokens/s" for lang in sorted(tokens))
    batched_all = total_tokens / sum(ours.batched.values())
    lines = [
        f"`python benchmarks/pipeline_speed.py --articles {articles}`: {articles} articles "
        f"({total_tokens:,} tokens), all stages, one process; {machine()}",
        "",
        "| stage | seconds | tokens/s | articles/s |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Whole pipeline per language, one article at a time: {per_language}; in batches of 16 articles"
        f" (`Pipeline.pipe`, as ingest and batch run it): {batched}, **{batched_all:,.0f} tokens/s** in all."
        f" Peak RSS {ours.peak_mb:,.0f} MB "
        f"(target under {RSS_TARGET_MB} MB per worker: {'met' if ours.peak_mb < RSS_TARGET_MB else 'not met'}).",
    ]
    if frog is not None:
        ours_nl = tokens["nl"] / ours.batched["nl"]
        frog_rate = frog["tokens"] / frog["seconds"]
        ratio = ours_nl / frog_rate
        lines.append(
            f"Frog 0.20, all modules, on the same Dutch articles in the same run: {frog['tokens']:,.0f} tokens in "
            f"{frog['seconds']:.1f} s after a {frog['startup']:.1f} s start-up, **{frog_rate:,.0f} tokens/s**, peak "
            f"RSS {frog['peak_mb']:,.0f} MB. kroniek / Frog on Dutch: **{ratio:.1f}x** (target "
            f"{FROG_TARGET_RATIO}x: {'met' if ratio >= FROG_TARGET_RATIO else 'not met'}). After the run: {load()}."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the corpus, half Dutch")
    parser.add_argument("--no-frog", action="store_true", help="kroniek only")
    parser.add_argument("--no-record", action="store_true", help="print the table; leave docs/benchmarks.md")
    args = parser.parse_args()
    texts = corpus(args.articles)
    ours = measure_kroniek(texts)
    frog = None
    if not args.no_frog:
        with tempfile.TemporaryDirectory() as folder:
            frog = measure_frog([text for lang, text in texts if lang == "nl"], Path(folder))
    result = table(args.articles, ours, frog)
    print(result)
    if not args.no_record:
        record(SECTION, result)


if __name__ == "__main__":
    main()
