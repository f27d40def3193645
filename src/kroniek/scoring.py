"""Precision, recall and F1, once for every evaluation: fractions between 0 and 1, rounded to 4 places."""

from __future__ import annotations


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    precision, recall = ratio(correct, predicted), ratio(correct, gold)
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall)}
