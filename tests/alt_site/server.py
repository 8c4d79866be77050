"""Serve an alternative rendering with the replica's data, faults and HTTP machinery.

`AltServer` is a `ReplicaServer` whose site is an `AltSite`: the handler, the fault budget, the
request log, `set_state` and the lifecycle are the replica's own; only the pages differ. It
plugs in through `ReplicaServer.make_site(state)`, the one place the replica builds its site.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from replica.dataset import Dataset, build_dataset
from replica.server import ReplicaServer
from replica.site import Page
from scraper.items import SolutionRecord

from .common import (
    COULOIRS,
    DISPOSITIF_TEXTS,
    LISTING_PATH,
    NEWS_PATH,
    FacetLink,
    ListingView,
    Rendering,
)


@lru_cache(maxsize=8)
def dataset(state: int, scale: int | None = None) -> Dataset:
    return build_dataset(state=state, scale=scale)


def truth_solutions(rendering: Rendering, state: int, scale: int | None = None):
    """The referenced solutions `rendering` publishes in `state`: what a sync must store."""
    return rendering.select(dataset(state, scale).solutions)


class AltSite:
    """Routing for one rendering and one data state: request target in, `Page` out."""

    def __init__(self, rendering: Rendering, data: Dataset) -> None:
        self.rendering = rendering
        self.dataset = data
        self.solutions = rendering.select(data.solutions)
        self.articles = {article.slug: article for article in data.news}
        self.dispositif_by_value = {
            rendering.dispositif_value(text.name): text.name for text in DISPOSITIF_TEXTS
        }
        self.couloir_by_value = {rendering.couloir_value(name): name for name in COULOIRS}
        self.vague_by_value = {rendering.vague_value(vague): vague for vague in (1, 2)}

    def respond(self, target: str) -> Page:
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/robots.txt":
            return Page(200, self.rendering.robots_txt(), "text/plain; charset=UTF-8")
        lang = "fr"
        if path == "/en" or path.startswith("/en/"):
            lang, path = "en", path[3:] or "/"
        if len(path) > 1:
            path = path.rstrip("/")
        params = parse_qsl(parts.query, keep_blank_values=True)
        rendering = self.rendering
        if path == "/":
            return Page(200, rendering.home_page(lang), language=lang)
        if path == LISTING_PATH:
            return Page(200, rendering.listing_page(self.listing(lang, params)), language=lang)
        if path == NEWS_PATH:
            return Page(200, rendering.news_page(self.news(lang, params)), language=lang)
        slug = path[len(NEWS_PATH) + 1 :] if path.startswith(NEWS_PATH + "/") else None
        if slug in self.articles:
            return Page(200, rendering.article_page(self.articles[slug], lang), language=lang)
        return Page(404, rendering.not_found_page(lang), language=lang)

    # ------------------------------------------------------------ listings

    def listing(self, lang: str, params: list[tuple[str, str]]) -> ListingView:
        dispositif = couloir = vague = None
        rows = self.solutions
        for name, value in params:
            if not (name.startswith("f[") and name.endswith("]")):
                continue
            field, _, facet_value = value.partition(":")
            if field == "dsr_solutions":
                dispositif = self.dispositif_by_value.get(facet_value, "?")
                rows = [r for r in rows if r.dispositif == dispositif]
            elif field == "couloir":
                couloir = self.couloir_by_value.get(facet_value, "?")
                rows = [r for r in rows if r.couloir == couloir]
            elif field == "vague":
                vague = self.vague_by_value.get(facet_value, 0)
                rows = [r for r in rows if r.vague == vague]
        size = self.rendering.listing_page_size(dispositif, couloir)
        page = page_number(params)
        kept = tuple((n, v) for n, v in params if n != "page")
        return ListingView(
            lang=lang,
            path=LISTING_PATH,
            params=kept,
            page=page,
            page_size=size,
            total=len(rows),
            rows=tuple(rows[page * size : (page + 1) * size]),
            dispositif_facets=self.facets("dsr_solutions", dispositif, vague),
            couloir_facets=self.facets("couloir", couloir),
            vague_facets=self.vague_facets(vague),
            active_dispositif=dispositif,
            active_couloir=couloir,
            active_vague=vague,
        )

    def facets(
        self, field: str, active: str | None, vague: int | None = None
    ) -> tuple[FacetLink, ...]:
        """Facet links, most rows first (Drupal's default). Counts are over the whole listing,
        or over one vague when a vague facet is active (the links then keep it)."""
        if field == "dsr_solutions":
            names = [text.name for text in DISPOSITIF_TEXTS]
            rows = [r for r in self.solutions if vague is None or r.vague == vague]
            count = _counter(rows, "dispositif")
            value = self.rendering.dispositif_value
        else:
            names, count = list(COULOIRS), _counter(self.solutions, "couloir")
            value = self.rendering.couloir_value
        shown = [n for n in names if count.get(n) or self.rendering.shows_empty_facets()]
        shown.sort(key=lambda n: (-count.get(n, 0), names.index(n)))
        return tuple(FacetLink(field, value(n), n, count.get(n, 0), n == active) for n in shown)

    def vague_facets(self, active: int | None) -> tuple[FacetLink, ...]:
        if not self.rendering.offers_vague_facet:
            return ()
        count = _counter(self.solutions, "vague")
        return tuple(
            FacetLink("vague", self.rendering.vague_value(v), str(v), count[v], v == active)
            for v in sorted(count)
        )

    def news(self, lang: str, params: list[tuple[str, str]]) -> ListingView:
        size = self.rendering.news_page_size
        page = page_number(params)
        news = self.dataset.news
        return ListingView(
            lang=lang,
            path=NEWS_PATH,
            params=tuple((n, v) for n, v in params if n != "page"),
            page=page,
            page_size=size,
            total=len(news),
            rows=tuple(news[page * size : (page + 1) * size]),
        )


def _counter(rows: list[SolutionRecord], field: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[getattr(row, field)] = counts.get(getattr(row, field), 0) + 1
    return counts


def page_number(params: list[tuple[str, str]]) -> int:
    value = dict(params).get("page", "0").strip()
    return int(value) if value.isascii() and value.isdigit() else 0


class AltServer(ReplicaServer):
    """The replica's server, serving `rendering` (which can be swapped while it runs)."""

    def __init__(self, rendering: Rendering, state: int = 1, scale: int | None = None, faults=()):
        self.alt_rendering = rendering
        super().__init__(state=state, scale=scale, faults=faults)

    def make_site(self, state: int) -> AltSite:
        return AltSite(self.alt_rendering, dataset(state, self.scale))

    def set_rendering(self, rendering: Rendering) -> None:
        """Serve `rendering` from the next request on (the markup changed without notice)."""
        self.alt_rendering = rendering
        self.set_state(self.state)
