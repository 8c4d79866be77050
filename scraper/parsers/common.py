"""DOM helpers shared by the parsers: reading text the way a reader sees it, and the
page-level facts every listing states (result line, pager, facet links, heading).

Nothing here looks at CSS classes or ids: only tags with a meaning (`br`, block
elements, `nav`, `form`, `th`...), link relations, query parameters and words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PageElement

from scraper.normalize import (
    clean_text,
    fold,
    parse_date,
    parse_result_count,
    split_trailing_count,
    straight_apostrophes,
)

# Never read: code, form controls, embedded objects, the document head.
SKIPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "select",
        "option",
        "optgroup",
        "datalist",
        "button",
        "textarea",
        "input",
        "head",
        "title",
        "meta",
        "link",
        "svg",
        "math",
        "iframe",
        "object",
        "canvas",
    }
)
# Elements a browser lays out on their own line(s).
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A value printed as one of these means "no value".
MISSING_MARKS = frozenset({"", "-", "--", "–", "—", "−", "‐", "‑"})

Skip = Callable[[Tag], bool]


def make_soup(html: str | bytes | None) -> BeautifulSoup:
    return BeautifulSoup(html or "", "lxml")


def is_text(node: PageElement) -> bool:
    """A plain text node (not a comment, CDATA, doctype or script body)."""
    return type(node) is NavigableString


def skipped(tag: Tag) -> bool:
    return tag.name in SKIPPED_TAGS


def iter_strings(node: Tag, skip: Skip = skipped) -> Iterator[NavigableString]:
    """The text nodes under `node` in document order, without skipped subtrees."""
    for child in node.children:
        if type(child) is NavigableString:
            yield child
        elif isinstance(child, Tag) and not skip(child):
            yield from iter_strings(child, skip)


def tags(root: Tag, *names: str) -> list[Tag]:
    """The elements under `root` named `names` (every element when none), in
    document order; much faster than bs4's generic `find_all` filters."""
    if not names:
        return [t for t in root.descendants if isinstance(t, Tag)]
    return [t for t in root.descendants if isinstance(t, Tag) and t.name in names]


def links(root: Tag, *names: str) -> list[Tag]:
    """The `<a href>` (or other `names`) elements under `root`."""
    return [t for t in tags(root, *(names or ("a",))) if t.get("href") is not None]


def inside(node: PageElement, name: str) -> bool:
    """Whether an ancestor of `node` is a `name` element."""
    return any(parent.name == name for parent in node.parents)


def has_text(node: PageElement, skip: Skip = skipped) -> bool:
    if isinstance(node, Tag):
        if skip(node):
            return False
        return any(s.strip() for s in iter_strings(node, skip))
    return is_text(node) and bool(node.strip())


def lines_of(
    nodes: Sequence[PageElement], skip: Skip = skipped, drop: set[int] | None = None
) -> list[str]:
    """The non-empty lines a reader sees in `nodes`: `<br>` and block elements
    break lines, inline elements do not. Each line is `clean_text`ed. `drop`: ids
    of text nodes to leave out."""
    if len(nodes) == 1 and drop is None and isinstance(nodes[0], Tag):
        only = nodes[0].contents
        if len(only) == 1 and type(only[0]) is NavigableString and not skip(nodes[0]):
            line = clean_text(only[0])  # the common case: an element holding plain text
            return [line] if line else []
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = clean_text("".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(node: PageElement) -> None:
        if type(node) is NavigableString:
            if drop is None or id(node) not in drop:
                current.append(node)
            return
        if not isinstance(node, Tag) or skip(node):
            return
        if node.name == "br":
            flush()
            return
        block = node.name in BLOCK_TAGS
        if block:
            flush()
        for child in node.children:
            walk(child)
        if block:
            flush()

    for node in nodes:
        walk(node)
    flush()
    return lines


def text_of(node: PageElement | None, skip: Skip = skipped) -> str:
    """The visible text of a node on one line."""
    if node is None:
        return ""
    return " ".join(lines_of([node], skip))


def raw_text(node: PageElement, skip: Skip = skipped) -> str:
    """The text of an inline node, not cleaned (its edge spaces matter)."""
    if type(node) is NavigableString:
        return str(node)
    if isinstance(node, Tag) and not skip(node):
        return "".join(iter_strings(node, skip))
    return ""


@dataclass(frozen=True)
class Value:
    """A field value as printed: on one line (`text`) and as its items (list items,
    `<br>`-separated lines), for fields that hold several values."""

    text: str
    items: tuple[str, ...]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Value:
        kept = tuple(line for line in (straight_apostrophes(clean_text(x)) for x in lines) if line)
        return cls(" ".join(kept), kept)

    @property
    def missing(self) -> bool:
        return self.text in MISSING_MARKS

    def joined(self) -> str:
        """Items joined with ", " ("Distributeur A, Distributeur B")."""
        return ", ".join(item for item in self.items if item not in MISSING_MARKS)


def previous_text_sibling(node: PageElement, skip: Skip = skipped) -> PageElement | None:
    """The nearest previous sibling that shows some text."""
    for sibling in node.previous_siblings:
        if has_text(sibling, skip):
            return sibling
    return None


def lowest_common_ancestor(nodes: list[PageElement]) -> Tag | None:
    if not nodes:
        return None
    common = list(reversed(list(nodes[0].parents)))
    for node in nodes[1:]:
        chain = list(reversed(list(node.parents)))
        depth = 0
        while depth < min(len(common), len(chain)) and common[depth] is chain[depth]:
            depth += 1
        common = common[:depth]
    return common[-1] if common else None


class Notes:
    """Problem notes for a page, without duplicates."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def add(self, note: str) -> None:
        if note not in self.problems:
            self.problems.append(note)


# ---------------------------------------------------------------- page facts


def page_number(url: str) -> int:
    """The 0-based `page` query parameter of a URL (0 when absent or unreadable).
    Drupal writes several pagers' pages as "page=2,0": the first is the listing's."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == "page":
            try:
                return max(int(value.split(",")[0].strip()), 0)
            except ValueError:
                return 0
    return 0


_RESULT_WORD = re.compile(r"\bresultat|\bresults?\b")
_BARE_NUMBER = re.compile(r"^(?:\d[\d .,]*|aucune?|pas de)$")


def result_count(soup: BeautifulSoup) -> int | None:
    """The first "N résultats" / "1 résultat" / "Aucun résultat" of the visible text.

    Text nodes are read one at a time so that neighbouring numbers ("Vague 2" just
    before "137 résultats") never merge; a count split by markup
    ("<strong>137</strong> résultats") is joined with the text node just before it when
    both lie in the same block: a version cell "10" never joins the next cell's
    "RÉSULTATS & ANALYSES".
    """
    root = soup.body or soup
    previous, previous_block = "", None
    for string in iter_strings(root):
        text = clean_text(string)
        if not text:
            continue
        block = _enclosing_block(string)
        folded = fold(text)
        if _RESULT_WORD.search(folded):
            count = parse_result_count(text)
            if count is None and block is previous_block and _BARE_NUMBER.match(fold(previous)):
                count = parse_result_count(f"{previous} {text}")
            if count is not None:
                return count
        previous, previous_block = text, block
    return None


def _enclosing_block(node: PageElement) -> Tag | None:
    """The nearest ancestor a browser lays out on its own line(s)."""
    return next((parent for parent in node.parents if parent.name in BLOCK_TAGS), None)


def page_heading(soup: BeautifulSoup) -> str:
    """The page's title as shown: the first `h1` outside the site banner and menus,
    else any `h1`, else `<title>`."""
    headings = soup.find_all("h1")
    for heading in headings:
        if not any(_is_page_chrome(parent) for parent in heading.parents):
            return text_of(heading)
    if headings:
        return text_of(headings[0])
    return clean_text(soup.title.get_text()) if soup.title else ""


def _is_page_chrome(tag: Tag) -> bool:
    return (
        tag.name == "nav"
        or tag.get("role") in ("banner", "navigation", "contentinfo")
        or (tag.name in ("header", "footer") and not _inside_content(tag))
    )


def _inside_content(tag: Tag) -> bool:
    return any(p.name in ("main", "article", "section", "li", "td", "dd") for p in tag.parents)


def base_url(soup: BeautifulSoup, url: str) -> str:
    """The URL relative links resolve against: `<base href>` if the page has one."""
    head = soup.head
    bases = links(head, "base") if head is not None else []
    return urljoin(url, bases[0]["href"].strip()) if bases else url


# ---------------------------------------------------------------- pager

_FORWARD_ARROWS = "›»→⟩❯▶►⇒➔➜⟶〉❭▸▹⏵≫>"
_NEXT_WORDS = frozenset(
    {
        "suivant",
        "suivante",
        "page suivante",
        "page suivant",
        "suiv",
        "aller a la page suivante",
        "next",
        "next page",
        "go to next page",
    }
)
_NEXT_HINT = re.compile(r"\bsuivante?s?\b|\bnext\b")
_PREVIOUS_HINT = re.compile(r"precedent|previous|\bprev\b|dernier|last|premier|first")


def _arrows_removed(folded: str) -> str:
    return clean_text(folded.translate({ord(c): " " for c in _FORWARD_ARROWS}).strip(" .:"))


def says_next(text: str) -> bool:
    """Link text meaning "next page": "Suivant", "Page suivante ›", "›", "»", "suivant »"."""
    folded = fold(text)
    if not folded:
        return False
    rest = _arrows_removed(folded)
    return rest in _NEXT_WORDS or (not rest and folded != rest)


def _hints_next(link: Tag) -> bool:
    for attribute in ("aria-label", "title"):
        hint = fold(link.get(attribute))
        if hint and _NEXT_HINT.search(hint) and not _PREVIOUS_HINT.search(hint):
            return True
    return False


def same_site(url: str, base: str) -> bool:
    """Same host and port as `base`, and not an English (`/en/`) page."""
    parts, base_parts = urlsplit(url), urlsplit(base)
    if parts.scheme not in ("http", "https"):
        return False
    if (parts.hostname, parts.port) != (base_parts.hostname, base_parts.port):
        return False
    path = parts.path or "/"
    return not (path == "/en" or path.startswith("/en/"))


def next_page_url(soup: BeautifulSoup, url: str) -> str | None:
    """The absolute URL of the next page, or None on the last page.

    A candidate is a link marked `rel="next"`, or whose text or label says "next"
    ("Suivant", "›", "»"...). Only candidates on the same site whose `page` is
    greater than the current one count; the one for current page + 1 wins, because
    "»" is the *last* page in Drupal's full pager.
    """
    current = page_number(url)
    base = base_url(soup, url)
    best: tuple | None = None
    best_url = None
    for order, link in enumerate(links(soup, "a", "link")):
        rel = [fold(r) for r in (link.get("rel") or [])]
        by_rel = "next" in rel
        if not by_rel:
            if link.name != "a" or not (says_next(text_of(link)) or _hints_next(link)):
                continue
        target = urljoin(base, link["href"].strip()).split("#", 1)[0]
        if not same_site(target, url):
            continue
        number = page_number(target)
        if number <= current:
            continue
        rank = (number != current + 1, not by_rel, number, order)
        if best is None or rank < best:
            best, best_url = rank, target
    if best_url and page_number(best_url) != current + 1:
        # Only a "»" to a later page was found: a numbered link to the very
        # next page, when the pager has one, is surely the next page.
        return _numbered_link(soup, base, best_url, current + 1) or best_url
    return best_url


def _numbered_link(soup: BeautifulSoup, base: str, like: str, number: int) -> str | None:
    """A link to page `number` of the same listing as `like` (same path and
    parameters but `page`)."""
    wanted = _without_page(like)
    for link in links(soup, "a"):
        target = urljoin(base, link["href"].strip()).split("#", 1)[0]
        if page_number(target) == number and _without_page(target) == wanted:
            return target
    return None


def _without_page(url: str) -> tuple:
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k != "page")
    return parts.netloc, parts.path, tuple(query)


# ---------------------------------------------------------------- facets

_FACET_KEY = re.compile(r"^f\[\d*\]$")
_MAY_HOLD_FACET = re.compile(r"f(?:\[|%5b|%255b)", re.IGNORECASE)
_HELPER_TEXT = re.compile(
    r"^\(?-\)?$|^[x×]$|^(?:apply|remove|appliquer|retirer|supprimer|desactiver|activer)\b"
    r".*\b(?:filter|filtre)s?\b"
)


@dataclass(frozen=True)
class FacetLink:
    name: str
    value: str
    label: str
    count: int | None
    url: str
    element: Tag


def facet_params(url: str) -> list[tuple[str, str]]:
    """The `f[N]=name:value` parameters of a URL, decoded, in order."""
    params = []
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        key, value = unquote(key), unquote(value)  # tolerate double encoding
        if _FACET_KEY.match(key) and ":" in value:
            name, _, term = value.partition(":")
            params.append((name.strip(), term.strip()))
    return params


def _facet_of(link_params: list[tuple[str, str]], page_params: list[tuple[str, str]]):
    """The facet a link applies: the parameter it adds to the current page's, else the
    one it removes (an active facet's "remove" link), else its last one."""
    added = [p for p in link_params if p not in page_params]
    if added:
        return added[-1]
    removed = [p for p in page_params if p not in link_params]
    if removed:
        return removed[0]
    return link_params[-1]


def facet_label(link: Tag) -> tuple[str, int | None]:
    """A facet link's text without Drupal's helper text, and its trailing count:
    "Dossier Usager Informatisé (DUI) (59)" -> ("Dossier Usager Informatisé (DUI)", 59)."""
    texts = [clean_text(s) for s in iter_strings(link)]
    texts = [t for t in texts if t]
    meaningful = [t for t in texts if not _HELPER_TEXT.search(fold(t))] or texts
    label, count = split_trailing_count(_ACTIVE_MARK.sub("", " ".join(meaningful)))
    if count is None:
        count = _count_after(link)
    return label, count


_ACTIVE_MARK = re.compile(r"^\s*\([-+x×]\)\s*")  # Drupal's "(-) DPI" on an active facet
_COUNT_ALONE = re.compile(r"^\((\d[\d ]*)\)$")


def _count_after(link: Tag) -> int | None:
    """A "(59)" printed just after the link rather than inside it."""
    for sibling in link.next_siblings:
        text = text_of(sibling) if isinstance(sibling, Tag) else clean_text(sibling)
        if not text:
            continue
        match = _COUNT_ALONE.match(text)
        return int(match.group(1).replace(" ", "")) if match else None
    return None


def facet_links(soup: BeautifulSoup, url: str) -> list[FacetLink]:
    """Every link whose href carries `f[N]=name:value`, deduplicated by URL."""
    page_params = facet_params(url)
    base = base_url(soup, url)
    found: dict[str, FacetLink] = {}
    for link in links(soup):
        href = link["href"].strip()
        if not _MAY_HOLD_FACET.search(href):
            continue
        params = facet_params(href)
        if not params:
            continue
        target = urljoin(base, href).split("#", 1)[0]
        if target in found:
            continue
        name, value = _facet_of(params, page_params)
        label, count = facet_label(link)
        found[target] = FacetLink(name, value, label, count, target, link)
    return list(found.values())


# ---------------------------------------------------------------- regions not to read

_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_FILTER_CONTROLS = ("select", "textarea")
# What a facet block may show besides its links: a title ("Filtrer par", "Dispositif").
_BLOCK_TITLE_BUDGET = 80
_BLOCK_TITLE_TEXTS = 2


def ignored_regions(
    soup: BeautifulSoup, facets: list[FacetLink], ignore_forms: bool = True
) -> set[int]:
    """Ids of the elements whose content is never a result row: menus, the site
    banner and footer, facet blocks, form labels and (unless told not to) filter forms."""
    ignored: set[int] = set()
    for tag in tags(soup):
        if _is_page_chrome(tag) or tag.get("role") in _CHROME_ROLES:
            ignored.add(id(tag))
        elif tag.name == "label" and _is_form_label(tag):
            ignored.add(id(tag))
        elif ignore_forms and tag.name == "form" and _is_filter_form(tag):
            ignored.add(id(tag))
    for block in facet_blocks(facets):
        ignored.add(id(block))
    return ignored


def _is_form_label(label: Tag) -> bool:
    if label.get("for") or label.find(["input", "select", "textarea"]):
        return True
    following = label.find_next_sibling(True)
    return following is not None and following.name in ("input", "select", "textarea")


def _is_filter_form(form: Tag) -> bool:
    if form.find(_FILTER_CONTROLS):
        return True
    return any(
        (control.get("type") or "text").lower() not in ("hidden", "submit", "reset", "image")
        for control in form.find_all("input")
    )


def facet_blocks(facets: list[FacetLink]) -> list[Tag]:
    """The blocks that hold only facet links (and a short title such as "Dispositif").

    A block is the lowest common ancestor of one facet's links, widened while its
    parent adds no other link and no more than a title's worth of text (a few
    characters in at most two text nodes). A table row or list whose cells link to
    facets is no facet block: its other cells are more text nodes.
    """
    by_name: dict[str, list[Tag]] = {}
    for facet in facets:
        by_name.setdefault(facet.name, []).append(facet.element)
    facet_ids = {id(f.element) for f in facets}
    blocks = []
    for group in by_name.values():
        block = group[0] if len(group) == 1 else lowest_common_ancestor(group)
        if block is None or not _only_facets(block, facet_ids):
            continue
        while block.parent is not None and block.parent.name not in ("body", "html", "main"):
            parent = block.parent
            if not _only_facets(parent, facet_ids):
                break
            if any(id(a) not in facet_ids for a in links(parent)):
                break
            block = parent
        blocks.append(block)
    return blocks


def _only_facets(block: Tag, facet_ids: set[int]) -> bool:
    """Whether `block` shows nothing but facet links and a title."""

    def outside_links(tag: Tag) -> bool:
        return skipped(tag) or id(tag) in facet_ids

    if id(block) in facet_ids:
        return True
    texts = [t for t in (clean_text(s) for s in iter_strings(block, outside_links)) if t]
    return len(texts) <= _BLOCK_TITLE_TEXTS and sum(map(len, texts)) <= _BLOCK_TITLE_BUDGET


def row_date(text: str | None, notes: Notes) -> str | None:
    """A date cell as ISO `yyyy-mm-dd`; an unreadable one is noted."""
    if not text:
        return None
    iso = parse_date(text)
    if iso is None:
        notes.add(f"unreadable date {text!r}")
    return iso
