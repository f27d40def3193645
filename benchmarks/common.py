"""What the scale benchmarks share: the fixed news corpus, the machine's description, and recording a table
in its own section of docs/benchmarks.md.

The corpus is rebuilt from the CoNLL news corpora in ../shared/corpora (Dutch CoNLL-2002 and English
CoNLL-2003, all splits, in file order): each "article" is ARTICLE_SENTENCES consecutive sentences, tokens
joined by spaces, so the tokenizer sees real words and punctuation. Half the articles are Dutch, half English.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = {
    "nl": [CORPORA / "conll2002_dutch" / name for name in ("ned.train", "ned.testa", "ned.testb")],
    "en": [CORPORA / "conll2003_english" / name for name in ("eng.train", "eng.testa", "eng.testb")],
}
ARTICLE_SENTENCES = 12
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"


def sentences(files: list[Path]) -> list[str]:
    """Sentences of CoNLL files: one token per line, blank lines between sentences, DOCSTART lines dropped."""
    found: list[str] = []
    words: list[str] = []
    for file in files:
        for line in [*file.read_text(encoding="utf-8").splitlines(), ""]:
            if line.startswith("-DOCSTART-") or not line.strip():
                if words:
                    found.append(" ".join(words))
                    words = []
                continue
            words.append(line.split()[0])
    return found


def corpus(articles: int, languages: tuple[str, ...] = ("nl", "en")) -> list[tuple[str, str]]:
    """`articles` (language, text) pairs, the languages in turn, each article its language's next sentences."""
    per_language = {lang: sentences(SOURCES[lang]) for lang in languages}
    taken = dict.fromkeys(languages, 0)
    built: list[tuple[str, str]] = []
    while len(built) < articles:
        lang = languages[len(built) % len(languages)]
        start = taken[lang]
        if start + ARTICLE_SENTENCES > len(per_language[lang]):
            raise SystemExit(f"the {lang} corpus has {len(per_language[lang])} sentences: ask for fewer articles")
        built.append((lang, "\n".join(per_language[lang][start : start + ARTICLE_SENTENCES])))
        taken[lang] = start + ARTICLE_SENTENCES
    return built


def machine() -> str:
    """CPU model, cores, memory, Python, and the load average now: other work shares this machine."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    memory = re.search(r"MemTotal:\s+(\d+)", _read("/proc/meminfo"))
    gib = f", {int(memory.group(1)) / 2**20:.0f} GiB" if memory else ""
    return f"{cpu}, {os.cpu_count()} cores{gib}, Python {platform.python_version()}; {load()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def record(section: str, text: str) -> None:
    """Append `text` at the end of the section titled `section` in docs/benchmarks.md (made if missing)."""
    heading = f"## {section}"
    lines = BENCHMARKS_MD.read_text(encoding="utf-8").splitlines()
    if heading not in lines:
        lines += ["", heading]
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = ["", *text.splitlines()]
    BENCHMARKS_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ensure_frog() -> str:
    """The `frog` command, installed from Debian (packages frog and frogdata) when missing."""
    if shutil.which("frog") is None:
        if os.geteuid() != 0:
            sys.exit("frog is missing: apt-get install frog frogdata (as root)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "frog", "frogdata"], check=True)
    return shutil.which("frog") or "frog"


def run_measured(command: list[str], **kwargs: Any) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; its wall seconds and the peak RSS (MB) of the largest child so far."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)
    seconds = time.perf_counter() - started
    return done, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@contextlib.contextmanager
def postgres_database(url: str | None = None) -> Iterator[str]:
    """The given PostgreSQL database URL, or a fresh database on a server started for the run
    (tests/postgres.py: Debian's postgresql, fsync on, as a production server runs)."""
    if url:
        yield url
        return
    sys.path.insert(0, str(ROOT))
    from tests.postgres import running_server

    with running_server(durable=True) as server:
        if server is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or pass --postgres URL")
        yield server.new_database()
