"""Text normalisation shared by parsers, identity keys and name look-ups.

Everything scraped goes through `clean_text` first: Unicode NFC and every kind of
whitespace (non-breaking, thin, tabs, newlines) collapsed to one plain space.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_WHITESPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

FRENCH_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}


def clean_text(text: str | None) -> str:
    """NFC, whitespace of every kind collapsed to single spaces, stripped."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of a text, whitespace collapsed."""
    return clean_text(strip_accents(clean_text(text)).casefold())


def label_key(text: str | None) -> str:
    """The form under which a field label is matched.

    Case, accents, surrounding punctuation and a trailing colon do not count:
    "Éditeur :", "EDITEUR" and "éditeur" all give "editeur". "N°" is kept.
    """
    folded = fold(text).replace("nº", "n°").replace("n o ", "n° ")
    folded = folded.rstrip(" :：-–—").lstrip(" -–—•*")
    return clean_text(folded)


def loose_key(text: str | None) -> str:
    """Case-, accent- and punctuation-insensitive form used in identity keys
    and name matching: "Bio Logbook – Transcodification" gives
    "bio logbook transcodification"."""
    folded = fold(text).replace("&", " et ")
    return clean_text(_NON_ALNUM.sub(" ", folded))


def compact_key(text: str | None) -> str:
    """Like `loose_key` without any space: "Net Soins" and "NETSOINS" meet."""
    return loose_key(text).replace(" ", "")


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})\b")


def parse_date(text: str | None) -> str | None:
    """A French or ISO date to ISO `yyyy-mm-dd`; None when there is none.

    Accepts "15/06/2022", "15.06.2022", "15 juin 2022", "1er juin 2022",
    "2022-06-15" (also inside a longer text such as "Référencé le 15 juin 2022").
    """
    folded = fold(text)
    if not folded:
        return None
    for pattern, order in ((_ISO_DATE, "ymd"), (_SLASH_DATE, "dmy"), (_WORD_DATE, "dmy")):
        match = pattern.search(folded)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        month_number = int(month) if month.isdigit() else FRENCH_MONTHS.get(month)
        if month_number is None:
            continue
        try:
            return date(int(parts["y"]), month_number, int(parts["d"])).isoformat()
        except ValueError:
            continue
    return None


_VAGUE = re.compile(r"^(?:vague|v)?\s*(\d{1,2})$")
_VAGUE_IN_TEXT = re.compile(r"\bvague\s*(\d{1,2})\b")


def parse_vague(text: str | None) -> int | None:
    """ "Vague 1", "V1", "1", "vague 2" to an integer; None when not a vague."""
    folded = fold(text).replace("°", "").replace("n ", "")
    match = _VAGUE.match(folded)
    return int(match.group(1)) if match else None


def find_vague(text: str | None) -> int | None:
    """A vague mentioned inside a longer text ("Solutions référencées – Vague 2")."""
    match = _VAGUE_IN_TEXT.search(fold(text))
    return int(match.group(1)) if match else None


_COUNT = re.compile(r"(?<![\d,.])(\d{1,3}(?: ?\d{3})*|\d+) (?:resultats?|results?)\b")
_NO_RESULT = re.compile(r"\baucun(?:e)? resultat\b")


def parse_result_count(text: str | None) -> int | None:
    """The announced total in "137 résultats", "1 234 résultats", "1 résultat",
    "Aucun résultat" (0). None when the text announces nothing."""
    folded = fold(text)
    if _NO_RESULT.search(folded):
        return 0
    match = _COUNT.search(folded)
    if not match:
        return None
    return int(match.group(1).replace(" ", ""))


_TRAILING_COUNT = re.compile(r"\s*\((\d[\d\s]*)\)\s*$")


def split_trailing_count(text: str | None) -> tuple[str, int | None]:
    """ "Dossier Usager Informatisé (DUI) (59)" -> ("Dossier Usager Informatisé (DUI)", 59)."""
    cleaned = clean_text(text)
    match = _TRAILING_COUNT.search(cleaned)
    if not match:
        return cleaned, None
    return cleaned[: match.start()].strip(), int(re.sub(r"\s", "", match.group(1)))
