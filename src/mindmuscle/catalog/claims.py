"""Find the popular claims MindMuscle must not repeat in a piece of text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mindmuscle.catalog.models import Claim

__all__ = ["compile_pattern", "find_unsupported_claims"]


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a claim pattern (case-insensitive), cached.

    Raises
    ------
    re.error
        When the pattern is not a valid regular expression.
    """
    return re.compile(pattern, re.IGNORECASE)


def find_unsupported_claims(text: str, claims: Sequence[Claim]) -> list[Claim]:
    """The claims whose patterns match ``text``, in the order given.

    Parameters
    ----------
    text : str
        Any user-facing text: a cue, a message, a page.
    claims : sequence of Claim
        Usually ``load_catalog().claims``.

    Returns
    -------
    list of Claim
        Every claim with at least one matching pattern; empty when the text is clean.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> claims = load_catalog().claims
    >>> [c.id for c in find_unsupported_claims(claims[1].claim, claims)]
    ['mmc_doubles_growth']
    >>> find_unsupported_claims("Squeeze your biceps at the top.", claims)
    []
    """
    # Typographic dashes and non-breaking spaces would otherwise slip past the patterns.
    normalised = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return [
        claim
        for claim in claims
        if any(compile_pattern(p).search(normalised) for p in claim.patterns)
    ]
