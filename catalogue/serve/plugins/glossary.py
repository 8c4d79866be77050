"""Datasette plugin: `/glossaire`, what each couloir and dispositif is (catalogue/glossary.py),
with the number of solutions referenced today for each and a link to them; the DUI gets a
link to all its domains at once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from datasette import Response, hookimpl

from catalogue.glossary import CouloirSection, Term, glossary
from catalogue.serve.plugins.pages import VIEW, only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME
from scraper.vocabulary import within_dispositif

PATH = "/glossaire"
REFERENCED_BY_DISPOSITIF = (
    "SELECT dispositif, count(*) FROM solutions WHERE status = 'referenced' GROUP BY dispositif"
)


@hookimpl
def register_routes(datasette):
    return [(r"^/glossaire$", glossary_page)]


@dataclass(frozen=True)
class Listed:
    """A term of the glossary with what the catalogue holds of it today."""

    term: Term
    referenced: int
    url: str
    domains: tuple[Listed, ...] = ()


def table_filter(term: Term) -> dict[str, str]:
    """The table filter that shows a term's solutions: a dispositif with domains by its
    name's start ("DUI…"), a domain by its own part ("MS2 PDE"), since one stored value
    may name a dispositif with several domains ("DUI MS1 PA/PH/DOM + MS2 PDE")."""
    if term.domains:
        return {"dispositif__startswith": term.dispositif.name}
    if term.dispositif.family:
        return {"dispositif__contains": _domain_part(term)}
    return {"dispositif__exact": term.dispositif.name}


def _domain_part(term: Term) -> str:
    return term.dispositif.name.removeprefix(term.dispositif.family or "").strip()


def listed(term: Term, counts: Counter, view_url: str) -> Listed:
    return Listed(
        term,
        sum(
            count
            for stored, count in counts.items()
            if within_dispositif(stored, term.dispositif.name)
        ),
        f"{view_url}?{urlencode(table_filter(term))}",
        tuple(listed(domain, counts, view_url) for domain in term.domains),
    )


@only_for_the_catalogue
async def glossary_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    counts = Counter(dict((await db.execute(REFERENCED_BY_DISPOSITIF)).rows))
    view_url = datasette.urls.table(DATABASE_NAME, VIEW)
    sections: list[tuple[CouloirSection, tuple[Listed, ...]]] = [
        (section, tuple(listed(term, counts, view_url) for term in section.terms))
        for section in glossary()
    ]
    return Response.html(
        await datasette.render_template(
            "segur_glossaire.html", {"sections": sections}, request=request
        )
    )
