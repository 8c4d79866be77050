"""Field labels of contract 4.1 and 4.2, and how a printed label maps to a field.

A label matches whatever its case, accents, plural mark or trailing colon:
"ÉDITEUR :", "Editeurs", "Raison sociale*" and "N° de référencement" are all
recognised. Matching is exact on that folded form, never by substring, so
"Type de logiciel" (dispositif) is not mistaken for "Logiciel" (solution).

Operators add labels without code through a TOML file (`segur sync --labels
FILE`, `$SEGUR_LABELS`): `read_labels_file` checks it, `use_extra_labels` adds
its labels to the built-in ones for the rest of the process:

    [labels]
    editor = ["Société"]
    solution = ["Produit"]
    version = ["Rév."]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scraper.items import SolutionRecord, field_names
from scraper.normalize import label_key, loose_key

# Contract 4.1, plus a few spellings of the same labels: one entry per fact of
# `SolutionRecord` (tests/test_fields.py checks it).
LISTING_LABELS: dict[str, tuple[str, ...]] = {
    "editor": (
        "Éditeur",
        "Raison sociale",
        "Fournisseur",
        "Nom de l'éditeur",
        "Éditeur de la solution",
        "Éditeur du logiciel",
    ),
    "solution": (
        "Solution",
        "Nom du logiciel",
        "Nom commercial",
        "Logiciel",
        "Nom de la solution",
        "Solution logicielle",
        "Nom commercial de la solution",
    ),
    "version": (
        "Version",
        "Numéro de version",
        "Version technique",
        "Numéro de version technique",
        "Version du logiciel",
        "Version de la solution",
        "Version référencée",
    ),
    "couloir": ("Couloir", "Catégorie", "Couloir Ségur"),
    "dispositif": (
        "Dispositif",
        "DSR",
        "Type de logiciel",
        "Dispositif Ségur",
        "Dispositif de référencement",
    ),
    "vague": ("Vague", "Vague de référencement", "Vague Ségur"),
    "referenced_on": (
        "Date de référencement",
        "Référencé le",
        "Référencée le",
        "Date de décision",
        "Date du référencement",
        "Date de la décision",
        "Date de décision de référencement",
    ),
    "reference_number": (
        "Numéro de référencement",
        "N° de référencement",
        "Identifiant de référencement",
        "Numéro unique de référencement",
        "Identifiant unique de référencement",
    ),
    "distributors": ("Distributeur", "Distributeurs"),
    "pilots": (
        "Premières installations réussies",
        "Installations pilotes",
        "Première installation réussie",
        "Sites pilotes",
    ),
}

# Contract 4.2: candidate tables use the same labels, plus a status and a date.
CANDIDATE_LABELS: dict[str, tuple[str, ...]] = {
    **LISTING_LABELS,
    "status": ("Statut", "Statut de la candidature", "État", "État de la candidature"),
    "applied_on": (
        "Date de candidature",
        "Date de dépôt",
        "Date de dépôt de la candidature",
        "Date",
    ),
}

REQUIRED_FIELDS = field_names(SolutionRecord, required=True)
HEADER_KEYS_NEEDED = 2  # a listing header row names at least two of the required fields
MULTI_VALUED_FIELDS = frozenset(field_names(SolutionRecord, multi_valued=True))

_NUMERO = re.compile(r"(?<![a-z0-9])(?:n\s*[°º]|no\.?|num\.?|numero)\s*(?=de\b|d')")
_PLURAL_MARK = re.compile(r"\((?:e|s|es|x)\)")
_PARENTHESES = re.compile(r"\([^)]*\)")
_LONGEST_LABEL = 80
_COMPLEMENT = re.compile(r"(?:de|du|des|d)\b")


def label_form(text: str | None) -> str:
    """The folded form labels are compared in: "N° de référencement :" and
    "Numéro de référencement" both give "numero de referencement"."""
    key = _PLURAL_MARK.sub("", label_key(text))
    key = _NUMERO.sub("numero ", key)
    words = loose_key(key).split()
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


@dataclass(frozen=True)
class LabelTable:
    """Synonyms per field, indexed by their folded form."""

    name: str
    synonyms: dict[str, tuple[str, ...]]
    index: dict[str, str]

    @classmethod
    def build(cls, name: str, synonyms: dict[str, tuple[str, ...]]) -> LabelTable:
        index: dict[str, str] = {}
        for field, labels in synonyms.items():
            for label in labels:
                form = label_form(label)
                if index.setdefault(form, field) != field:
                    raise ValueError(f"label {label!r} names both {index[form]} and {field}")
        return cls(name, synonyms, index)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.synonyms)


LISTING = LabelTable.build("listing", LISTING_LABELS)
CANDIDATE = LabelTable.build("candidate", CANDIDATE_LABELS)
_TABLES = {table.name: table for table in (LISTING, CANDIDATE)}


class LabelsFileError(Exception):
    """A labels file that cannot be used (one-line message)."""


def read_labels_file(path: str | Path) -> dict[str, tuple[str, ...]]:
    """The labels a TOML file adds, per field; raises `LabelsFileError` for an
    unreadable file, an unknown field, or a label that would name two fields."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LabelsFileError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise LabelsFileError(f"{path} is not valid TOML: {error}") from None
    section = data.get("labels")
    if not isinstance(section, dict) or set(data) - {"labels"}:
        raise LabelsFileError(f'{path}: expected one [labels] table, field = ["label", ...]')
    extra: dict[str, tuple[str, ...]] = {}
    for field, labels in section.items():
        if field not in CANDIDATE_LABELS:
            known = ", ".join(CANDIDATE_LABELS)
            raise LabelsFileError(f"{path}: unknown field {field!r} (fields: {known})")
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(labels, list) or not all(
            isinstance(label, str) and label.strip() for label in labels
        ):
            raise LabelsFileError(f"{path}: {field} must be a list of labels")
        extra[field] = tuple(label.strip() for label in labels)
    try:
        _candidate_table(extra)
    except ValueError as error:
        raise LabelsFileError(f"{path}: {error}") from None
    return extra


def use_extra_labels(extra: dict[str, tuple[str, ...]]) -> None:
    """Add `extra` labels to the built-in ones for the rest of the process."""
    global LISTING, CANDIDATE
    LISTING = LabelTable.build("listing", _merged(LISTING_LABELS, extra))
    CANDIDATE = _candidate_table(extra)
    _TABLES.update({LISTING.name: LISTING, CANDIDATE.name: CANDIDATE})
    _lookup.cache_clear()
    _prefix_lookup.cache_clear()


def _candidate_table(extra: dict[str, tuple[str, ...]]) -> LabelTable:
    return LabelTable.build("candidate", _merged(CANDIDATE_LABELS, extra))


def _merged(base: dict[str, tuple[str, ...]], extra: dict[str, tuple[str, ...]]):
    """`base` with the `extra` labels of its own fields added."""
    return {field: base[field] + extra.get(field, ()) for field in base}


def field_for_label(text: str | None, table: LabelTable = LISTING) -> str | None:
    """The field a printed label names ("Raison sociale :" -> "editor"), or None.

    `table` is `LISTING` (contract 4.1) or `CANDIDATE` (4.2, adds status and applied_on).
    """
    if not text or len(text) > _LONGEST_LABEL:
        return None
    return _lookup(text, table.name)


@lru_cache(maxsize=8192)
def _lookup(text: str, table_name: str) -> str | None:
    index = _TABLES[table_name].index
    field = index.get(label_form(text))
    if field is None and "(" in text:
        # "Éditeur (raison sociale)", "Version (technique)"
        field = index.get(label_form(_PARENTHESES.sub(" ", text)))
    if field is None and "/" in text:
        # "Éditeur / Raison sociale": every part must name the same field
        named = {index.get(label_form(part)) for part in text.split("/")}
        field = named.pop() if len(named) == 1 else None
    return field


def field_for_header(text: str | None, table: LabelTable = LISTING) -> str | None:
    """Like `field_for_label`, for a table's column header, which may also lengthen a
    label: "Date de dépôt du dossier" names `applied_on` as "Date de dépôt" does. A
    one-word label only lengthens with a complement ("Éditeur du logiciel"), so
    "Versions antérieures" is no version."""
    field = field_for_label(text, table)
    if field or not text or len(text) > _LONGEST_LABEL:
        return field
    return _prefix_lookup(label_form(text), table.name)


@lru_cache(maxsize=4096)
def _prefix_lookup(form: str, table_name: str) -> str | None:
    matches = [
        (len(label), field)
        for label, field in _TABLES[table_name].index.items()
        if form.startswith(label + " ")
        and (" " in label or _COMPLEMENT.match(form, len(label) + 1))
    ]
    return max(matches)[1] if matches else None
