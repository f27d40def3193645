"""Score the shipped syntax pipelines (POS, morphology, lemma, dependencies) on CoNLL-U gold.

    python -m kroniek.nlp.evaluate_syntax --lang nl --gold FILE.conllu [--format table|json]

The model runs on the gold words of each gold sentence (gold tokenisation and
segmentation), so the figures match the CoNLL 2018 shared task metrics computed
"on words": UPOS, XPOS, UFeats (the whole feature set must match), lemma
accuracy, UAS and LAS (LAS compares the universal part of the relation,
``nmod:poss`` counts as ``nmod``). Also printed: a trivial lemma baseline
(lemma = lower-cased word) and the speed in words per second.

The CoNLL-U reader and the Doc builders here are shared with the training
converter (training/syntax/convert.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kroniek.nlp.models import model_path

METRICS = ("UPOS", "XPOS", "UFeats", "Lemmas", "UAS", "LAS")
# Where train.sh records per-language facts (lemma compound rules) in the model's meta.json.
META_KEY = "kroniek"


@dataclass
class Word:
    """One syntactic word of a CoNLL-U sentence (multi-word tokens are split into words)."""

    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int  # 1-based, 0 = root
    deprel: str
    space_after: bool = True


@dataclass
class Sentence:
    words: list[Word] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the raw block, to write subsets back


def _space_after(misc: str) -> bool:
    return "SpaceAfter=No" not in misc.split("|")


def _parse_block(lines: list[str]) -> Sentence:
    sentence = Sentence(lines=lines)
    range_end, range_space = 0, True
    for line in lines:
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        word_id = cols[0]
        if "-" in word_id:  # multi-word token: its SpaceAfter belongs to its last word
            range_end, range_space = int(word_id.split("-")[1]), _space_after(cols[9])
            continue
        if "." in word_id:  # empty node of the enhanced graph: not a surface word
            continue
        number = int(word_id)
        inside_range = number <= range_end
        space = (range_space if number == range_end else False) if inside_range else _space_after(cols[9])
        sentence.words.append(Word(cols[1], cols[2], cols[3], cols[4], cols[5], int(cols[6]), cols[7], space))
    return sentence


def read_conllu(path: Path | str) -> list[Sentence]:
    """All sentences of a CoNLL-U file, empty nodes dropped."""
    sentences: list[Sentence] = []
    block: list[str] = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if line.strip():
            block.append(line)
        elif block:
            sentences.append(_parse_block(block))
            block = []
    if block:
        sentences.append(_parse_block(block))
    return [s for s in sentences if s.words]


def write_conllu(sentences: Iterable[Sentence], path: Path | str) -> None:
    """Write sentences back exactly as they were read (for held-out subsets)."""
    Path(path).write_text("".join("\n".join(s.lines) + "\n\n" for s in sentences), encoding="utf-8")


@dataclass(frozen=True)
class CompoundLemmas:
    """How a treebank marks compound boundaries in lemmas (UD Dutch: ``opleiding_ploeg``).

    ``join`` gives the lemma as the model should output it, one word like the surface
    form: the linking letters the form shows between the parts are put back
    (``opleidingsploeg`` -> ``opleidingsploeg``, ``24-jarige`` -> ``24-jarig``);
    where the form does not show the parts in order (``afgelopen``, ``spoorde ... aan``)
    the parts are simply joined (``aflopen``, ``aansporen``).
    """

    marker: str | None = None
    linkers: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> CompoundLemmas:
        settings = settings or {}
        return cls(settings.get("marker"), tuple(settings.get("linkers") or ()))

    def join(self, lemma: str, form: str) -> str:
        if not self.marker or self.marker not in lemma or self.marker in form:
            return lemma
        parts = lemma.split(self.marker)
        modifiers, head = parts[:-1], parts[-1]
        linker = "(" + "".join(re.escape(x) + "|" for x in sorted(self.linkers, key=len, reverse=True)) + ")"
        prefix = linker.join(re.escape(part) for part in modifiers) + linker
        # Whole head visible in the form first; else an inflected head (schepen: schip) that
        # at least starts as the head does, so "speelsteden" keeps no spurious linker.
        for pattern in (prefix + re.escape(head), prefix + f"(?={re.escape(head[:1])})"):
            found = re.match(pattern, form, re.IGNORECASE)
            if found:
                links = [(found.group(i + 1) or "").lower() for i in range(len(modifiers))]
                return "".join(part + link for part, link in zip(modifiers, links, strict=True)) + head
        return "".join(parts)


def _feats(feats: str) -> str:
    return "" if feats == "_" else "|".join(sorted(feats.split("|")))


def annotated_doc(vocab: Vocab, sentences: Sequence[Sentence], compounds: CompoundLemmas) -> Doc:
    """One training Doc with the gold analysis of consecutive sentences."""
    words: list[str] = []
    spaces: list[bool] = []
    heads: list[int] = []
    sent_starts: list[bool | int | None] = []
    annotations: dict[str, Any] = {"tags": [], "pos": [], "morphs": [], "lemmas": [], "deps": []}
    for sentence in sentences:
        offset = len(words)
        for index, word in enumerate(sentence.words):
            words.append(word.form)
            spaces.append(word.space_after)
            sent_starts.append(index == 0)
            is_root = word.head == 0
            heads.append(offset + index if is_root else offset + word.head - 1)
            annotations["deps"].append("ROOT" if is_root else word.deprel)
            annotations["tags"].append(word.xpos)
            annotations["pos"].append(word.upos)
            annotations["morphs"].append(_feats(word.feats))
            annotations["lemmas"].append(compounds.join(word.lemma, word.form))
        spaces[-1] = True  # sentences of one Doc are separated by a space
    return Doc(vocab, words=words, spaces=spaces, heads=heads, sent_starts=sent_starts, **annotations)


def words_doc(vocab: Vocab, words: Sequence[str], spaces: Sequence[bool] | None = None) -> Doc:
    """An unannotated Doc of one sentence's words; the parser may not split it further."""
    doc = Doc(vocab, words=list(words), spaces=list(spaces) if spaces is not None else None)
    for token in doc[1:]:
        token.is_sent_start = False
    return doc


def model_dir(lang: str, path: Path | None = None) -> Path:
    """The given pipeline folder, else the shipped one (kroniek.nlp.models)."""
    folder = path or model_path("syntax", lang)
    if folder is None:
        raise SystemExit(f"no shipped syntax model for '{lang}'")
    return folder


def parse_sentences(nlp: Language, sentences: Iterable[Sequence[str]], batch_size: int = 256) -> Iterator[Doc]:
    """Analyse pre-tokenised sentences (one Doc each), keeping the given tokenisation."""
    docs = (words_doc(nlp.vocab, words) for words in sentences)
    yield from nlp.pipe(docs, batch_size=batch_size)


def doc_to_words(doc: Doc) -> list[Word]:
    """The model's analysis of a one-sentence Doc as CoNLL-U words."""
    return [
        Word(
            form=token.text,
            lemma=token.lemma_,
            upos=token.pos_,
            xpos=token.tag_,
            feats=str(token.morph) or "_",
            head=0 if token.head.i == token.i else token.head.i + 1,
            deprel="root" if token.dep_ == "ROOT" else token.dep_,
        )
        for token in doc
    ]


def _matches(gold: Word, system: Word, compounds: CompoundLemmas) -> dict[str, bool]:
    same_head = system.head == gold.head
    return {
        "UPOS": system.upos == gold.upos,
        "XPOS": system.xpos == gold.xpos,
        "UFeats": _feats(system.feats) == _feats(gold.feats),
        "Lemmas": system.lemma == compounds.join(gold.lemma, gold.form),
        "UAS": same_head,
        "LAS": same_head and system.deprel.split(":")[0] == gold.deprel.split(":")[0],
    }


def score(
    gold: Sequence[Sentence], system: Sequence[Sequence[Word]], compounds: CompoundLemmas | None = None
) -> dict[str, Any]:
    """Accuracy (%) per metric of ``system`` words against ``gold`` (same words, same order)."""
    compounds = compounds or CompoundLemmas()
    hits = dict.fromkeys(METRICS, 0)
    baseline = words = 0
    for gold_sentence, system_words in zip(gold, system, strict=True):
        for gold_word, system_word in zip(gold_sentence.words, system_words, strict=True):
            if gold_word.form != system_word.form:
                raise ValueError(f"words differ: gold {gold_word.form!r}, system {system_word.form!r}")
            for metric, hit in _matches(gold_word, system_word, compounds).items():
                hits[metric] += hit
            baseline += gold_word.form.lower() == compounds.join(gold_word.lemma, gold_word.form)
            words += 1
    percent = {name: round(100.0 * count / words, 2) if words else 0.0 for name, count in hits.items()}
    return {
        **percent,
        "Lemmas baseline (lower-cased word)": round(100.0 * baseline / words, 2) if words else 0.0,
        "words": words,
        "sentences": len(gold),
    }


def evaluate(nlp: Language, gold: Sequence[Sentence]) -> dict[str, Any]:
    """Scores of ``nlp`` run on the gold words of ``gold``, with its speed in words/s."""
    compounds = CompoundLemmas.from_settings(nlp.meta.get(META_KEY, {}).get("lemma_compounds"))
    started = time.perf_counter()
    docs = list(parse_sentences(nlp, ([w.form for w in s.words] for s in gold)))
    seconds = time.perf_counter() - started
    scores = score(gold, [doc_to_words(doc) for doc in docs], compounds)
    scores["words/s"] = round(scores["words"] / seconds) if seconds else 0
    return scores


def format_table(scores: dict[str, Any]) -> str:
    width = max(len(name) for name in scores)
    lines = [f"{'metric':<{width}}  value"]
    for name, value in scores.items():
        shown = f"{value:6.2f}" if isinstance(value, float) else f"{value:>6}"
        lines.append(f"{name:<{width}}  {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", required=True, help="language of the shipped model (nl, en)")
    parser.add_argument("--gold", required=True, type=Path, help="CoNLL-U file with the gold analysis")
    parser.add_argument("--model", type=Path, default=None, help="score this pipeline instead of the shipped one")
    parser.add_argument(
        "--system", type=Path, default=None, help="score this CoNLL-U output instead (lemma rules from the model)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    gold = read_conllu(args.gold)
    if args.system:
        system = [s.words for s in read_conllu(args.system)]
        meta = json.loads(model_dir(args.lang, args.model).joinpath("meta.json").read_text(encoding="utf-8"))
        scores = score(gold, system, CompoundLemmas.from_settings(meta.get(META_KEY, {}).get("lemma_compounds")))
    else:
        scores = evaluate(spacy.load(model_dir(args.lang, args.model)), gold)
    print(json.dumps(scores, indent=2) if args.format == "json" else format_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
