"""The feeds of newly referenced solutions: the page /flux for people, the Atom
documents (RFC 4287) for feed readers, for every couloir, each couloir and each
dispositif (a dispositif's feed holds its domains).

The catalogue holds two complete runs of the replica's data (serve_support).
"""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime
from html import unescape

import pytest
from markupsafe import escape

from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.atom import Entry, Feed, Person, render_feed
from catalogue.serve.feeds import Selection, feeds_by_couloir
from tests.serve_support import build_catalogue, get

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "http://localhost"
FEED = "/catalogue/flux_nouvelles_solutions.atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ADDRESS = re.compile(r'<a href="(http://localhost/catalogue/flux_nouvelles_solutions\.atom[^"]*)"')
NEW = "c.entity = 'solution' AND c.kind IN ('added', 'reappeared')"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("feeds") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


@pytest.fixture(scope="module")
def page(datasette) -> str:
    response = get(datasette, "/flux")
    assert response.status_code == 200
    return response.text


@pytest.fixture(scope="module")
def addresses(page) -> list[str]:
    return [unescape(address) for address in ADDRESS.findall(page)]


def query(catalogue, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(catalogue)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def atom(datasette, address: str) -> ET.Element:
    response = get(datasette, address.removeprefix(ORIGIN))
    assert response.status_code == 200, address
    assert response.headers["content-type"] == ATOM_TYPE, address
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def contents(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}content") for entry in feed.findall(f"{ATOM}entry")]


def dispositif_of(content: str) -> str:
    return re.search(r"^Dispositif : (.*)$", content, re.M).group(1)


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("path", ["/", "/flux", "/evolution", "/catalogue/solutions"])
def test_the_menu_leads_to_the_feeds_page_not_to_xml(datasette, path):
    html = get(datasette, path).text
    menu = re.search(r'<ul class="segur-nav">(.*?)</ul>', html, re.S).group(1)
    assert '<a href="/flux">Flux d\'actualité</a>' in menu
    assert ".atom" not in menu and "Atom" not in menu


def test_the_feeds_page_says_in_french_what_a_feed_is_and_how_to_follow_one(page):
    assert '<html lang="fr">' in page
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())  # no-break spaces too
    for said in (
        "Être prévenu des nouveaux référencements Ségur",
        "lecteur de flux",
        "S'abonner en trois étapes",
        "Copier l'adresse",
        "Thunderbird",
        "extension",
        "Microsoft Teams",
        "après la synchronisation de chaque nuit",
        "la dernière synchronisation complète date du 2 juin 2025",
        "la date de référencement",
        "mène à sa fiche sur ce site",
        "la liste de l'ANS fait foi",
    ):
        assert said in text, said


def test_the_feeds_page_lists_every_couloir_and_dispositif_held(catalogue, page, addresses):
    couloirs = [row[0] for row in query(catalogue, "SELECT DISTINCT couloir FROM solutions")]
    stored = [row[0] for row in query(catalogue, "SELECT DISTINCT dispositif FROM solutions")]
    assert len(couloirs) >= 8 and len(stored) >= 15
    for couloir in couloirs:
        assert f">{escape(couloir)}</h3>" in page
        assert f"{ORIGIN}{Selection.read(couloir, '').path}" in addresses
    for dispositif in ("DPI", "LGC", "SGL", "RIS", "LGO", "DUI", "DUI MS1 PA/PH/DOM", "LGC SF"):
        assert f"<strong>{dispositif}</strong>" in page
        assert f"{ORIGIN}{Selection.read('', dispositif).path}" in addresses
    assert f"{ORIGIN}{FEED}" in addresses
    assert f"{ORIGIN}{FEED}?couloir=hopital" in addresses
    assert f"{ORIGIN}{FEED}?dispositif=dui" in addresses
    assert f"{ORIGIN}{FEED}?dispositif=dui-ms1-pa-ph-dom" in addresses
    # Every couloir, every stored dispositif, and "DUI" that only its domains name.
    assert len(addresses) == len(set(addresses)) == 1 + len(couloirs) + len(stored) + 1


def test_the_dui_comes_before_its_domains(page):
    order = [page.index(f"<strong>{name}</strong>") for name in ("DUI", "DUI MS1 PA/PH/DOM")]
    assert order == sorted(order)
    assert "personnes âgées, personnes handicapées, domicile" in page


# ---------------------------------------------------------------- the feeds


def test_every_listed_feed_is_atom_with_author_id_updated_title_and_links(datasette, addresses):
    ids = set()
    for address in addresses:
        feed = atom(datasette, address)
        ids.add(feed.findtext(f"{ATOM}id"))
        assert feed.findtext(f"{ATOM}id").startswith("tag:segur-catalogue,2024:flux/")
        assert feed.findtext(f"{ATOM}title").startswith("Nouvelles solutions référencées Ségur")
        assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")).tzinfo is not None
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Catalogue Ségur"
        assert feed.findtext(f"{ATOM}author/{ATOM}uri").startswith("https://")
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links == {"self": address, "alternate": f"{ORIGIN}/flux"}
        entries = feed.findall(f"{ATOM}entry")
        assert entries, address
        entry_ids = [entry.findtext(f"{ATOM}id") for entry in entries]
        assert len(entry_ids) == len(set(entry_ids)), address
        for entry in entries:
            assert entry.findtext(f"{ATOM}id").startswith("tag:segur-catalogue,2024:changes/")
            assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")).tzinfo is not None
            assert "référencée Ségur" in entry.findtext(f"{ATOM}title")
            assert entry.find(f"{ATOM}link").get("href").startswith(f"{ORIGIN}/solution/")
        first = entries[0].find(f"{ATOM}link").get("href")
        assert get(datasette, first.removeprefix(ORIGIN)).status_code == 200, first
    assert len(ids) == len(addresses)


def test_feed_ids_are_permanent_whatever_the_spelling_or_host(datasette):
    spellings = ("?couloir=H%C3%B4pital", "?couloir=hopital", "?couloir=HOPITAL")
    ids = {atom(datasette, FEED + spelling).findtext(f"{ATOM}id") for spelling in spellings}
    assert ids == {"tag:segur-catalogue,2024:flux/nouvelles-solutions/couloir/hopital"}
    feed = atom(datasette, f"{FEED}?couloir=H%C3%B4pital")
    assert (
        feed.findtext(f"{ATOM}title") == "Nouvelles solutions référencées Ségur — couloir Hôpital"
    )
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"{ORIGIN}{FEED}?couloir=hopital"


def test_the_dui_feed_holds_its_domains_and_nothing_else(datasette, catalogue):
    feed = atom(datasette, f"{FEED}?dispositif=DUI")
    found = [dispositif_of(content) for content in contents(feed)]
    held = query(
        catalogue,
        f"SELECT count(*) FROM changes c WHERE {NEW} AND c.dispositif LIKE 'DUI%'",
    )[0][0]
    assert len(found) == min(held, 100)
    assert {"DUI MS1 PA/PH/DOM", "DUI MS2 PDE", "DUI MS2 PDS"} <= set(found)
    assert all(dispositif.startswith("DUI ") for dispositif in found)
    assert feed.findtext(f"{ATOM}title").endswith("— dispositif DUI")


def test_a_domain_feed_holds_that_domain_only(datasette):
    feed = atom(datasette, f"{FEED}?dispositif=dui-ms2-pde")
    assert {dispositif_of(content) for content in contents(feed)} == {"DUI MS2 PDE"}


def test_the_lgc_feed_leaves_out_the_other_cabinets(datasette, catalogue):
    found = [
        dispositif_of(content) for content in contents(atom(datasette, f"{FEED}?dispositif=LGC"))
    ]
    held = query(catalogue, f"SELECT count(*) FROM changes c WHERE {NEW} AND c.dispositif = 'LGC'")
    assert found and set(found) == {"LGC"}
    assert len(found) == min(held[0][0], 100)


def test_couloir_and_dispositif_together(datasette):
    feed = atom(datasette, f"{FEED}?couloir=Officine&dispositif=DUI")
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == [
        "Aucune solution nouvellement référencée pour le couloir Officine et le dispositif DUI"
    ]


def test_the_canned_query_filters_by_dispositif_too(datasette):
    response = get(
        datasette, "/catalogue/flux_nouvelles_solutions.json?dispositif=DUI&_shape=array"
    )
    rows = response.json()
    assert rows and all(row["dispositif"].startswith("DUI ") for row in rows)


def test_an_overlong_selection_is_refused_in_french(datasette):
    response = get(datasette, f"{FEED}?couloir={'x' * 101}")
    assert response.status_code == 400
    assert response.text == "Nom trop long : au plus 100 caractères."


# ---------------------------------------------------------------- the feed of a name


def entry_texts(feed: ET.Element, field: str) -> list[str]:
    return [entry.findtext(f"{ATOM}{field}") for entry in feed.findall(f"{ATOM}entry")]


def test_a_name_s_feed_holds_every_change_newest_first(datasette):
    feed = atom(datasette, f"{FEED}?nom=officina")
    assert feed.findtext(f"{ATOM}id") == "tag:segur-catalogue,2024:flux/changements/nom/officina"
    assert feed.findtext(f"{ATOM}title") == (
        "Référencement Ségur — tous les changements pour « officina »"
    )
    assert entry_texts(feed, "title") == [
        "Officina 7.3 (OFFICINA SOFT) : nouvelle version référencée, LGO",
        "Officina 7.2 (OFFICINA SOFT) : nouvelle solution référencée, LGO",
    ]
    newest = contents(feed)[0]
    assert newest.startswith("Nouvelle version référencée.\n")
    assert "Officina 7.3 — OFFICINA SOFT (LGO, vague 1), référencée le 15 avril 2025" in newest
    assert "remplace la version 7.2" in newest
    assert newest.endswith(
        f"Détecté lors de la synchronisation n° 2 du 2 juin 2025 : {ORIGIN}/synchronisations/2"
    )


def test_a_name_s_feed_says_withdrawals_and_field_changes(datasette):
    withdrawn = atom(datasette, f"{FEED}?nom=radiouest")
    assert entry_texts(withdrawn, "title")[0] == (
        "RadiOuest RIS 4.2.1 (RADIOLOGIE & IMAGERIE DU SUD-OUEST) : retirée de la liste, RIS"
    )
    assert contents(withdrawn)[0].startswith("Retirée de la liste.\n")
    changed = atom(datasette, f"{FEED}?nom=atelier")
    assert "Atelier PFI 2.1 (L'ATELIER DU SOIN) : modifiée, PFI" in entry_texts(changed, "title")
    assert any(
        "date de référencement : 14 février 2023 → 14 mars 2023" in text
        for text in contents(changed)
    )


@pytest.mark.parametrize("typed", ["kine", "soins", "radio", "consult"])
def test_a_name_s_feed_follows_what_the_look_up_finds(datasette, catalogue, typed):
    found = query(
        catalogue,
        "SELECT DISTINCT c.id, c.key FROM changes c JOIN name_terms t"
        " ON t.entity = c.entity AND t.key = c.key WHERE t.term >= ? AND t.term < ? || '~'",
        (typed, typed),
    )
    feed = atom(datasette, f"{FEED}?nom={typed}")
    ids = {int(entry_id.rpartition("/")[2]) for entry_id in entry_texts(feed, "id")}
    assert ids and ids <= {change_id for change_id, _ in found}
    keys_with_entries = {key for change_id, key in found if change_id in ids}
    assert keys_with_entries == {key for _, key in found}  # every entry found has its news
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith((f"{ORIGIN}/solution/", f"{ORIGIN}/candidature/")), link


def test_a_name_is_read_as_verifier_reads_it(datasette):
    feeds = [
        atom(datasette, f"{FEED}?nom={typed}") for typed in ("NET%20SOINS", "netsoins", "Net-Soins")
    ]
    assert {feed.findtext(f"{ATOM}id") for feed in feeds} == {
        "tag:segur-catalogue,2024:flux/changements/nom/netsoins"
    }
    assert len({tuple(entry_texts(feed, "id")) for feed in feeds}) == 1
    assert all(
        title.startswith("Net Soins 3.2 (NET SOINS SAS)")
        for title in entry_texts(feeds[0], "title")
    )
    assert not any("Maison" in title for title in entry_texts(feeds[0], "title"))
    assert any(
        "Maison Soins DUI" in title
        for title in entry_texts(atom(datasette, f"{FEED}?nom=soins"), "title")
    )


def test_a_name_s_feed_within_a_dispositif(datasette):
    feed = atom(datasette, f"{FEED}?nom=kine&dispositif=LGC%20SF")
    titles = entry_texts(feed, "title")
    assert titles and all(title.startswith("Kiné Suite") for title in titles)
    assert feed.findtext(f"{ATOM}title").endswith("pour « kine » (dispositif LGC SF)")


def test_a_name_nothing_happened_to_is_a_feed_saying_so(datasette):
    feed = atom(datasette, f"{FEED}?nom=zzzz")
    assert entry_texts(feed, "title") == ["Aucun changement pour « zzzz »"]


def test_a_name_too_short_to_look_up_is_refused_in_french(datasette):
    response = get(datasette, f"{FEED}?nom=%C3%A9")
    assert response.status_code == 400
    assert response.text == (
        "Nom à chercher trop court ou illisible : « é » (au moins 2 lettres ou chiffres)."
    )


def test_the_feeds_page_gives_the_feed_of_a_software(datasette, page):
    assert '<form class="segur-lookup segur-follow" action="/flux#suivre-un-logiciel"' in page
    assert '<label for="flux-nom">Nom du logiciel ou de l\'éditeur</label>' in page
    assert 'id="flux-nom" name="nom"' in page
    answer = get(datasette, "/flux?nom=Officina").text
    (address,) = [unescape(a) for a in ADDRESS.findall(answer) if "nom=" in a]
    assert address == f"{ORIGIN}{FEED}?nom=officina"
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", answer)).split())  # no-break spaces too
    assert "Ce nom trouve aujourd'hui : Officina (OFFICINA SOFT)." in said
    assert entry_texts(atom(datasette, address), "title")[0].startswith("Officina 7.3")
    refused = get(datasette, "/flux?nom=%C3%A9").text
    assert 'role="alert">Nom à chercher trop court ou illisible' in refused
    assert not [a for a in ADDRESS.findall(refused) if "nom=" in a]
    blank = get(datasette, "/flux?nom=+").text
    assert "role=\"alert\">Indiquez le nom d'un logiciel ou d'un éditeur." in unescape(blank)


def crawlable(robots: str, path: str) -> bool:
    """RFC 9309: the longest matching rule wins, Allow on a tie; `*` is any text."""
    rules = []
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        if field in ("Allow", "Disallow") and value.strip():
            pattern = ".*".join(map(re.escape, value.strip().split("*")))
            if re.match(pattern, path):
                rules.append((len(value.strip()), field == "Allow"))
    return max(rules, default=(0, True))[1]


def test_robots_may_read_the_feeds_page_and_the_general_feed_only(datasette):
    robots = get(datasette, "/robots.txt").text
    assert crawlable(robots, "/flux")
    assert crawlable(robots, FEED)
    assert not crawlable(robots, f"{FEED}?couloir=hopital")
    assert not crawlable(robots, f"{FEED}?dispositif=dui")
    assert not crawlable(robots, f"{FEED}?nom=netsoins")
    assert not crawlable(robots, "/flux?nom=netsoins")
    assert not crawlable(robots, "/catalogue/solutions.json")  # the matcher can refuse


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("couloir", "dispositif", "path", "title"),
    [
        ("", "", FEED, "Nouvelles solutions référencées Ségur"),
        ("hôpital", "", f"{FEED}?couloir=hopital", "… — couloir Hôpital"),
        ("", "MS1", f"{FEED}?dispositif=dui-ms1-pa-ph-dom", "… — dispositif DUI MS1 PA/PH/DOM"),
        ("Inconnu", "", f"{FEED}?couloir=inconnu", "… — couloir Inconnu"),
        (
            "social et medico social",
            "dui",
            f"{FEED}?couloir=social-et-medico-social&dispositif=dui",
            "… — couloir Social et médico-social, dispositif DUI",
        ),
    ],
)
def test_a_selection_reads_names_as_the_catalogue_spells_them(couloir, dispositif, path, title):
    selection = Selection.read(couloir, dispositif)
    assert selection.path == path
    assert selection.title == title.replace("…", "Nouvelles solutions référencées Ségur")


def test_a_selection_of_a_name_reads_it_as_a_look_up_does():
    selection = Selection.read("", "DUI", " Net Soins ")
    assert selection.path == f"{FEED}?nom=net-soins&dispositif=dui"
    assert selection.atom_id == (
        "tag:segur-catalogue,2024:flux/changements/nom/netsoins/dispositif/dui"
    )
    assert selection.title == (
        "Référencement Ségur — tous les changements pour « Net Soins » (dispositif DUI)"
    )
    assert "« Net Soins »" in selection.subtitle
    assert Selection.read("", "", "net-soins").atom_id == Selection.read("", "", "NETSOINS").atom_id


def test_feeds_by_couloir_orders_dispositifs_as_the_vocabulary_does():
    groups = feeds_by_couloir(
        [
            ("Social et médico-social", "DUI MS2 PDE"),
            ("Social et médico-social", "DUI MS1 PA/PH/DOM + MS2 PDS"),
            ("Médecin de ville", "LGC"),
            ("Médecin de ville", "Logiciel maison"),
            ("Médecin de ville", None),
            (None, "DPI"),
        ]
    )
    assert [group.couloir for group in groups] == ["Médecin de ville", "Social et médico-social"]
    assert [link.name for link in groups[0].dispositifs] == ["LGC", "Logiciel maison"]
    assert [(link.name, link.is_domain) for link in groups[1].dispositifs] == [
        ("DUI", False),
        ("DUI MS1 PA/PH/DOM", True),
        ("DUI MS2 PDE", True),
        ("DUI MS2 PDS", True),
    ]
    assert groups[1].anchor == "couloir-social-et-medico-social"
    assert groups[1].feed.path == f"{FEED}?couloir=social-et-medico-social"


def test_atom_text_is_escaped_and_keeps_only_what_xml_can_carry():
    feed = Feed(
        id="tag:example,2024:flux",
        title="Flux <b>",
        subtitle="Sous-titre",
        updated="2025-06-02T02:00:00+00:00",
        self_url="https://example.org/flux.atom?a=1&b=2",
        page_url="https://example.org/flux",
        author=Person("Catalogue Ségur", "https://example.org/"),
    )
    entry = Entry(
        id="tag:example,2024:1",
        title="Outil <script>\x01",
        updated="2025-06-02T02:00:00+00:00",
        content="Ligne 1\nLigne 2 & fin\x0b",
        link="https://example.org/solution/outil",
    )
    document = render_feed(feed, [entry])
    assert b"<script>" not in document and b"\x01" not in document
    root = ET.fromstring(document)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert root.findtext(f"{ATOM}title") == "Flux <b>"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("?a=1&b=2")
    parsed = root.find(f"{ATOM}entry")
    assert parsed.findtext(f"{ATOM}title") == "Outil <script>"
    assert parsed.findtext(f"{ATOM}content") == "Ligne 1\nLigne 2 & fin"
    assert parsed.find(f"{ATOM}content").get("type") == "text"
    assert parsed.find(f"{ATOM}author") is None
