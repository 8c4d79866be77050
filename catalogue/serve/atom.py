"""Atom documents (RFC 4287), written with the standard library.

    render_feed(Feed(...), [Entry(...), ...])   # UTF-8 bytes, served as CONTENT_TYPE

Every text is plain text (`type="text"`): ElementTree escapes it, and drops
nothing but the characters XML 1.0 cannot carry at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

NAMESPACE = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# Characters XML 1.0 does not allow, even escaped (C0 controls but tab and newlines,
# surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Person:
    name: str
    uri: str | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    content: str | None = None
    link: str | None = None  # the entry's page
    author: Person | None = None


@dataclass(frozen=True)
class Feed:
    id: str  # permanent and unique: a tag: URI
    title: str
    subtitle: str
    updated: str  # RFC 3339
    self_url: str  # the feed's own address
    page_url: str  # the web page about it (rel="alternate")
    author: Person
    language: str = "fr"


def render_feed(feed: Feed, entries: Sequence[Entry]) -> bytes:
    root = ET.Element("feed", {"xmlns": NAMESPACE, "xml:lang": feed.language})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title, type="text")
    _text(root, "subtitle", feed.subtitle, type="text")
    _text(root, "updated", feed.updated)
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    _person(root, "author", feed.author)
    for entry in entries:
        _entry(root, entry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(parent: ET.Element, entry: Entry) -> None:
    element = ET.SubElement(parent, "entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title, type="text")
    _text(element, "updated", entry.updated)
    if entry.author is not None:
        _person(element, "author", entry.author)
    if entry.link is not None:
        ET.SubElement(element, "link", rel="alternate", type="text/html", href=entry.link)
    if entry.content is not None:
        _text(element, "content", entry.content, type="text")


def _person(parent: ET.Element, tag: str, person: Person) -> None:
    element = ET.SubElement(parent, tag)
    _text(element, "name", person.name)
    if person.uri is not None:
        _text(element, "uri", person.uri)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = _NOT_XML.sub("", text)
