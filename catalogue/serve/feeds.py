"""The feeds: which exist, and what each is called.

One feed per selection: every couloir, one couloir, one dispositif with its
domains ("DUI" holds "DUI MS1 PA/PH/DOM"), or one domain. Its rows are those of
the canned query `flux_nouvelles_solutions` (metadata.yml): newly referenced
solutions. Its address, title and permanent id come from `Selection`:

    Selection.read("hopital", "")   -> /catalogue/flux_nouvelles_solutions.atom?couloir=hopital
                                       "Nouvelles solutions référencées Ségur — couloir Hôpital"
                                       tag:segur-catalogue,2024:flux/nouvelles-solutions/couloir/hopital

A selection may also name a software or an editor (`?nom=`, found as /verifier
finds it): that feed holds every change of the entries the name finds, withdrawals
and field changes included (catalogue/serve/name_feed.py), within the couloir
and dispositif chosen with it, if any.

`feeds_by_couloir` lists the feeds the catalogue's couloirs and dispositifs call
for, as the page /flux shows them. Nothing here knows about Datasette.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from catalogue.lookup import LookupRefused, name_query
from catalogue.serve.served import DATABASE_NAME
from scraper.normalize import clean_text, compact_key, fold, loose_key
from scraper.vocabulary import (
    BY_NAME,
    COULOIRS,
    DISPOSITIFS,
    dispositif_level,
    domains_of,
    resolve_dispositif,
    within_dispositif,
)

FEED_QUERY = "flux_nouvelles_solutions"
FEED_PATH = f"/{DATABASE_NAME}/{FEED_QUERY}.atom"
PAGE_PATH = "/flux"
FEED_TITLE = "Nouvelles solutions référencées Ségur"
FEED_SUBTITLE = (
    "Chaque solution nouvellement référencée Ségur par l'Agence du Numérique en Santé"
    " (nouveau logiciel, nouvelle version, retour sur la liste), relevée lors de la"
    " synchronisation de chaque nuit ; les 100 plus récentes. La liste de l'ANS fait foi."
)
FEED_ID = "tag:segur-catalogue,2024:flux/nouvelles-solutions"
NAME_FEED_TITLE = "Référencement Ségur"
NAME_FEED_SUBTITLE = (
    "Tout ce qui arrive aux logiciels et aux éditeurs dont un mot commence par « {name} »"
    " (recherche de la page « Mon logiciel est-il référencé ? ») : nouvelles solutions et"
    " versions référencées, retraits de la liste, modifications, candidatures ; relevé lors de"
    " la synchronisation de chaque nuit, les 100 changements les plus récents. La liste de"
    " l'ANS fait foi."
)
NAME_FEED_ID = "tag:segur-catalogue,2024:flux/changements"
AUTHOR = "Catalogue Ségur"
MAX_CHOICE_LENGTH = 100
# The people each domain of the DUI is for, in the words of the medico-social sector.
DOMAIN_AUDIENCES = {
    "DUI MS1 PA/PH/DOM": "personnes âgées, personnes handicapées, domicile",
    "DUI MS2 PDE": "protection de l'enfance",
    "DUI MS2 PDS": "personnes en difficulté spécifique",
    "DUI MS3 AHI": "accueil, hébergement, insertion",
    "DUI MS3 PJM": "protection juridique des majeurs",
}
FAMILIES = frozenset(d.family for d in DISPOSITIFS if d.family)
_ORDER = {d.name: index for index, d in enumerate(DISPOSITIFS)}


class SelectionRefused(ValueError):
    """A feed cannot be chosen with these parameters (French message)."""


@dataclass(frozen=True)
class Selection:
    """Which changes a feed announces ("" for any): newly referenced solutions, or
    every change of the entries a name finds."""

    couloir: str = ""
    dispositif: str = ""
    name: str = ""  # as typed, cleaned; a look-up finds the entries it follows

    @classmethod
    def read(
        cls, couloir: str | None, dispositif: str | None, name: str | None = None
    ) -> Selection:
        """The selection a visitor's `?couloir=`, `?dispositif=` and `?nom=` name,
        under the catalogue's spelling when it knows the name ("hopital" -> "Hôpital")."""
        return cls(
            _canonical_couloir(_checked(couloir)),
            _canonical_dispositif(_checked(dispositif)),
            _followed_name(_checked(name)),
        )

    @property
    def path(self) -> str:
        """The feed's address on the site, with readable parameters."""
        chosen = {"nom": self.name, "couloir": self.couloir, "dispositif": self.dispositif}
        query = urlencode({key: slug(value) for key, value in chosen.items() if value})
        return f"{FEED_PATH}?{query}" if query else FEED_PATH

    @property
    def atom_id(self) -> str:
        parts = [NAME_FEED_ID, f"nom/{compact_key(self.name)}"] if self.name else [FEED_ID]
        if self.couloir:
            parts.append(f"couloir/{compact_key(self.couloir)}")
        if self.dispositif:
            parts.append(f"dispositif/{compact_key(self.dispositif)}")
        return "/".join(parts)

    @property
    def title(self) -> str:
        chosen = [
            f"{kind} {value}"
            for kind, value in (("couloir", self.couloir), ("dispositif", self.dispositif))
            if value
        ]
        if self.name:
            title = f"{NAME_FEED_TITLE} — tous les changements pour « {self.name} »"
            return f"{title} ({', '.join(chosen)})" if chosen else title
        return f"{FEED_TITLE} — {', '.join(chosen)}" if chosen else FEED_TITLE

    @property
    def subtitle(self) -> str:
        return NAME_FEED_SUBTITLE.format(name=self.name) if self.name else FEED_SUBTITLE

    def holds(self, element: dict[str, Any]) -> bool:
        """Whether a change of a report (catalogue/diff/build.py) is in this
        selection's couloir and dispositif; a candidature has no couloir."""
        couloir = element.get("couloir")
        return (not self.couloir or compact_key(couloir) == compact_key(self.couloir)) and (
            not self.dispositif or within_dispositif(element.get("dispositif"), self.dispositif)
        )


def slug(text: str) -> str:
    """A name as a readable URL parameter the feed's query reads as that name:
    "Social et médico-social" -> "social-et-medico-social"."""
    return "-".join(loose_key(text).split())


def _checked(text: str | None) -> str:
    text = clean_text(text)
    if len(text) > MAX_CHOICE_LENGTH:
        raise SelectionRefused(f"Nom trop long : au plus {MAX_CHOICE_LENGTH} caractères.")
    return text


def _followed_name(text: str) -> str:
    if not text:
        return ""
    try:
        name_query(text)
    except LookupRefused as refused:
        message = str(refused)
        raise SelectionRefused(f"{message[0].upper()}{message[1:]}.") from None
    return text


def _canonical_couloir(text: str) -> str:
    known = (name for name in COULOIRS if compact_key(name) == compact_key(text))
    return next(known, text) if text else ""


def _canonical_dispositif(text: str) -> str:
    resolved = resolve_dispositif(text) if text else None
    return resolved.name if resolved is not None else text


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class FeedLink:
    name: str  # "DUI MS1 PA/PH/DOM"
    description: str  # "personnes âgées, personnes handicapées, domicile"; may be ""
    path: str
    is_domain: bool = False


@dataclass(frozen=True)
class CouloirFeeds:
    couloir: str
    anchor: str  # the id of its section on /flux
    feed: FeedLink
    dispositifs: tuple[FeedLink, ...]


def feeds_by_couloir(held: Iterable[tuple[str | None, str | None]]) -> list[CouloirFeeds]:
    """The feeds of each couloir the catalogue holds, from its (couloir, dispositif)
    pairs: the couloir's, then each dispositif's, each DUI domain after the DUI."""
    names: dict[str, set[str]] = {}
    for couloir, dispositif in held:
        if not couloir:
            continue
        found = names.setdefault(couloir, set())
        if dispositif:
            found.add(dispositif_level(dispositif) or dispositif)
            found.update(domains_of(dispositif))
    return [
        CouloirFeeds(
            couloir=couloir,
            anchor=f"couloir-{slug(couloir)}",
            feed=FeedLink(f"Tout le couloir {couloir}", "", Selection(couloir=couloir).path),
            dispositifs=tuple(_dispositif_link(name) for name in sorted(found, key=_position)),
        )
        for couloir, found in sorted(names.items(), key=lambda item: fold(item[0]))
    ]


def _dispositif_link(name: str) -> FeedLink:
    path = Selection(dispositif=name).path
    known = BY_NAME.get(name)
    if known is None:
        return FeedLink(name, "", path)
    if known.family is not None:
        return FeedLink(name, DOMAIN_AUDIENCES.get(name, known.title), path, is_domain=True)
    if name in FAMILIES:
        return FeedLink(name, f"{known.title}, tous les domaines", path)
    return FeedLink(name, known.title if known.title != name else "", path)


def _position(name: str) -> tuple[int, int, int, str]:
    """Vocabulary order, a dispositif's domains right after it; unknown names last."""
    known = BY_NAME.get(name)
    if known is None:
        return (len(_ORDER), 0, 0, fold(name))
    if known.family is None:
        return (_ORDER[name], 0, 0, "")
    return (_ORDER[known.family], 1, _ORDER[name], "")
