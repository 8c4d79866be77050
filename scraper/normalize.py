"""Text normalisation shared by parsers, identity keys and name look-ups.

Everything scraped goes through `clean_text` first: Unicode NFC and every kind of
whitespace (non-breaking, thin, tabs, newlines) collapsed to one plain space.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_WHITESPACE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters a browser does not show (soft hyphen, zero-width space/joiners, word
# joiner, BOM): removed, so that "INFORMA\u00adTIQUE" is read as the name it displays.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
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
# Abbreviations seen in French dates ("15 sept. 2022", "3 janv. 2023").
MONTH_ABBREVIATIONS = {
    "janv": 1,
    "fevr": 2,
    "fev": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


def clean_text(text: str | None) -> str:
    """NFC, invisible characters removed, whitespace of every kind collapsed to single
    spaces, stripped."""
    if not text:
        return ""
    visible = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _WHITESPACE.sub(" ", visible).strip()


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


def straight_apostrophes(text: str) -> str:
    """Typographic apostrophes as the plain one: "L’ATELIER" -> "L'ATELIER". Editors
    type either; the catalogue stores one spelling. Other punctuation is kept."""
    return text.translate(_APOSTROPHES)


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
    folded = folded.rstrip(" :：-–—*").lstrip(" -–—•*")
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


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:er|re)?\s+([a-z]+)\.?\s+(\d{4})(?!\d)")


def _month_number(month: str) -> int | None:
    if month.isdigit():
        return int(month)
    return FRENCH_MONTHS.get(month) or MONTH_ABBREVIATIONS.get(month)


def parse_date(text: str | None) -> str | None:
    """A French or ISO date to ISO `yyyy-mm-dd`; None when there is none.

    Accepts "15/06/2022", "15.06.2022", "15-06-2022", "15 juin 2022", "1er juin 2022",
    "15 sept. 2022", "2022-06-15" and "2022-06-15T10:00" (also inside a longer text such
    as "Référencé le 15 juin 2022"). Impossible dates ("31/02/2022") give None.
    """
    folded = fold(text)
    if not folded:
        return None
    for pattern, order in ((_ISO_DATE, "ymd"), (_NUMERIC_DATE, "dmy"), (_WORD_DATE, "dmy")):
        for match in pattern.finditer(folded):
            parts = dict(zip(order, match.groups(), strict=True))
            month_number = _month_number(parts["m"])
            if month_number is None:
                continue
            try:
                return date(int(parts["y"]), month_number, int(parts["d"])).isoformat()
            except ValueError:
                continue
    return None


_VAGUE = re.compile(r"^(?:vague|v)?\s*(?:n\s*[°o]?\s*)?(\d{1,2})$")
_VAGUE_THEN_TEXT = re.compile(r"^vague\s*(?:n\s*°?\s*)?(\d{1,2})(?![\d.])\b")
_ORDINAL_VAGUE = re.compile(r"\b(\d{1,2})\s*(?:ere|re|er|e|eme|nde|de)\s+vague\b")
_WORD_VAGUE = re.compile(r"\b(premiere|deuxieme|seconde|troisieme)\s+vague\b")
_VAGUE_IN_TEXT = re.compile(r"\bvague\s*(?:n\s*°?\s*)?(\d{1,2})(?![\d.])\b")
_ORDINAL_WORDS = {"premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3}
_ROMAN_VAGUE = re.compile(r"^vague\s+(i{1,3}|iv)$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_vague(text: str | None) -> int | None:
    """ "Vague 1", "V1", "1", "vague 2", "Vague n°2", "Vague 1 (2021-2024)", "2e vague",
    "Vague II" to an integer; None when the text is not a vague."""
    folded = fold(text)
    match = _VAGUE.match(folded) or _VAGUE_THEN_TEXT.match(folded)
    if match:
        return int(match.group(1))
    roman = _ROMAN_VAGUE.match(folded)
    if roman:
        return _ROMAN[roman.group(1)]
    return _ordinal_vague(folded)


def find_vague(text: str | None) -> int | None:
    """A vague mentioned inside a longer text ("Solutions référencées – Vague 2",
    "Ségur : 2e vague")."""
    folded = fold(text)
    match = _VAGUE_IN_TEXT.search(folded)
    if match:
        return int(match.group(1))
    return _ordinal_vague(folded)


def _ordinal_vague(folded: str) -> int | None:
    match = _ORDINAL_VAGUE.search(folded)
    if match:
        return int(match.group(1))
    match = _WORD_VAGUE.search(folded)
    return _ORDINAL_WORDS[match.group(1)] if match else None


# A count is digits, optionally grouped by threes with a space, dot or comma ("1 234").
_COUNT = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ .,]\d{3})+|\d+) (?:resultats?|results?)\b(?! par page| per page)"
)
_NO_RESULT = re.compile(r"\b(?:aucune?|pas de|no) resultats?\b")


def parse_result_count(text: str | None) -> int | None:
    """The announced total in "137 résultats", "1 234 résultats" (any space, dot or comma
    between groups), "1 résultat", "Aucun résultat" (0). None when the text announces
    nothing; "50 résultats par page" is a page size, not a total."""
    folded = fold(text)
    found = [m for m in (_NO_RESULT.search(folded), _COUNT.search(folded)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    if first.re is _NO_RESULT:
        return 0
    return int(re.sub(r"[ .,]", "", first.group(1)))


_TRAILING_COUNT = re.compile(r"\s*\((\d[\d\s]*)\)\s*$")


def split_trailing_count(text: str | None) -> tuple[str, int | None]:
    """ "Dossier Usager Informatisé (DUI) (59)" -> ("Dossier Usager Informatisé (DUI)", 59)."""
    cleaned = clean_text(text)
    match = _TRAILING_COUNT.search(cleaned)
    if not match:
        return cleaned, None
    return cleaned[: match.start()].strip(), int(re.sub(r"\s", "", match.group(1)))


def is_blank(value: object) -> bool:
    """Nothing said: None, or a text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())
