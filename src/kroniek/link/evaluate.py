"""Score cross-document linking: stories, entities across documents, and in-document coreference.

    python -m kroniek.link.evaluate stories  [--gold tests/data/link/stories.jsonl] [--split test]
    python -m kroniek.link.evaluate entities [--gold tests/data/link/entities.jsonl] [--split test]
    python -m kroniek.link.evaluate coref    [--eventdna ../shared/corpora/eventdna] [--limit 300]

Stories and entities are scored as clusterings with the metrics of Miranda et al. (2018): precision, recall
and F1 over pairs of items in the same cluster, and B-cubed. Each comes with baselines: for stories, every
article its own story, entities only and text only; for entities, exact-name match.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from kroniek.ingest import parse_date, read_paths
from kroniek.link.across import link_document
from kroniek.link.document import DocumentLinker, name_key
from kroniek.link.embed import Embedder
from kroniek.link.stories import StoryParams
from kroniek.model import Document, Entity
from kroniek.pipeline import Pipeline
from kroniek.scoring import prf
from kroniek.store import Store

ROOT = Path(__file__).resolve().parents[3]
GOLD = ROOT / "tests" / "data" / "link"

# -- metrics ----------------------------------------------------------------------------------


def pairwise(gold: Sequence[Hashable], predicted: Sequence[Hashable], only: Any = None) -> dict[str, float]:
    """P/R/F1 over pairs of items placed in one cluster (only pairs `only(i, j)` accepts, if given)."""
    correct = in_predicted = in_gold = 0
    for i, j in combinations(range(len(gold)), 2):
        if only is not None and not only(i, j):
            continue
        same_gold, same_predicted = gold[i] == gold[j], predicted[i] == predicted[j]
        correct += same_gold and same_predicted
        in_gold += same_gold
        in_predicted += same_predicted
    return prf(correct, in_predicted, in_gold)


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    by_gold, by_predicted = defaultdict(set), defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(i)
        by_predicted[p].add(i)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        shared = len(by_gold[g] & by_predicted[p])
        precision += shared / len(by_predicted[p])
        recall += shared / len(by_gold[g])
    n = len(gold) or 1
    p_, r_ = round(precision / n, 4), round(recall / n, 4)
    return {"precision": p_, "recall": r_, "f1": round(2 * p_ * r_ / (p_ + r_), 4) if p_ + r_ else 0.0}


# -- reading the gold sets ----------------------------------------------------------------------


def read_gold(path: Path, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if split == "all" or row["split"] == split]


def gold_document(row: dict[str, Any]) -> Document:
    """A gold row as a Document: its own text, a file (path from the repo root) or a line of the examples."""
    if "example_line" in row:
        line = (ROOT / "examples" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[row["example_line"] - 1]
        article = json.loads(line)
        return Document.new(
            article["text"],
            published=parse_date(article.get("published", "")),
            language=article.get("language"),
            title=article.get("title"),
            source=article.get("source"),
        )
    if "path" in row:
        published = parse_date(row["published"]) if row.get("published") else None
        result = next(iter(read_paths([ROOT / row["path"]], published=published, language=row.get("language"))))
        return result.to_document()  # type: ignore[union-attr]
    return Document.new(
        row["text"], published=parse_date(row["published"]), language=row["language"], title=row.get("title")
    )


class CachingEmbedder(Embedder):
    """Embeds each document once across the configurations compared."""

    def __init__(self) -> None:
        super().__init__()
        self.cache: dict[str, np.ndarray | None] = {}

    def document(self, doc: Document) -> np.ndarray | None:
        if doc.id not in self.cache:
            self.cache[doc.id] = super().document(doc)
        return self.cache[doc.id]


def analysed(rows: list[dict[str, Any]]) -> list[Document]:
    pipeline = Pipeline()
    return [pipeline(gold_document(row)) for row in rows]


def link_all(docs: Iterable[Document], embedder: Embedder, params: StoryParams | None = None) -> dict[str, Any]:
    """Store and link the documents in publication order in a fresh store; doc id -> LinkResult."""
    ordered = sorted(docs, key=lambda d: (d.document.published is None, d.document.published or 0, d.id))
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "eval.db") as store:
        results = {}
        for doc in ordered:
            store.add(doc)
            results[doc.id] = link_document(store, doc, embedder, params)
        return results


# -- the three evaluations ----------------------------------------------------------------------


def evaluate_stories(path: Path, split: str) -> dict[str, Any]:
    rows = read_gold(path, split)
    docs = analysed(rows)
    gold = [row["story"] for row in rows]
    languages = [d.language for d in docs]
    embedder = CachingEmbedder()
    configs = {
        "kroniek (text + entities + time)": StoryParams(),
        "baseline: entities + time only": replace(StoryParams(), text_weight=0.0, entity_weight=0.9),
        "baseline: text + time only": replace(StoryParams(), text_weight=0.9, entity_weight=0.0),
    }
    report: dict[str, Any] = {"articles": len(rows), "stories": len(set(gold))}
    for name, params in configs.items():
        results = link_all(docs, embedder, params)
        predicted = [results[d.id].story_id for d in docs]
        report[name] = _cluster_scores(gold, predicted, languages)
    report["baseline: every article its own story"] = _cluster_scores(gold, list(range(len(gold))), languages)
    return report


def _cluster_scores(gold: list[Any], predicted: list[Any], languages: list[str | None]) -> dict[str, Any]:
    return {
        "pairwise": pairwise(gold, predicted),
        "bcubed": bcubed(gold, predicted),
        "cross-lingual pairs": pairwise(gold, predicted, only=lambda i, j: languages[i] != languages[j]),
        "predicted stories": len(set(predicted)),
    }


def evaluate_entities(path: Path, split: str) -> dict[str, Any]:
    rows = read_gold(path, split)
    docs = analysed(rows)
    results = link_all(docs, CachingEmbedder())
    gold, predicted, baseline, missed = [], [], [], []
    for row, doc in zip(rows, docs, strict=True):
        for text, label in row["gold"].items():
            entity = _entity_with(doc, text)
            if entity is None:
                missed.append(text)
                continue
            gold.append(label)
            predicted.append(results[doc.id].entities[entity.id])
            baseline.append(name_key(entity.name))
    return {
        "names": len(gold) + len(missed),
        "not recognised (left out)": missed,
        "kroniek registry": {"pairwise": pairwise(gold, predicted), "bcubed": bcubed(gold, predicted)},
        "baseline: exact canonical name": {"pairwise": pairwise(gold, baseline), "bcubed": bcubed(gold, baseline)},
    }


def _entity_with(doc: Document, text: str) -> Entity | None:
    return next((e for e in doc.entities if any(m.text == text for m in e.mentions)), None)


def evaluate_coref(corpus: Path, limit: int, seed: int = 13) -> dict[str, Any]:
    """In-document linking of the named mentions of EventDNA against its coreference buckets.

    The gold NAM mentions are given to the linker (one Entity each, gold type): this scores the linking,
    not the recogniser. Held-out part: a seeded shuffle of the documents, its last 30%."""
    folders = sorted((corpus / "docs").iterdir())
    random.Random(seed).shuffle(folders)
    test = folders[int(len(folders) * 0.7) :][:limit]
    linker = DocumentLinker()
    gold, predicted, baseline = [], [], []
    for folder in test:
        doc, mention_gold = _eventdna_document(folder / "dnaf.json")
        if not mention_gold:
            continue
        clusters = {(m.start, m.end): e.id for e in linker(doc.model_copy(deep=True)).entities for m in e.mentions}
        for entity in doc.entities:
            span = (entity.mentions[0].start, entity.mentions[0].end)
            gold.append((folder.name, mention_gold[entity.id]))
            predicted.append((folder.name, clusters.get(span, entity.id + "?")))
            baseline.append((folder.name, name_key(entity.name, ("de", "het", "een"))))
    return {
        "documents": len(test),
        "named mentions": len(gold),
        "kroniek in-document linker": {"bcubed": bcubed(gold, predicted), "pairwise": pairwise_by_doc(gold, predicted)},
        "baseline: exact name": {"bcubed": bcubed(gold, baseline), "pairwise": pairwise_by_doc(gold, baseline)},
    }


def pairwise_by_doc(gold: list[tuple[str, str]], predicted: list[tuple[str, str]]) -> dict[str, float]:
    return pairwise(gold, predicted, only=lambda i, j: gold[i][0] == gold[j][0])


def _eventdna_document(path: Path) -> tuple[Document, dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))["doc"]
    tokens = data["token_string"].split(" ")
    offsets, position = [], 0
    for token in tokens:
        offsets.append(position)
        position += len(token) + 1
    doc = Document.new(data["token_string"], language="nl")
    buckets = {m: b for b, members in data["annotations"]["coreference"]["entities"].items() for m in members}
    entities, mention_gold = [], {}
    for entity_id, entity in data["annotations"]["entities"].items():
        features = entity["features"]
        if features.get("mention_level_type") != "NAM" or not features.get("span"):
            continue
        first, last = min(features["span"]), max(features["span"])
        start, end = offsets[first], offsets[last] + len(tokens[last])
        entities.append(
            Entity(id=entity_id, type=features["type"], name=doc.text[start:end], mentions=[doc.mention(start, end)])
        )
        mention_gold[entity_id] = buckets.get(entity_id, entity_id)
    doc.entities = entities
    return doc, mention_gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.link.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=("stories", "entities", "coref"))
    parser.add_argument("--gold", type=Path, help="gold JSONL (default: tests/data/link/<task>.jsonl)")
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--eventdna", type=Path, default=ROOT / ".." / "shared" / "corpora" / "eventdna")
    parser.add_argument("--limit", type=int, default=300, help="coref: at most this many held-out documents")
    args = parser.parse_args(argv)
    if args.task == "stories":
        report = evaluate_stories(args.gold or GOLD / "stories.jsonl", args.split)
    elif args.task == "entities":
        report = evaluate_entities(args.gold or GOLD / "entities.jsonl", args.split)
    else:
        report = evaluate_coref(args.eventdna, args.limit)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
