"""The Dutch-English story gold set, its story scores and `kroniek eval stories`, on our own articles."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kroniek.cli.main import app
from kroniek.link.evaluate import STORIES_GOLD, StoryGold, cluster_scores, gold_document, read_gold

runner = CliRunner()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return read_gold(STORIES_GOLD, "all")


def test_the_gold_set_has_300_articles_in_30_stories_most_in_both_languages(rows: list[dict[str, Any]]) -> None:
    languages: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        languages[row["story"]].add(row["language"])
    assert len(rows) >= 300 and len(languages) >= 30
    assert Counter(row["language"] for row in rows).keys() == {"nl", "en"}
    assert sum(found == {"nl", "en"} for found in languages.values()) >= 0.9 * len(languages)
    assert all(row["text"].startswith(row["title"] + "\n\n") for row in rows)


def test_dev_and_test_share_no_story_and_every_article_has_its_own_key(rows: list[dict[str, Any]]) -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        splits[row["story"]].add(row["split"])
    assert all(len(found) == 1 for found in splits.values())
    assert {split for found in splits.values() for split in found} == {"dev", "test"}
    assert len({row["id"] for row in rows}) == len(rows)


def test_every_translation_is_in_the_same_story_in_the_other_language(rows: list[dict[str, Any]]) -> None:
    by_id = {row["id"]: row for row in rows}
    translations = [row for row in rows if "translation_of" in row]
    assert len(translations) >= 30
    for row in translations:
        original = by_id[row["translation_of"]]
        assert original["story"] == row["story"] and original["language"] != row["language"]


def _gold(rows: list[dict[str, Any]], ids: list[str]) -> StoryGold:
    chosen = [row for row in rows if row["id"] in ids]
    return StoryGold(chosen, [gold_document(row) for row in chosen])


def test_translations_kept_together_and_the_nl_en_figure_count_only_what_they_should(
    rows: list[dict[str, Any]],
) -> None:
    gold = _gold(rows, ["kar16-01", "kar16-02", "kar16-03", "mla17-01", "mla17-02"])
    assert gold.stories == ["karadzic-verdict-2016"] * 3 + ["mladic-verdict-2017"] * 2
    perfect = cluster_scores(gold, gold.stories)
    assert perfect["translations together"] == 1.0 and perfect["cross-lingual pairs"]["f1"] == 1.0
    # kar16-02 (en, the translation of kar16-01) and mla17-02 (nl) each put on their own
    split = cluster_scores(gold, ["k", "k2", "k", "m", "m2"])
    assert split["translations together"] == 0.0
    # of the three nl-en pairs in one story (kar16-01 with -02 and -03, mla17-01 with -02) only one is kept
    assert split["cross-lingual pairs"] == {"precision": 1.0, "recall": 0.3333, "f1": 0.5}
    assert split["pairwise"] == {"precision": 1.0, "recall": 0.25, "f1": 0.4}
    # one merged story: every pair in it, right or wrong
    merged = cluster_scores(gold, ["all"] * 5)
    assert merged["cross-lingual pairs"]["recall"] == 1.0 and merged["cross-lingual pairs"]["precision"] == 0.5


def test_kroniek_eval_stories_links_two_verdicts_in_the_hague_apart(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    """Two trials at the same tribunal with the same victims, 20 months apart: two stories, translations kept."""
    subset = [row for row in rows if row["story"] in ("karadzic-verdict-2016", "mladic-verdict-2017")]
    gold = tmp_path / "two.jsonl"
    gold.write_text("".join(json.dumps(row) + "\n" for row in subset), encoding="utf-8")
    common = ["eval", "stories", "--gold", str(gold), "--split", "dev", "--cache", str(tmp_path / "cache")]
    table = runner.invoke(app, [*common, "--format", "table"])
    assert table.exit_code == 0, table.output
    assert "nl-en F1" in table.output and "kroniek without embeddings" in table.output
    result = runner.invoke(app, [*common, "--format", "json"])
    report = json.loads(result.output)
    assert report["articles"] == 13 and report["stories"] == 2 and report["translation pairs"] == 2
    ours = report["kroniek with embeddings"]
    assert ours["pairwise"]["precision"] == 1.0 and ours["translations together"] == 1.0
    assert ours["bcubed"]["f1"] > report["baseline: every article its own story"]["bcubed"]["f1"]


def test_kroniek_eval_stories_says_when_the_gold_file_is_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "stories", "--gold", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "no such file" in result.output
