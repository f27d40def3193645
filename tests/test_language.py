import json

import pytest

from kroniek import Pipeline, Settings, analyse
from tests.conftest import EXAMPLES

LANGUAGE_ONLY = Pipeline(stages=("language",))


def example_articles():
    with (EXAMPLES / "articles.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_sample_is_dutch(sample_text):
    assert analyse(sample_text, pipeline=LANGUAGE_ONLY).language == "nl"


@pytest.mark.parametrize("article", example_articles(), ids=lambda a: a["title"][:30])
def test_examples_are_identified(article):
    assert analyse(article["text"], pipeline=LANGUAGE_ONLY).language == article["language"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De regering is gevallen na een nieuw conflict over migratie.", "nl"),
        ("The government fell after a new row over migration.", "en"),
        ("Die Regierung ist nach einem neuen Streit über Migration gestürzt.", "de"),
        ("Le gouvernement est tombé après un nouveau conflit sur la migration.", "fr"),
    ],
)
def test_short_news_sentences(text, expected):
    assert analyse(text, pipeline=LANGUAGE_ONLY).language == expected


def test_given_language_is_kept():
    assert analyse("The government fell.", language="nl", pipeline=LANGUAGE_ONLY).language == "nl"


def test_single_candidate_needs_no_detection():
    only_dutch = Pipeline(Settings(languages=("nl",)), stages=("language",))
    assert analyse("The government fell.", pipeline=only_dutch).language == "nl"
