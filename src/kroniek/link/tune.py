"""Tune the story weights, thresholds and time decay on the dev split of the story gold set, never on test.

    python -m kroniek.link.tune [--gold tests/data/link/stories-300.jsonl] [--cache DIR] [--rounds 3]

A coordinate search: one parameter at a time over a small grid, keeping any value that raises the objective,
until a round changes nothing. Each setting links the dev articles as one stream in a fresh store and is scored
by the mean of the pairwise, B-cubed and nl-en (cross-lingual) pairwise F1. Analyses and vectors are cached per
article text in a temporary folder, so only the first run pays for the pipeline and the embeddings (about 1 s an
article). The two fallback parameters (no vectors) are then tuned with embeddings off. It prints the best
StoryParams and its dev scores; copy them into the defaults in stories.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from kroniek.link.embed import Embedder
from kroniek.link.evaluate import (
    STORIES_GOLD,
    CachingEmbedder,
    StoryGold,
    read_story_gold,
    story_scores,
    without_embeddings,
)
from kroniek.link.stories import StoryParams

CACHE = Path(tempfile.gettempdir()) / "kroniek-stories-cache"

GRID: dict[str, tuple[Any, ...]] = {  # floats, and whole days for window_days
    "threshold": (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65),
    "text_weight": (0.30, 0.40, 0.50, 0.55, 0.60, 0.70, 0.80),
    "entity_weight": (0.0, 0.10, 0.20, 0.30, 0.35, 0.40, 0.50),
    "time_weight": (0.0, 0.05, 0.10, 0.15, 0.20, 0.30),
    "cosine_floor": (0.74, 0.76, 0.78, 0.80, 0.82, 0.84),
    "cosine_ceiling": (0.88, 0.90, 0.92, 0.94, 0.95, 0.97),
    "tau_days": (3.0, 7.0, 14.0, 30.0, 60.0),
    "window_days": (14, 30, 60, 90),
}
# Then, with the rest fixed, the two that apply when there are no vectors, tuned without embeddings.
FALLBACK_GRID: dict[str, tuple[Any, ...]] = {
    "fallback_threshold": (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50),
    "fallback_entity_weight": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
}


def objective(scores: dict[str, Any]) -> float:
    return float(scores["pairwise"]["f1"] + scores["bcubed"]["f1"] + scores["cross-lingual pairs"]["f1"]) / 3


class Search:
    """Scores each setting once; `best` and `best_score` follow the best seen so far."""

    def __init__(
        self, gold: StoryGold, embedder: Embedder, start: StoryParams, grid: dict[str, tuple[Any, ...]]
    ) -> None:
        self.gold = gold
        self.embedder = embedder
        self.grid = grid
        self.scored: dict[StoryParams, tuple[float, dict[str, Any]]] = {}
        self.best = start
        self.best_score = self.score(start)

    def score(self, params: StoryParams) -> float:
        if params not in self.scored:
            scores = story_scores(self.gold, params, self.embedder)
            self.scored[params] = (objective(scores), scores)
        return self.scored[params][0]

    def round(self) -> bool:
        """One pass over every parameter; True if anything improved."""
        improved = False
        for name, values in self.grid.items():
            for value in values:
                candidate = replace(self.best, **{name: value})
                if candidate.cosine_floor >= candidate.cosine_ceiling:
                    continue
                score = self.score(candidate)
                if score > self.best_score + 1e-9:
                    self.best, self.best_score, improved = candidate, score, True
                    print(f"{len(self.scored):4d}  {self.best_score:.4f}  {name} = {value}", file=sys.stderr)
        return improved


def tune(gold_path: Path, cache: Path, rounds: int, start: StoryParams | None = None) -> dict[str, Any]:
    gold = read_story_gold(gold_path, "dev", cache)
    with_text = _search(Search(gold, CachingEmbedder(cache / "vectors"), start or StoryParams(), GRID), rounds)
    without = _search(Search(gold, without_embeddings(), with_text.best, FALLBACK_GRID), rounds)
    return {
        "gold": str(gold_path),
        "split": "dev",
        "articles": len(gold.rows),
        "settings scored": len(with_text.scored) + len(without.scored),
        "best": asdict(without.best),
        "objective": round(with_text.best_score, 4),
        "dev scores": with_text.scored[with_text.best][1],
        "objective without embeddings": round(without.best_score, 4),
        "dev scores without embeddings": without.scored[without.best][1],
    }


def _search(search: Search, rounds: int) -> Search:
    for _ in range(rounds):
        if not search.round():
            break
    return search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kroniek.link.tune", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=STORIES_GOLD)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"analyses and vectors (default: {CACHE})")
    parser.add_argument("--rounds", type=int, default=3, help="at most this many passes over the grid")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"{args.gold}: no such file", file=sys.stderr)
        return 2
    print(json.dumps(tune(args.gold, args.cache, args.rounds), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
