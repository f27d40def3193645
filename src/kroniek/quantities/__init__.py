"""The quantities stage: numbers, approximators, units and what is counted (see engine.py)."""

from kroniek.quantities.engine import QuantityReader, QuantityStage, make_quantities, quantity_category

__all__ = ["QuantityReader", "QuantityStage", "make_quantities", "quantity_category"]
