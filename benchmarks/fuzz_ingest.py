"""Long fuzz runs over ingest and the pipeline: atheris (coverage-guided) and hypothesis (many examples).

    python benchmarks/fuzz_ingest.py atheris --target text|html|jsonl [--runs 20000]
    python benchmarks/fuzz_ingest.py hypothesis [--examples 2000] [--pipeline-examples 300]

atheris feeds mutated bytes to one reader, in memory: `text` decodes a file's bytes, `html` extracts an
article from a page, `jsonl` reads a JSON Lines file of one or more lines. Anything other than an
Article or an IngestError with a numbered message is a crash; libFuzzer stops and prints the input.
The seeds are the project's examples and the sample article. `hypothesis` runs tests/test_fuzz.py with
the example counts raised and prints how many cases ran. Figures go to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def atheris_target(target: str) -> None:
    import atheris

    with atheris.instrument_imports():
        from kroniek.errors import IngestError
        from kroniek.ingest import readers
        from kroniek.ingest.decode import decode
    scratch = Path(tempfile.mkdtemp()) / "input.jsonl"

    def read(data: bytes) -> list[object]:
        if target == "text":
            return [decode(data, "input.txt")]
        if target == "html":
            return [readers._read_html(data, Path("input.html"))]
        scratch.write_bytes(data)
        return list(readers._read_jsonl(scratch, max_size_mb=1.0))

    def one_input(data: bytes) -> None:
        try:
            results = read(data)
        except IngestError as error:
            results = [error]
        for result in results:
            if isinstance(result, IngestError):
                assert re.match(r"\[E0\d\d\] ", str(result)), result
            elif isinstance(result, readers.Article):
                result.to_document().to_json()  # id and serialisation must work for what a reader lets through

    atheris.Setup([sys.argv[0], *sys.argv[3:]], one_input)
    atheris.Fuzz()


def seeds(target: str) -> Path:
    """A corpus folder with the project's examples of the target's kind, for libFuzzer to mutate."""
    folder = Path(tempfile.mkdtemp(prefix=f"seeds-{target}-"))
    suffixes = {"text": (".txt",), "html": (".html", ".htm"), "jsonl": (".jsonl",)}[target]
    candidates = [*sorted((ROOT / "examples").rglob("*")), *sorted((ROOT.parent / "shared" / "seed").glob("*"))]
    for number, path in enumerate(p for p in candidates if p.suffix in suffixes):
        (folder / f"seed{number}").write_bytes(path.read_bytes()[:20_000])
    return folder


def run_atheris(target: str, runs: int) -> int:
    corpus = seeds(target)
    command = [sys.executable, __file__, "_atheris", target, f"-runs={runs}", "-max_len=20000", str(corpus)]
    return subprocess.run(command, check=False).returncode


def run_hypothesis(examples: int, pipeline_examples: int) -> int:
    env = os.environ | {
        "KRONIEK_FUZZ_EXAMPLES": str(examples),
        "KRONIEK_FUZZ_PIPELINE_EXAMPLES": str(pipeline_examples),
    }
    command = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_fuzz.py"), "-q", "-p", "no:cacheprovider"]
    run = subprocess.run([*command, "--hypothesis-show-statistics"], env=env, capture_output=True, text=True)
    print(run.stdout[-6000:])
    cases = sum(int(n) for n in re.findall(r"(\d+) passing", run.stdout))
    failing = sum(int(n) for n in re.findall(r"(\d+) failing", run.stdout))
    print(f"hypothesis: {cases} passing cases, {failing} failing, exit {run.returncode}")
    return run.returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_atheris"]:  # the child process that libFuzzer runs in
        atheris_target(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    engines = parser.add_subparsers(dest="engine", required=True)
    fuzz = engines.add_parser("atheris")
    fuzz.add_argument("--target", choices=("text", "html", "jsonl"), required=True)
    fuzz.add_argument("--runs", type=int, default=20_000)
    prop = engines.add_parser("hypothesis")
    prop.add_argument("--examples", type=int, default=2000)
    prop.add_argument("--pipeline-examples", type=int, default=300)
    args = parser.parse_args(argv)
    if args.engine == "atheris":
        return run_atheris(args.target, args.runs)
    return run_hypothesis(args.examples, args.pipeline_examples)


if __name__ == "__main__":
    raise SystemExit(main())
