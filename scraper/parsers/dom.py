"""DOM helpers shared by the parsers: reading text the way a reader sees it.

Nothing here looks at CSS classes or ids: only tags with a meaning (`br`, block
elements, `nav`, `form`, `th`...), link relations and words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PageElement

from scraper.normalize import (
    clean_text,
    parse_date,
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


def is_text(node: PageElement) -> TypeGuard[NavigableString]:
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


def attribute(tag: Tag, name: str) -> str | None:
    """The value of a single-valued attribute (`href`, `title`...), None when absent.
    bs4 types every value as maybe a list: only `class`, `rel` and a few others are."""
    value = tag.get(name)
    return value if isinstance(value, str) else None


def href_of(link: Tag) -> str:
    """The `href` of a link found by `links`, which all have one."""
    return attribute(link, "href") or ""


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


def lowest_common_ancestor(nodes: Sequence[PageElement]) -> Tag | None:
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


def row_date(text: str | None, notes: Notes) -> str | None:
    """A date cell as ISO `yyyy-mm-dd`; an unreadable one is noted."""
    if not text:
        return None
    iso = parse_date(text)
    if iso is None:
        notes.add(f"unreadable date {text!r}")
    return iso
