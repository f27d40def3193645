"""The time stage: TIMEX3 time expressions, normalised against the publication date.

Importing the package registers the stage ``time``; per-language knowledge lives in ``data/<lang>.yaml``.
"""

from kroniek.time.tagger import TimeTagger, make_time_tagger

__all__ = ["TimeTagger", "make_time_tagger"]
