"""Is this software referenced Ségur? The one answer, for `segur check` and `/verifier`.

    answer = lookup(conn, "netsoins", version="2.1")
    answer.verdict   # referenced | version_not_referenced | removed | candidate | not_found
    answer.message   # the French sentence people read: "Oui — …" or "Non — …"
    answer_json(answer)

Matching. Names are compared in compact form (`compact_key`: case, accents,
spaces and punctuation ignored) and **the typed text must start at the
beginning of a word** of the editor or solution name: "netsoins" finds
"Net Soins" and "NETSOINS", never "Maison et Soins"; "soins" finds "Maison et
Soins". The editor and solution names typed together ("kalisil dedalus"), and
the ANS referencing number, are found too.

The look-up never runs Python over the catalogue: `name_terms` holds, for every
entry, the compact form of each name from each of its words on (filled by
`refresh_name_terms` after each run and in each served snapshot), and a look-up
is one range scan of its index (`term >= q AND term < q || '~'`; compact forms
only hold [0-9a-z]).

Ranking: exact name, then a name starting with the text, then a word starting
with it; within each, referenced before withdrawn before candidates.

Verdict. The matches of the best rank decide (a name typed exactly is the
software meant): referenced when one of them is referenced (with a version:
that version, "V2" and "2" being one); otherwise `version_not_referenced` when a
version was asked and other versions are referenced; `removed` when the entries
found were withdrawn; `candidate` when only candidatures match; `not_found`
with close names suggested (typos, a missing, extra or swapped letter).
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from catalogue.french import french_date, paris_day
from catalogue.history import dispositifs_compatible
from catalogue.pages import CANDIDATE, SOLUTION, TABLES, entry_path
from catalogue.story import by_version, replacements
from catalogue.versions import same_version, version_sort_key
from scraper.normalize import clean_text, compact_key, fold, loose_key
from scraper.vocabulary import resolve_dispositif

REFERENCED = "referenced"
VERSION_NOT_REFERENCED = "version_not_referenced"
REMOVED = "removed"
CANDIDATE_VERDICT = "candidate"
NOT_FOUND = "not_found"
VERDICTS = (REFERENCED, VERSION_NOT_REFERENCED, REMOVED, CANDIDATE_VERDICT, NOT_FOUND)

# Entry statuses, in the order answers list them.
STATUS_REFERENCED = "referenced"
STATUS_REMOVED = "removed"
STATUS_CANDIDATE = "candidate"
STATUS_FORMER_CANDIDATE = "former_candidate"
STATUS_ORDER = (STATUS_REFERENCED, STATUS_REMOVED, STATUS_CANDIDATE, STATUS_FORMER_CANDIDATE)
STATUS_LABELS = {
    STATUS_REFERENCED: "référencée",
    STATUS_REMOVED: "retirée de la liste",
    STATUS_CANDIDATE: "candidate au référencement",
    STATUS_FORMER_CANDIDATE: "ancienne candidature",
}

# name_terms.kind
KIND_NAME, KIND_WORD, KIND_PAIR = 0, 1, 2
# Match ranks
RANK_EXACT, RANK_START, RANK_WORD = 0, 1, 2
RANK_NAMES = {RANK_EXACT: "exact", RANK_START: "prefix", RANK_WORD: "word"}

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200  # characters typed; names are far shorter
MAX_MATCHES = 50  # entries listed in one answer (more: "précisez le nom")
MAX_NAMED = 5  # names quoted in one sentence
MAX_SUGGESTIONS = 5
MIN_WORD_TERM = 3
SUGGESTION_RATIO = 0.75
_VERSION_TOKEN = re.compile(r"^(?:v|version)?\s*\d[\w.\-/]*$", re.IGNORECASE)


class LookupRefused(Exception):
    """The question cannot be asked (message for people, in French, one line)."""


# ---------------------------------------------------------------- the index


def name_terms(
    editor: str | None, solution: str | None, reference_number: str | None = None
) -> dict[str, int]:
    """Every compact form under which an entry may be looked up, with its kind.

    "Maison & Soins" gives "maisonetsoins" (kind 0, the whole name), "etsoins"
    and "soins" (kind 1, from a later word on); editor and solution together
    give kind 2 ("kalisildedalus", "dedaluskalisil"); the referencing number
    kind 0.
    """
    terms: dict[str, int] = {}

    def add(term: str, kind: int) -> None:
        if term and kind < terms.get(term, KIND_PAIR + 1):
            terms[term] = kind

    for name in (editor, solution):
        words = loose_key(name).split()
        for start in range(len(words)):
            add("".join(words[start:]), KIND_NAME if start == 0 else KIND_WORD)
    editor_key, solution_key = compact_key(editor), compact_key(solution)
    if editor_key and solution_key:
        add(editor_key + solution_key, KIND_PAIR)
        add(solution_key + editor_key, KIND_PAIR)
    add(compact_key(reference_number), KIND_NAME)
    return terms


# (entity, table, the column of its referencing number)
INDEXED = ((SOLUTION, TABLES[SOLUTION], "reference_number"), (CANDIDATE, TABLES[CANDIDATE], "NULL"))
WITHDRAWN = {"solutions": "status = 'removed'", "candidates": "removed_run IS NOT NULL"}


def refresh_name_terms(db) -> None:
    """Fill `name_terms` anew from the entries (`db`: a sqlite-utils Database or
    a sqlite3 connection). Runs inside the caller's transaction."""
    conn = getattr(db, "conn", db)
    conn.execute("DELETE FROM name_terms")
    for entity, table, number in INDEXED:
        rows = conn.execute(
            f"SELECT key, editor, solution, {number}, {WITHDRAWN[table]} FROM [{table}]"
        ).fetchall()
        conn.executemany(
            "INSERT INTO name_terms (term, kind, entity, key, withdrawn) VALUES (?, ?, ?, ?, ?)",
            (
                (term, kind, entity, key, int(bool(withdrawn)))
                for key, editor, solution, reference, withdrawn in rows
                for term, kind in name_terms(editor, solution, reference).items()
            ),
        )


# ---------------------------------------------------------------- matches


@dataclass
class Match:
    """One solution version or candidature found for a name."""

    entity: str  # SOLUTION | CANDIDATE
    rank: int  # RANK_EXACT | RANK_START | RANK_WORD
    row: dict[str, Any]
    replaced_by: list[str] = field(default_factory=list)  # referenced later versions

    status: str = field(init=False)  # STATUS_REFERENCED, STATUS_REMOVED, STATUS_CANDIDATE…

    def __post_init__(self) -> None:
        if self.entity == SOLUTION:
            withdrawn = self.row["status"] == "removed"
            self.status = STATUS_REMOVED if withdrawn else STATUS_REFERENCED
        else:
            withdrawn = bool(self.row.get("removed_run"))
            self.status = STATUS_FORMER_CANDIDATE if withdrawn else STATUS_CANDIDATE

    @property
    def product(self) -> str:
        return self.row.get("product_key") or f"{self.entity}:{self.row['key']}"

    @property
    def removed_on(self) -> str | None:
        return paris_day(self.row.get("removed_at"))

    @property
    def path(self) -> str | None:
        page = self.row.get("page_id")
        return entry_path(self.entity, page) if page else None

    def sort_key(self) -> tuple:
        return (
            self.rank,
            STATUS_ORDER.index(self.status),
            (self.row.get("solution") or "").casefold(),
            (self.row.get("editor") or "").casefold(),
            self.product,
            version_sort_key(self.row.get("version")),
            self.row["key"],
        )

    def name(self, *, with_version: bool = True) -> str:
        """ "Kalisil 4.0 (Dedalus)"."""
        solution = _text(self.row.get("solution"))
        version = _text(self.row.get("version")) if with_version else ""
        editor = _text(self.row.get("editor"))
        named = f"{solution} {version}".strip()
        return f"{named} ({editor})" if editor else named

    def where(self) -> str:
        """ "dispositif SGL (Biologie médicale, vague 1)"."""
        dispositif = _text(self.row.get("dispositif"))
        details = [_text(self.row.get("couloir"))]
        if self.row.get("vague") is not None:
            details.append(f"vague {self.row['vague']}")
        details = [each for each in details if each]
        text = f"dispositif {dispositif}" if dispositif else "dispositif non précisé"
        return f"{text} ({', '.join(details)})" if details else text

    def describe(self) -> str:
        """What this entry is, in French: "référencée depuis le 12 septembre 2023"."""
        status = self.status
        if status == STATUS_REFERENCED:
            date = self.row.get("referenced_on")
            return f"référencée depuis le {french_date(date)}" if date else "référencée"
        if status == STATUS_REMOVED:
            text = "retirée de la liste"
            if self.removed_on:
                text += f" le {french_date(self.removed_on)}"
            if self.replaced_by:
                text += f" (remplacée par {_versions(self.replaced_by)})"
            return text
        details = _candidature_details(self.row)
        if status == STATUS_CANDIDATE:
            return "candidate au référencement" + (f" ({details})" if details else "")
        text = "a figuré parmi les candidats au référencement"
        if details:
            text += f" ({details})"
        if self.removed_on:
            text += (
                f", n'est plus sur la liste des candidats depuis le {french_date(self.removed_on)}"
            )
        return text


def _candidature_details(row: dict[str, Any]) -> str:
    parts = []
    if row.get("status"):
        parts.append(_text(row["status"]))
    if row.get("applied_on"):
        parts.append(f"dossier déposé le {french_date(row['applied_on'])}")
    return ", ".join(parts)


# Ranked and cut from the index alone (rank, withdrawn, key), then only the kept
# entries are read: a short name matching thousands of entries costs little more
# than one matching a few.
_MATCHES_SQL = """
WITH hits AS (
    SELECT key,
        min(CASE WHEN kind = 1 THEN 2 WHEN term = :q THEN 0 ELSE 1 END) AS rank,
        max(withdrawn) AS withdrawn
    FROM name_terms
    WHERE term >= :q AND term < :q || '~' AND entity = :entity
    GROUP BY key
), kept AS (
    SELECT key, rank, count(*) OVER () AS total
    FROM hits
    ORDER BY rank, withdrawn, key
    LIMIT :limit
)
SELECT kept.rank AS _rank, kept.total AS _total, t.*, r.started_at AS removed_at
FROM kept
JOIN [{table}] t ON t.key = kept.key
LEFT JOIN runs r ON r.id = t.removed_run
"""


def find_matches(conn: sqlite3.Connection, query: str) -> tuple[list[Match], int]:
    """The entries a compact query starts a word of, best first (at most
    MAX_MATCHES), and how many there are in all."""
    matches, total = [], 0
    for entity, table, _ in INDEXED:
        cursor = conn.execute(
            _MATCHES_SQL.format(table=table),
            {"q": query, "entity": entity, "limit": MAX_MATCHES},
        )
        columns = [description[0] for description in cursor.description]
        table_total = 0  # every row carries the count of all the entries found
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            table_total = row.pop("_total")
            matches.append(Match(entity, row.pop("_rank"), row))
        total += table_total
    _link_replacements(conn, matches)
    return sorted(matches, key=Match.sort_key)[:MAX_MATCHES], total


_ADDED_CHANGES_SQL = """
SELECT key, kind, replaces FROM changes
WHERE entity = 'solution' AND kind = 'added' AND key IN (SELECT value FROM json_each(:keys))
"""


def _link_replacements(conn: sqlite3.Connection, matches: list[Match]) -> None:
    """Each withdrawn version gets what replaced it, by the rule of its page
    (`story.replacements`: the version added in its place, else the later
    versions of its product still referenced)."""
    if not any(match.status == STATUS_REMOVED for match in matches):
        return
    by_product: dict[str, list[Match]] = defaultdict(list)
    for match in matches:
        if match.entity == SOLUTION:
            by_product[match.product].append(match)
    keys = [m.row["key"] for versions in by_product.values() if len(versions) > 1 for m in versions]
    added = [
        dict(zip(("key", "kind", "replaces"), row, strict=True))
        for row in conn.execute(_ADDED_CHANGES_SQL, {"keys": json.dumps(keys)})
    ]
    for versions in by_product.values():
        rows = [m.row for m in versions]
        for match in versions:
            if match.status == STATUS_REMOVED:
                replacing = replacements(match.row, rows, added)
                match.replaced_by = [row["version"] for row in by_version(replacing)]


# ---------------------------------------------------------------- the answer


@dataclass
class Answer:
    name: str
    version: str | None
    dispositif: str | None
    verdict: str
    message: str
    matches: list[Match] = field(default_factory=list)
    total: int = 0  # matches found, of which at most MAX_MATCHES are kept
    suggestions: list[str] = field(default_factory=list)
    other_dispositifs: list[str] = field(default_factory=list)

    @property
    def referenced(self) -> bool:
        return self.verdict == REFERENCED


def lookup(
    conn: sqlite3.Connection,
    name: str | None,
    *,
    version: str | None = None,
    dispositif: str | None = None,
    suggester: Callable[[], Suggester] | None = None,
) -> Answer:
    """The answer for a name (and optionally a version and a dispositif).

    Raises `LookupRefused` (French, one line) for a name that cannot be looked up.
    `suggester` gives the `Suggester` of this catalogue (built from it when None).
    """
    shown_name = clean_text(name)
    query = name_query(name)
    version = clean_text(version) or None
    if version is not None and len(version) > MAX_QUERY_LENGTH:
        raise LookupRefused(f"version trop longue (au plus {MAX_QUERY_LENGTH} caractères)")
    wanted = dispositif_matcher(dispositif)
    found, total = find_matches(conn, query)
    if not found and version is None:
        split = split_version(shown_name)
        if split is not None:
            found, total = find_matches(conn, compact_key(split[0]))
            if found:
                shown_name, version = split
    kept = [match for match in found if wanted(match.row.get("dispositif"))]
    answer = Answer(shown_name, version, clean_text(dispositif) or None, NOT_FOUND, "")
    answer.matches = kept
    answer.total = total if len(kept) == len(found) else len(kept)
    if not found:
        make = suggester or (lambda: Suggester.from_connection(conn))
        answer.suggestions = make().suggest(query)
    elif not kept:
        answer.other_dispositifs = sorted(
            {_text(m.row.get("dispositif")) for m in found if m.row.get("dispositif")}, key=fold
        )
    answer.verdict, answer.message = _verdict(answer, kept)
    return answer


def name_query(name: str | None) -> str:
    """The compact form a typed name is looked up under ("Net Soins" -> "netsoins").

    Raises `LookupRefused` (French, one line) for a name too long, or too short
    once case, accents, spaces and punctuation are set aside.
    """
    shown_name = clean_text(name)
    query = compact_key(name)
    if len(shown_name) > MAX_QUERY_LENGTH:
        raise LookupRefused(f"nom trop long (au plus {MAX_QUERY_LENGTH} caractères)")
    if len(query) < MIN_QUERY_LENGTH:
        raise LookupRefused(
            f"nom à chercher trop court ou illisible : « {shown_name} » "
            f"(au moins {MIN_QUERY_LENGTH} lettres ou chiffres)"
        )
    return query


def name_matches(query: str, editor: str | None, solution: str | None) -> bool:
    """Whether a look-up of `query` (a `name_query`) finds an entry of these names:
    the rule of `name_terms`, for entries held in memory (the alerts)."""
    return any(term.startswith(query) for term in name_terms(editor, solution))


_NAMED_SQL = """
SELECT DISTINCT entity, key FROM name_terms WHERE term >= :q AND term < :q || '~'
"""


def named_entries(conn: sqlite3.Connection, query: str) -> list[tuple[str, str]]:
    """(entity, key) of every entry a look-up of `query` (a `name_query`) finds,
    withdrawn ones included, unranked and uncut (the feed of a name)."""
    return [(entity, key) for entity, key in conn.execute(_NAMED_SQL, {"q": query})]


def split_version(name: str) -> tuple[str, str] | None:
    """ "netsoins 2.1" -> ("netsoins", "2.1"): a version typed after the name."""
    words = name.split()
    if len(words) >= 3 and words[-2].casefold() in ("v", "version") and words[-1][:1].isdigit():
        return " ".join(words[:-2]), words[-1]
    if len(words) >= 2 and _VERSION_TOKEN.match(words[-1]):
        return " ".join(words[:-1]), words[-1]
    return None


def dispositif_matcher(text: str | None) -> Callable[[str | None], bool]:
    """A test on stored dispositifs (everything when `text` is empty); a
    dispositif covers its domains ("DUI" finds "DUI MS1 PA/PH/DOM")."""
    if not clean_text(text):
        return lambda stored: True
    resolved = resolve_dispositif(text)
    if resolved is not None:
        return lambda stored: dispositifs_compatible(resolved.name, stored)
    wanted = loose_key(text)
    if not wanted:
        raise LookupRefused(f"dispositif illisible : « {clean_text(text)} »")
    return lambda stored: bool(stored) and wanted in loose_key(stored)


def _verdict(answer: Answer, matches: list[Match]) -> tuple[str, str]:
    if not matches:
        return NOT_FOUND, _not_found_message(answer)
    best_rank = min(match.rank for match in matches)
    best = [match for match in matches if match.rank == best_rank]
    others = [match for match in matches if match.rank != best_rank]
    version = answer.version
    referenced = [m for m in best if m.status == STATUS_REFERENCED]
    removed = [m for m in best if m.status == STATUS_REMOVED]
    candidates = [m for m in best if m.status in (STATUS_CANDIDATE, STATUS_FORMER_CANDIDATE)]
    if version is not None:
        same = [m for m in referenced if same_version(m.row.get("version"), version)]
        if same:
            return REFERENCED, _referenced_message(answer, same)
        same_removed = [m for m in removed if same_version(m.row.get("version"), version)]
        if same_removed:
            return REMOVED, _removed_message(same_removed) + _see_also(others)
        if referenced:
            return VERSION_NOT_REFERENCED, _other_versions_message(version, referenced)
    elif referenced:
        return REFERENCED, _referenced_message(answer, referenced)
    if removed:
        text = _removed_message(removed)
        if version is not None:
            text = f"Non — la version {version} n'est pas référencée ; {text[len('Non — ') :]}"
        return REMOVED, text + _see_also(others)
    return CANDIDATE_VERDICT, _candidate_message(candidates, version) + _see_also(others)


def _referenced_message(answer: Answer, referenced: list[Match]) -> str:
    products = _by_product(referenced)
    if len(products) > 1:
        named = [_product_summary(versions) for versions in products]
        return (
            f"Oui — {len(products)} solutions correspondant à « {answer.name} » sont "
            f"référencées Ségur : {_listing(named)}."
        )
    versions = products[0]
    first = versions[0]
    if len(versions) == 1:
        date = first.row.get("referenced_on")
        since = f" depuis le {french_date(date)}" if date else ""
        return f"Oui — {first.name()} est référencée Ségur pour le {first.where()}{since}."
    listed = ", ".join(_version_since(match) for match in versions)
    return (
        f"Oui — {first.name(with_version=False)} est référencée Ségur pour le "
        f"{first.where()} ; versions référencées : {listed}."
    )


def _version_since(match: Match) -> str:
    """ "4.0 (depuis le 12 septembre 2023)"."""
    version = _text(match.row.get("version"))
    date = match.row.get("referenced_on")
    return f"{version} (depuis le {french_date(date)})" if date else version


def _product_summary(versions: list[Match]) -> str:
    """ "Kalisil 4.0, 4.1 (Dedalus, SGL)"."""
    latest = versions[-1].row
    numbers = _versions(m.row.get("version") for m in versions)
    dispositif = _text(latest.get("dispositif")) or "dispositif non précisé"
    return (
        f"{_text(latest.get('solution'))} {numbers} ({_text(latest.get('editor'))}, {dispositif})"
    )


def _other_versions_message(version: str, referenced: list[Match]) -> str:
    products = _by_product(referenced)
    if len(products) == 1:
        named = f"de {products[0][0].name(with_version=False)} "
        listed = _versions(m.row.get("version") for m in products[0])
    else:
        named = ""
        listed = _listing([_product_summary(versions) for versions in products])
    return (
        f"Non — la version {version} {named}n'est pas référencée ; versions référencées : {listed}."
    )


def _removed_message(removed: list[Match]) -> str:
    newest_first = sorted(
        removed, key=lambda m: version_sort_key(m.row.get("version")), reverse=True
    )
    if len(newest_first) == 1:
        match = newest_first[0]
        verb = "a été " + match.describe()
        return f"Non — {match.name()} {verb}."
    parts = [f"{m.name()} : {m.describe()}" for m in newest_first[:MAX_NAMED]]
    more = len(newest_first) - MAX_NAMED
    tail = f" ; et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
    return f"Non — aucune de ces versions n'est plus référencée : {' ; '.join(parts)}{tail}."


def _candidate_message(candidates: list[Match], version: str | None) -> str:
    listed = [m for m in candidates if m.status == STATUS_CANDIDATE]
    shown = listed or candidates
    prefix = f"Non — la version {version} n'est pas référencée ; " if version else "Non — "
    if len(shown) == 1:
        match = shown[0]
        if match.status == STATUS_CANDIDATE:
            return f"{prefix}{match.name()} est {match.describe()}."
        return f"{prefix}{match.name()} {match.describe()}."
    names = [m.name() for m in shown]
    if listed:
        return (
            f"{prefix}{len(shown)} candidatures au référencement correspondent, aucune n'est "
            f"référencée : {_listing(names)}."
        )
    return f"{prefix}{len(shown)} anciennes candidatures correspondent : {_listing(names)}."


def _see_also(others: list[Match]) -> str:
    referenced = _by_product([m for m in others if m.status == STATUS_REFERENCED])
    if not referenced:
        return ""
    names = [v[0].name(with_version=False) for v in referenced]
    return f" D'autres logiciels au nom proche sont référencés : {_listing(names)}."


def _not_found_message(answer: Answer) -> str:
    if answer.other_dispositifs:
        return (
            f"Non — rien pour le dispositif {answer.dispositif} ; « {answer.name} » figure pour : "
            f"{', '.join(answer.other_dispositifs)}."
        )
    if answer.suggestions:
        return (
            f"Non — aucun logiciel ne s'appelle « {answer.name} ». "
            f"Vouliez-vous dire : {', '.join(answer.suggestions)} ?"
        )
    return (
        f"Non — aucun logiciel ni éditeur ne s'appelle « {answer.name} » parmi les solutions "
        "référencées Ségur et les candidatures publiées par l'ANS."
    )


def _by_product(matches: list[Match]) -> list[list[Match]]:
    """Matches grouped by product (first-seen order), versions in natural order."""
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.product, []).append(match)
    return [
        sorted(versions, key=lambda m: version_sort_key(m.row.get("version")))
        for versions in grouped.values()
    ]


def _versions(versions: Iterable[str | None]) -> str:
    return ", ".join(_text(v) for v in versions if v)


def _listing(names: list[str]) -> str:
    shown = names[:MAX_NAMED]
    more = len(names) - len(shown)
    text = ", ".join(shown)
    return f"{text} et {more} autre{'s' if more > 1 else ''}" if more > 0 else text


def _text(value: object) -> str:
    return clean_text(str(value)) if value is not None else ""


# ---------------------------------------------------------------- suggestions


class Suggester:
    """Close names for a query that matched nothing: one letter missing, extra,
    wrong or swapped (Damerau distance 1), else a close spelling (difflib)."""

    def __init__(self, names: Iterable[str]):
        self._names: dict[str, set[str]] = defaultdict(set)
        for name in names:
            if not compact_key(name):
                continue
            words = loose_key(name).split()
            self._names[compact_key(name)].add(name)
            for size in (1, 2):
                for start in range(len(words) - size + 1):
                    if len(words[start]) < MIN_WORD_TERM:
                        # "et soins" must not make "etsoins", one letter from "netsoins".
                        continue
                    term = "".join(words[start : start + size])
                    self._names[term].add(name)
        self._by_length: dict[tuple[int, str], list[str]] = defaultdict(list)
        self._by_second: dict[tuple[int, str], list[str]] = defaultdict(list)
        for term in self._names:
            self._by_length[len(term), term[0]].append(term)
            self._by_second[len(term), term[1:2]].append(term)

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> Suggester:
        rows = conn.execute(
            "SELECT editor FROM solutions UNION SELECT solution FROM solutions "
            "UNION SELECT editor FROM candidates UNION SELECT solution FROM candidates"
        ).fetchall()
        return cls(clean_text(row[0]) for row in rows if row[0])

    def suggest(self, query: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Names close to `query` (a compact key), closest first."""
        close = self._one_edit_away(query)
        if not close and len(query) >= 4:
            close = self._similar(query)
        found: list[str] = []
        for term in sorted(close, key=lambda t: (-_similarity(query, t), t)):
            for name in sorted(self._names[term], key=lambda n: (compact_key(n) != term, fold(n))):
                if name not in found:
                    found.append(name)
        return found[:limit]

    def _one_edit_away(self, query: str) -> list[str]:
        """Terms one edit away: same first letter, or the first letter is the edit."""
        size = len(query)
        firsts = {query[0]} | ({query[1]} if size > 1 else set())
        candidates = (
            self._by_length.get((length, first), ())
            for length in (size - 1, size, size + 1)
            for first in firsts
        )
        found = {term for group in candidates for term in group if within_one_edit(query, term)}
        if len(found) < MAX_SUGGESTIONS:  # a wrong first letter: the second one agrees
            found |= {
                term
                for length in (size - 1, size, size + 1)
                for term in self._by_second.get((length, query[1:2]), ())
                if within_one_edit(query, term)
            }
        return sorted(found)

    def _similar(self, query: str) -> list[str]:
        """Terms of about the same length and first letter that difflib finds close."""
        matcher = difflib.SequenceMatcher(b=query, autojunk=False)
        close = []
        for length in range(len(query) - 2, len(query) + 3):
            for term in self._by_length.get((length, query[0]), ()):
                matcher.set_seq1(term)
                if (
                    matcher.real_quick_ratio() >= SUGGESTION_RATIO
                    and matcher.quick_ratio() >= SUGGESTION_RATIO
                    and matcher.ratio() >= SUGGESTION_RATIO
                ):
                    close.append(term)
        return close


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def within_one_edit(a: str, b: str) -> bool:
    """Whether one letter added, removed, replaced, or two neighbours swapped,
    turns `a` into `b` (and not when they are equal)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    return (
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


# ---------------------------------------------------------------- output


def match_json(match: Match) -> dict[str, Any]:
    row = match.row
    return {
        "entity": match.entity,
        "editor": row.get("editor"),
        "solution": row.get("solution"),
        "version": row.get("version"),
        "couloir": row.get("couloir"),
        "dispositif": row.get("dispositif"),
        "vague": row.get("vague"),
        "referenced_on": row.get("referenced_on"),
        "reference_number": row.get("reference_number"),
        "status": match.status,
        "status_label": STATUS_LABELS[match.status],
        "description": match.describe(),
        "removed_on": match.removed_on,
        "replaced_by": match.replaced_by,
        "applied_on": row.get("applied_on"),
        "candidature_status": row.get("status") if match.entity == CANDIDATE else None,
        "match": RANK_NAMES[match.rank],
        "url": match.path,
    }


def answer_json(answer: Answer, url: Callable[[str], str] = lambda path: path) -> dict[str, Any]:
    """The answer for scripts; `url` turns page paths into the URLs to publish."""
    matches = []
    for match in answer.matches:
        data = match_json(match)
        data["url"] = url(data["url"]) if data["url"] else None
        matches.append(data)
    return {
        "verdict": answer.verdict,
        "message": answer.message,
        "query": {"nom": answer.name, "version": answer.version, "dispositif": answer.dispositif},
        "matches": matches,
        "total": answer.total,
        "suggestions": answer.suggestions,
        "other_dispositifs": answer.other_dispositifs,
    }


def render_text(answer: Answer) -> str:
    """The answer for people in a terminal: the sentence, then each entry found."""
    lines = [answer.message]
    if answer.matches:
        lines.append("")
    for match in answer.matches:
        mark = "✔" if match.status == STATUS_REFERENCED else "✘"
        lines.append(f"{mark} {match.name()} — {match.where()} : {match.describe()}")
    if answer.total > len(answer.matches):
        lines.append(f"… et {answer.total - len(answer.matches)} autres entrées.")
    return "\n".join(lines) + "\n"
