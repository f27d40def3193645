"""A cheap test of which rules can match a sentence at all, so that the costly rule regexes run only
where they may find something (most sentences hold no time expression).

A rule needs every placeholder that is neither optional nor one of several alternatives: "{num}
{unit} geleden" cannot match a sentence without a unit word. A sentence offers a word kind when one of
its words begins like a word of that kind (the first three letters, so that "woensdagmiddag" offers
a weekday), and the digit kinds when it holds a digit. The test may let through a rule that then
finds nothing; it never holds back one that would match.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z_0-9]+))?\}")
WORD = re.compile(r"\w+")
RUN = re.compile(r"[^\W\d_]+")  # letters only: "6:30am" offers "am"
PREFIX = 3
DIGIT = re.compile(r"\d")
DIGIT_KINDS = frozenset({"day", "month_num", "year", "hour", "minute", "second", "ordinal_num"})
ALWAYS = "*"  # a kind whose words cannot be told by their first letters


def required_kinds(pattern: str) -> frozenset[str]:
    """The placeholder kinds every match of ``pattern`` contains."""
    groups: list[dict[str, bool]] = []  # open groups: whether they are optional or alternatives
    inside: list[tuple[str, list[dict[str, bool]]]] = []  # each placeholder and the groups around it
    top = {"optional": False}
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            lookaround = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i)
            groups.append({"optional": lookaround})
        elif char == ")" and groups:
            group = groups.pop()
            if pattern[i + 1 : i + 2] in {"?", "*"} or pattern.startswith("{0", i + 1):
                group["optional"] = True
        elif char == "|":
            (groups[-1] if groups else top)["optional"] = True
        elif char == "{" and (found := PLACEHOLDER.match(pattern, i)):
            optional = pattern[found.end() : found.end() + 1] in {"?", "*"}
            inside.append((found[1], [*groups, {"optional": optional}]))
            i = found.end()
            continue
        i += 1
    if top["optional"]:
        return frozenset()
    return frozenset(kind for kind, around in inside if not any(g["optional"] for g in around))


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opened at ``start`` closes ("[^]x]" holds a "]")."""
    i = start + 1
    i += pattern.startswith("^", i)
    i += pattern.startswith("]", i)
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def kind_prefixes(words: dict[str, dict[str, object]]) -> dict[str, frozenset[str]]:
    """For each word kind, how its words begin: the first letters of their first word."""
    out = {}
    for kind, entries in words.items():
        firsts = [WORD.findall(word) for word in entries]
        if any(not tokens for tokens in firsts):
            out[kind] = frozenset({ALWAYS})
        else:
            out[kind] = frozenset(tokens[0][:PREFIX] for tokens in firsts)
    return out


def offered(text: str, prefixes: dict[str, frozenset[str]]) -> frozenset[str]:
    """The kinds ``text`` offers: a rule may match it only if its needs are a subset of these."""
    beginnings = {run[:n] for run in RUN.findall(text.lower()) for n in range(1, PREFIX + 1)}
    beginnings.add(ALWAYS)
    kinds = {kind for kind, starts in prefixes.items() if not starts.isdisjoint(beginnings)}
    if DIGIT.search(text):
        kinds |= DIGIT_KINDS | {"num"}
    return frozenset(kinds)
