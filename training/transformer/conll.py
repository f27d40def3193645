"""CoNLL-2002 / CoNLL-2003 NER files -> sentences of (words, IOB2 labels), and shared paths.

`-DOCSTART-` lines close the current sentence and are dropped: in the Dutch files they are glued to
the next sentence (no blank line after them). CoNLL-2003 English uses IOB1 and is converted to IOB2.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPORA = (REPO / ".." / "shared" / "corpora").resolve()
DATASETS = {
    "nl": (CORPORA / "conll2002_dutch", {"train": "ned.train", "dev": "ned.testa", "test": "ned.testb"}, "iob2"),
    "en": (CORPORA / "conll2003_english", {"train": "eng.train", "dev": "eng.testa", "test": "eng.testb"}, "iob1"),
}
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]

Sentence = tuple[list[str], list[str]]


def runtime_module():
    """kroniek.nlp.transformer loaded on its own (it needs only numpy), so the training venv needs no kroniek."""
    name = "kroniek_transformer_runtime"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "src" / "kroniek" / "nlp" / "transformer.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def iob1_to_iob2(tags: list[str]) -> list[str]:
    result = []
    for index, tag in enumerate(tags):
        previous = result[index - 1] if index else "O"
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        result.append(tag)
    return result


def read_conll(path: Path, scheme: str = "iob2") -> list[Sentence]:
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []

    def close() -> None:
        nonlocal words, tags
        if words:
            sentences.append((words, iob1_to_iob2(tags) if scheme == "iob1" else tags))
        words, tags = [], []

    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            close()
            continue
        words.append(columns[0])
        tags.append(columns[-1])
    close()
    return sentences


def load_split(lang: str, split: str) -> list[Sentence]:
    folder, files, scheme = DATASETS[lang]
    return read_conll(folder / files[split], scheme)


if __name__ == "__main__":
    for lang in DATASETS:
        for split in ("train", "dev", "test"):
            data = load_split(lang, split)
            n_entities = sum(len(runtime_module().bio_spans(tags)) for _, tags in data)
            print(lang, split, len(data), "sentences", sum(len(w) for w, _ in data), "tokens", n_entities, "entities")
