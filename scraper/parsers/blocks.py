"""Rows in which each value follows its label, whatever the markup.

A label is recognised by its words only (see `labels`), in three shapes:

* an element that shows nothing but the label (`<dt>`, `<th>`, `<label>`, `<span>`,
  `<strong>`, `<div>`...): its value is what follows it among its siblings;
* a text node that is only the label ("Éditeur :" before a `<br>` or a link);
* "Label : valeur" text, possibly several in one text node.

An element whose children are nothing but labels is the header row of a table built
from other elements than `<table>` (`<div role="row">`, a `<li>` of `<span>`s): the
rows of the same width after it are read by column, like a table.

The other pairs are grouped into rows without looking at classes: each occurrence of
a key field (editor, solution or version: whichever gathers most pairs) climbs to the
largest ancestor that holds no other occurrence; that ancestor is its row. When those
ancestors hold nothing but the key pair, the rows are flat (one big `<dl>`, a run of
`<p>`): a new row starts when a field the row already has comes again. Pairs outside
every row (page-level text) are no row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bs4 import NavigableString, Tag
from bs4.element import PageElement

from scraper.normalize import clean_text
from scraper.parsers.dom import (
    BLOCK_TAGS,
    HEADING_TAGS,
    Skip,
    Value,
    has_text,
    inside,
    iter_strings,
    lines_of,
    lowest_common_ancestor,
    previous_text_sibling,
    raw_text,
    skipped,
    tags,
)
from scraper.parsers.labels import (
    HEADER_KEYS_NEEDED,
    MULTI_VALUED_FIELDS,
    LabelTable,
    field_for_label,
)
from scraper.parsers.tables import TableReader

_NEVER_LABELS = frozenset({*HEADING_TAGS, "a", "caption", "dd", "title"})
_COLON = re.compile(r"[:：]")
_WORD = re.compile(r"\S+")
_SEPARATORS = frozenset("–—-|;,•·/.!?()[]")
_LABEL_WORDS = 6  # longest label, in words
_ALNUM = re.compile(r"\w")
_LEADING_JUNK = re.compile(r"^(?:[:：]\s*|[–—|•·-]\s+)+")
_TRAILING_JUNK = re.compile(r"\s+[–—|;,•·/-]+$")
_UNKNOWN_LABEL_LENGTH = 40
_HEADER_CLIMB = 3


@dataclass
class Anchor:
    field: str
    label: str
    node: PageElement  # the label element, or the text node holding the label
    remainder: str = ""  # text after the colon, when the label ends its text node
    value: Value | None = None  # known when another label follows in the same text node
    # Right after another label: the value of that label ("Solution" then "Logiciel"),
    # unless it belongs to a header row of labels.
    follows_label: bool = False


@dataclass
class Pair:
    field: str
    label: str
    value: Value
    node: PageElement


@dataclass
class BlockRow:
    values: dict[str, Value]
    node: PageElement  # the row's container (for messages and ordering)


def tidy(text: str) -> str:
    """A value without the colon or dash that separated it from its label."""
    text = _LEADING_JUNK.sub("", clean_text(text))
    return _TRAILING_JUNK.sub("", text).strip()


def _tidy_value(lines: list[str], multi: bool) -> Value:
    if multi:
        return Value.from_lines(tidy(line) for line in lines)
    return Value.from_lines([tidy(" ".join(lines))])


def _shows_words(node: PageElement, skip: Skip) -> bool:
    if type(node) is NavigableString:
        return bool(_ALNUM.search(node))
    if isinstance(node, Tag) and not skip(node):
        return any(_ALNUM.search(s) for s in iter_strings(node, skip))
    return False


class PairFinder:
    """Finds the label/value pairs under a root, in document order."""

    def __init__(self, root: Tag, labels: LabelTable, skip: Skip = skipped):
        self.root = root
        self.labels = labels
        self.skip = skip
        self.anchors: list[Anchor] = []
        self.anchor_ids: set[int] = set()
        self.values_like_labels: set[int] = set()
        self.label_offsets: dict[int, int] = {}  # text node -> where its first label starts

    # -- pass 1: labels

    def find_labels(self) -> None:
        for string in iter_strings(self.root, self.skip):
            text = clean_text(string)
            if not text:
                continue
            field = field_for_label(text, self.labels)
            if field:
                self._label_alone(string, text, field)
            elif ":" in text or "：" in text:
                self._labels_in_text(string)

    def pairs(self, excluded: set[int]) -> list[Pair]:
        """The pairs of every label outside the `excluded` elements."""
        anchors = [
            a
            for a in self.anchors
            if not a.follows_label
            and id(a.node) not in excluded
            and not any(id(p) in excluded for p in a.node.parents)
        ]
        self.anchor_ids = {id(a.node) for a in anchors}
        ancestor_ids = {id(p) for a in anchors for p in a.node.parents}
        return [self._pair(anchor, ancestor_ids) for anchor in anchors]

    # -- tables made of other elements

    def header_rows(self, key_fields: tuple[str, ...], minimum: int) -> list[Tag]:
        """Elements whose children are nothing but labels naming `minimum` key
        fields: the header row of a table built from `<div>`s or ARIA roles."""
        parents: dict[int, Tag] = {}
        for anchor in self.anchors:
            if isinstance(anchor.node, Tag) and anchor.node.parent is not None:
                parents.setdefault(id(anchor.node.parent), anchor.node.parent)
        by_node = {id(a.node): a.field for a in self.anchors}
        headers = []
        for parent in parents.values():
            shown = [c for c in self.cells(parent) if has_text(c, self.skip)]
            if len(shown) < 2 or any(id(c) not in by_node for c in shown):
                continue
            if len({by_node[id(c)] for c in shown} & set(key_fields)) >= minimum:
                headers.append(parent)
        return headers

    def cells(self, row: Tag) -> list[Tag]:
        return [c for c in row.children if isinstance(c, Tag) and not self.skip(c)]

    def rows_under_header(self, header: Tag) -> list[Tag]:
        """The rows of the same width after a header row: its following siblings,
        or the children of the element after it (climbing out of a lone header
        group, as in `<div role="rowgroup">`)."""
        width = len(self.cells(header))
        node = header
        for _ in range(_HEADER_CLIMB):
            siblings = [s for s in node.next_siblings if isinstance(s, Tag) and not self.skip(s)]
            rows = [s for s in siblings if len(self.cells(s)) == width]
            if rows:
                return rows
            if siblings:
                rows = [c for c in self.cells(siblings[0]) if len(self.cells(c)) == width]
                if rows:
                    return rows
            parent = node.parent
            if parent is None or len(self.cells(parent)) != 1:
                break
            node = parent
        return []

    def columns_of(self, header: Tag) -> dict[int, str]:
        by_node = {id(a.node): a.field for a in self.anchors}
        return {
            index: by_node[id(cell)]
            for index, cell in enumerate(self.cells(header))
            if id(cell) in by_node
        }

    def _register(self, anchor: Anchor) -> None:
        self.anchors.append(anchor)
        self.anchor_ids.add(id(anchor.node))

    def _label_alone(self, string: NavigableString, text: str, field: str) -> None:
        element = self._label_element(string)
        host = element if element is not None else string.parent
        if not self._may_be_label(host, element):
            return
        node = element if element is not None else string
        if id(node) in self.anchor_ids:
            return
        follows = self._is_value_of_previous_label(node, text)
        if follows:
            self.values_like_labels.add(id(node))
        self._register(Anchor(field, text, node, follows_label=follows))

    def _label_element(self, string: NavigableString) -> Tag | None:
        """The largest element that shows nothing but this label, or None when the
        label shares its element with other words ("Éditeur :<br>ACME")."""
        element = string.parent
        if element is None or any(
            c is not string and _shows_words(c, self.skip) for c in element.children
        ):
            return None
        while element.parent is not None and element.parent.name not in ("body", "html"):
            parent = element.parent
            if any(c is not element and _shows_words(c, self.skip) for c in parent.children):
                break
            element = parent
        return element

    def _may_be_label(self, host: Tag | None, element: Tag | None) -> bool:
        if host is None or host.name in _NEVER_LABELS or inside(host, "a"):
            return False
        if element is not None and element.parent is not None and element.name in ("td", "th"):
            row = [
                c for c in element.parent.children if isinstance(c, Tag) and c.name in ("td", "th")
            ]
            if len(row) >= 3 and all(c.name == "th" for c in row):
                return False  # a column header of a table nobody could read
            before = element.find_previous_sibling(["td", "th"])
            if before is not None and id(before) in self.anchor_ids:
                return False  # the value cell of a label cell
        return True

    def _is_value_of_previous_label(self, node: PageElement, text: str) -> bool:
        """`<b>Solution :</b> Logiciel`-like cases: right after a label, a text that
        is also a label is that label's value, unless it ends with a colon or is
        itself a `dt`/`th`."""
        if text.endswith((":", "：")) or getattr(node, "name", None) in ("dt", "th"):
            return False
        previous = previous_text_sibling(node, self.skip)
        return (
            previous is not None
            and id(previous) in self.anchor_ids
            and id(previous) not in self.values_like_labels
        )

    def _labels_in_text(self, string: NavigableString) -> None:
        raw = str(string)
        found: list[tuple[int, int, str, str]] = []  # label start, value start, field, label
        segment_start = 0
        for colon in _COLON.finditer(raw):
            hit = self._trailing_label(raw[segment_start : colon.start()])
            if hit:
                start, field, label = hit
                found.append((segment_start + start, colon.end(), field, label))
                segment_start = colon.end()
        if not found:
            return
        self.label_offsets[id(string)] = found[0][0]
        for index, (_, value_start, field, label) in enumerate(found):
            if index + 1 < len(found):
                text = raw[value_start : found[index + 1][0]]
                value = _tidy_value([text], field in MULTI_VALUED_FIELDS)
                self._register(Anchor(field, label, string, value=value))
            else:
                self._register(Anchor(field, label, string, remainder=raw[value_start:]))

    def _trailing_label(self, segment: str) -> tuple[int, str, str] | None:
        """The label ending `segment` (the text before a colon), if it starts the
        segment or follows a separator: "ACME – Solution" gives "Solution", but
        "Description du logiciel" gives nothing."""
        words = list(_WORD.finditer(segment))
        for count in range(min(_LABEL_WORDS, len(words)), 0, -1):
            start = words[-count].start()
            candidate = segment[start:]
            field = field_for_label(candidate, self.labels)
            if not field:
                continue
            prefix = segment[:start].rstrip()
            if not prefix or prefix[-1] in _SEPARATORS:
                return start, field, clean_text(candidate)
        return None

    # -- pass 2: values

    def _pair(self, anchor: Anchor, ancestor_ids: set[int]) -> Pair:
        value = anchor.value
        if value is None:
            multi = anchor.field in MULTI_VALUED_FIELDS
            lines = self._following_lines(anchor, ancestor_ids, multi)
            value = _tidy_value(lines, multi)
        return Pair(anchor.field, anchor.label, value, anchor.node)

    def _following_lines(self, anchor: Anchor, ancestor_ids: set[int], multi: bool) -> list[str]:
        """The lines of the value that follows a label among its siblings: inline text
        up to a `<br>` (or, for several values, up to the next label), or the next
        block element (and the following ones of the same tag, for several values)."""
        lines: list[str] = []
        current: list[str] = [anchor.remainder] if anchor.remainder else []
        block_tag = None

        def pending() -> str:
            return clean_text("".join(current))

        for sibling in anchor.node.next_siblings:
            if type(sibling) is NavigableString:
                offset = self.label_offsets.get(id(sibling))
                if offset is not None:
                    current.append(sibling[:offset])
                    break
                if id(sibling) in self.anchor_ids or (block_tag and sibling.strip()):
                    break
                current.append(sibling)
                continue
            if not isinstance(sibling, Tag) or self.skip(sibling):
                continue
            if id(sibling) in self.anchor_ids or id(sibling) in ancestor_ids:
                break
            if sibling.name == "br":
                if pending():
                    if not multi:
                        break
                    lines.append(pending())
                    current.clear()
                continue
            if sibling.name in BLOCK_TAGS:
                block = lines_of([sibling], self.skip)
                if not block:
                    continue
                if pending() or (block_tag and (not multi or sibling.name != block_tag)):
                    break
                block_tag = sibling.name
                lines.extend(block)
                if not multi:
                    break
                continue
            if block_tag:
                if has_text(sibling, self.skip):
                    break
                continue
            current.append(raw_text(sibling, self.skip))
        if pending():
            lines.append(pending())
        return lines

    # -- diagnostics

    def unknown_labels(self, container: PageElement) -> list[str]:
        """Texts in a row that look like labels but name no field: `<dt>`, `<th>` and
        short elements ending with a colon."""
        if not isinstance(container, Tag):
            return []
        unknown = []
        for tag in tags(container):
            if id(tag) in self.anchor_ids or self.skip(tag):
                continue
            if tag.name not in ("dt", "th", "label", "strong", "b", "span"):
                continue
            text = clean_text(tag.get_text())
            looks_like_label = tag.name in ("dt", "th") or text.endswith((":", "："))
            if text and looks_like_label and len(text) <= _UNKNOWN_LABEL_LENGTH:
                unknown.append(text.rstrip(" :："))
        return unknown


# ---------------------------------------------------------------- grouping


def group_pairs(pairs: list[Pair], key_fields: tuple[str, ...]) -> list[list[Pair]]:
    """Pairs grouped into rows (see the module docstring); pairs outside every row
    (page-level text) are left out.

    Each key field present is tried; the one whose row containers gather the most
    pairs wins (a row printing "Logiciel" and "Nom commercial" has two solution
    labels, but one editor label).
    """
    counts = Counter(p.field for p in pairs if p.field in key_fields)
    if not counts:
        return []
    chains = {id(p): list(p.node.parents) for p in pairs}
    best: list[list[Pair]] = []
    best_score = -1
    for key in sorted(counts, key=lambda f: (-counts[f], key_fields.index(f))):
        rows = _block_rows(pairs, [p for p in pairs if p.field == key], chains)
        score = sum(len(row) for row in rows if len(row) > 1)
        if score > best_score:
            best, best_score = rows, score
    if sum(len(row) == 1 for row in best) * 2 > len(best):
        key = max(counts, key=lambda f: (counts[f], -key_fields.index(f)))
        return _flat_rows(pairs, [p for p in pairs if p.field == key], chains)
    return best


def _block_rows(
    pairs: list[Pair], keys: list[Pair], chains: dict[int, list[Tag]]
) -> list[list[Pair]]:
    per_ancestor: Counter[int] = Counter()
    for pair in keys:
        per_ancestor.update(id(a) for a in chains[id(pair)])
    containers = [_container(pair, chains[id(pair)], per_ancestor) for pair in keys]
    return _members(pairs, containers, chains)


def _container(pair: Pair, chain: list[Tag], per_ancestor: Counter[int]) -> PageElement:
    container: PageElement = pair.node
    for ancestor in chain:
        if per_ancestor[id(ancestor)] > 1 or ancestor.name == "[document]":
            break
        container = ancestor
    return container


def _members(
    pairs: list[Pair], containers: list[PageElement], chains: dict[int, list[Tag]]
) -> list[list[Pair]]:
    slots = {id(c): index for index, c in enumerate(containers)}
    rows: list[list[Pair]] = [[] for _ in containers]
    for pair in pairs:
        slot = slots.get(id(pair.node))
        if slot is None:
            slot = next((slots[id(a)] for a in chains[id(pair)] if id(a) in slots), None)
        if slot is not None:
            rows[slot].append(pair)
    return rows


def _flat_rows(
    pairs: list[Pair], keys: list[Pair], chains: dict[int, list[Tag]]
) -> list[list[Pair]]:
    common = lowest_common_ancestor([p.node for p in keys])
    inside = [p for p in pairs if any(a is common for a in chains[id(p)])]
    rows: list[list[Pair]] = []
    current: list[Pair] = []
    for pair in inside:
        seen = {p.field for p in current}
        continues_list = pair.field in MULTI_VALUED_FIELDS and current[-1].field == pair.field
        if pair.field in seen and not continues_list:
            rows.append(current)
            current = []
        current.append(pair)
    if current:
        rows.append(current)
    return rows


def row_values(row: list[Pair], key_fields: tuple[str, ...]) -> dict[str, Value]:
    """One value per field. A field printed twice in a row keeps the occurrence
    nearest to the row's key pair; several values of a list field are merged."""
    values: dict[str, Value] = {}
    key = next((p for p in row if p.field in key_fields), row[0])
    key_ancestors = {id(a): depth for depth, a in enumerate(key.node.parents)}
    best: dict[str, int] = {}
    for pair in row:
        if pair.field in MULTI_VALUED_FIELDS and pair.field in values:
            merged = values[pair.field].items + pair.value.items
            values[pair.field] = Value.from_lines(merged)
            continue
        distance = next(
            (key_ancestors[id(a)] for a in pair.node.parents if id(a) in key_ancestors),
            len(key_ancestors),
        )
        if pair.field not in values or distance < best[pair.field]:
            values[pair.field] = pair.value
            best[pair.field] = distance
    return values


def block_rows(
    root: Tag, labels: LabelTable, key_fields: tuple[str, ...], skip: Skip = skipped
) -> tuple[list[BlockRow], list[str]]:
    """The rows under `root` and the unknown labels seen in them."""
    finder = PairFinder(root, labels, skip)
    finder.find_labels()
    rows, read = _implicit_table_rows(finder, labels, key_fields)
    containers: dict[int, Tag] = {}
    for group in group_pairs(finder.pairs(read), key_fields):
        if not any(p.field in key_fields for p in group):
            continue
        container = lowest_common_ancestor([p.node for p in group]) if len(group) > 1 else None
        rows.append(BlockRow(row_values(group, key_fields), container or group[0].node))
        if container is not None:
            containers.setdefault(id(container), container)
    unknown: list[str] = []
    for container in containers.values():
        unknown.extend(u for u in finder.unknown_labels(container) if u not in unknown)
    return rows, unknown


def _implicit_table_rows(
    finder: PairFinder, labels: LabelTable, key_fields: tuple[str, ...]
) -> tuple[list[BlockRow], set[int]]:
    """Rows of tables built from other elements than `<table>`, and the ids of the
    elements read that way."""
    reader = TableReader(labels, key_fields, HEADER_KEYS_NEEDED)
    rows: list[BlockRow] = []
    read: set[int] = set()
    for header in finder.header_rows(key_fields, HEADER_KEYS_NEEDED):
        body = finder.rows_under_header(header)
        if not body:
            continue
        read.update(id(element) for element in (header, *body))
        grid = [dict(enumerate(finder.cells(row))) for row in body]
        for table_row in reader.body(body, grid, -1, finder.columns_of(header)):
            rows.append(BlockRow(table_row.cells, body[table_row.position - 1]))
    return rows, read
