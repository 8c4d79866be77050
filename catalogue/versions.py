"""Natural ordering of version strings, as ANS prints them.

A version is a string, never a number: "05.02", "V2", "441-SP6", "10.3.1".
`version_sort_key` splits it into numbers and words so that "9.10" comes after
"9.9", "10" after "9.9" and "10.3.1" after "10.3"; a leading "v" or "version"
is ignored ("V2" sorts as 2). Separators (".", "-", " ", "/") only split.
"""

from __future__ import annotations

import functools
import re

from scraper.normalize import fold

_TOKEN = re.compile(r"\d+|[a-z]+")
_PREFIX = re.compile(r"^(?:version|vers|ver|v)\s*\.?\s*(?=\d)")

# Tagged tokens keep comparisons total: at the same position a number sorts
# before a word ("1.0.1" < "1.0a"), and a prefix before its extensions ("10.3" < "10.3.1").
_NUMBER, _WORD = 0, 1


@functools.lru_cache(maxsize=8192)  # pure, and the same versions come back all the time
def version_tokens(version: str | None) -> tuple[tuple[int, int | str], ...]:
    """("V2" -> ((0, 2),), "441-SP6" -> ((0, 441), (1, "sp"), (0, 6)))."""
    text = _PREFIX.sub("", fold(version))
    return tuple(
        (_NUMBER, int(token)) if token.isdigit() else (_WORD, token)
        for token in _TOKEN.findall(text)
    )


@functools.lru_cache(maxsize=8192)
def version_sort_key(version: str | None) -> tuple:
    """Sort key: natural tokens, then the text itself so that equal-looking
    versions ("05.02" and "5.2", None and "") still get one stable order."""
    return (version_tokens(version), fold(version), version is not None, version or "")


@functools.lru_cache(maxsize=8192)
def _significant(version: str | None) -> tuple:
    tokens = list(version_tokens(version))
    while len(tokens) > 1 and tokens[-1] == (_NUMBER, 0):
        tokens.pop()
    return tuple(tokens)


def same_version(a: str | None, b: str | None) -> bool:
    """Whether two spellings name the same version: case, a "v" prefix,
    separators, leading zeros and trailing ".0" parts do not count
    ("V2" = "2" = "2.0", "05.02" = "5.2"; "10.3" != "10.3.1")."""
    left, right = _significant(a), _significant(b)
    if not left and not right:
        return fold(a) == fold(b)
    return left == right
