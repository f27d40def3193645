"""Claims: attribution (source, intermediary, cue), the span it governs, and its certainty."""

from kroniek.claims.stage import ClaimFinder, make_claim_finder

__all__ = ["ClaimFinder", "make_claim_finder"]
