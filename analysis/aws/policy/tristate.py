"""Three-valued logic for results that may depend on undecided conditions."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Tri(enum.Enum):
    TRUE = "true"
    FALSE = "false"
    MAYBE = "maybe"


def tri_and(values: Iterable[Tri]) -> Tri:
    """Kleene AND: false wins, then maybe, and no values is true."""
    result = Tri.TRUE
    for value in values:
        if value is Tri.FALSE:
            return Tri.FALSE
        if value is Tri.MAYBE:
            result = Tri.MAYBE
    return result


def tri_or(values: Iterable[Tri]) -> Tri:
    """Kleene OR: true wins, then maybe, and no values is false."""
    result = Tri.FALSE
    for value in values:
        if value is Tri.TRUE:
            return Tri.TRUE
        if value is Tri.MAYBE:
            result = Tri.MAYBE
    return result
