import datetime as dt

import pytest

from kroniek.errors import IngestError, InputError
from kroniek.ingest import Article, read_paths
from tests.conftest import EXAMPLES

DUTCH = "De Iraakse troepen naderen woensdag de moskee in Mosul. Het Rode Kruis meldt veel doden."


def read(*paths, **options):
    return list(read_paths(list(paths), **options))


def test_utf8_text_file(tmp_path):
    (tmp_path / "a.txt").write_text(DUTCH, encoding="utf-8")
    [article] = read(tmp_path / "a.txt")
    assert isinstance(article, Article)
    assert article.text == DUTCH
    assert article.published is None


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_other_encodings_are_converted(tmp_path, encoding):
    text = "Café in Brussel: de officiële cijfers van Financiën tonen een daling van 3 procent. " * 3
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    [article] = read(tmp_path / "a.txt")
    assert article.text == text


def test_date_in_file_name_and_option(tmp_path):
    path = tmp_path / "mosul-2017-06-21.nl.txt"
    path.write_text(DUTCH, encoding="utf-8")
    [from_name] = read(path)
    assert (from_name.published, from_name.published_from) == (dt.date(2017, 6, 21), "file name")
    [from_option] = read(path, published=dt.date(2017, 6, 22))
    assert (from_option.published, from_option.published_from) == (dt.date(2017, 6, 22), "option")


def test_html_article_text_title_and_date():
    [article] = read(EXAMPLES / "html" / "mosul-troepen-naderen-moskee.html")
    assert article.title == "Iraakse troepen rukken op naar al-Nuri-moskee in Mosul"
    assert article.published == dt.date(2017, 6, 21)
    assert article.published_from == "metadata"
    assert "al-Nuri-moskee" in article.text
    assert "Sport" not in article.text  # navigation is not article text


def test_jsonl_reads_every_field():
    articles = read(EXAMPLES / "articles.jsonl")
    assert len(articles) == 4
    first = articles[0]
    assert (first.language, first.published, first.source) == ("en", dt.date(2017, 6, 21), "Example Wire")
    assert first.origin.endswith("articles.jsonl:1")


def test_jsonl_bad_lines_are_reported_and_good_ones_kept(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"text": "Eerste artikel over Mosul.", "published": "2017-06-21"}\n'
        "not json\n"
        '{"title": "zonder tekst"}\n'
        '{"text": "Artikel met een datum die niet bestaat.", "published": "2017-02-31"}\n'
        "[1, 2]\n"
        '{"text": "Laatste artikel.", "published": "2017-06-22T08:00:00+02:00"}\n',
        encoding="utf-8",
    )
    results = read(path)
    assert [type(r).__name__ for r in results] == [
        "Article",
        "IngestError",
        "IngestError",
        "IngestError",
        "IngestError",
        "Article",
    ]
    assert "line 2" in str(results[1]) and "not JSON" in str(results[1])
    assert "'text' is missing" in str(results[2])
    assert "not a valid date" in str(results[3])
    assert results[5].published == dt.date(2017, 6, 22)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "E001"),
        (b"   \n\n  ", "E001"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "E002"),
        (bytes(range(256)) * 4, "E002"),
    ],
    ids=["empty", "blank", "png", "random-bytes"],
)
def test_bad_files_give_a_clear_error(tmp_path, content, code):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [error] = read(path)
    assert isinstance(error, IngestError)
    assert error.code == code
    assert str(path) in str(error)


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 2_000_000)
    [error] = read(path, max_size_mb=1.0)
    assert error.code == "E004" and "2.0 MB" in str(error)


def test_folder_with_one_bad_file_among_good_ones(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(DUTCH, encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_text("The troops approached the mosque on Wednesday.", encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_bytes(b"")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    results = read(tmp_path)
    assert [type(r).__name__ for r in results] == ["Article", "Article", "IngestError"]


def test_missing_path_and_unsupported_type(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "absent.txt")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    [error] = read(tmp_path / "a.pdf")
    assert error.code == "E006"


def test_jsonl_size_limit_holds_per_article_not_per_file(tmp_path):
    path = tmp_path / "feed.jsonl"
    article = '{"text": "%s"}\n' % ("Een artikel over de slag om Mosul. " * 900)  # ~32 kB a line
    path.write_text(article * 40 + '{"text": "%s"}\n' % ("x" * 1_200_000), encoding="utf-8")  # 2.5 MB in all
    results = read(path, max_size_mb=1.0)
    assert sum(isinstance(r, Article) for r in results) == 40
    assert results[-1].code == "E007" and "line 41" in str(results[-1]) and "over the limit" in str(results[-1])


def test_jsonl_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes('{"text": "Caf\u00e9 in Brussel."}\n'.encode("cp1252") + b'{"text": "Goed artikel."}\n')
    results = read(path)
    assert isinstance(results[0], IngestError) and "not UTF-8" in str(results[0])
    assert results[1].text == "Goed artikel."
