"""parse_listing on small HTML strings: every rendering rule of contract 4.1."""

from __future__ import annotations

import pytest

from scraper.items import SolutionRecord
from scraper.parsers import RowContext, parse_listing
from scraper.parsers.dom import make_soup
from scraper.parsers.page import result_count
from scraper.parsers.pager import next_page_url

URL = "https://industriels.example/segur/solutions-referencees"
# One row with editor A, solution B, version 1; `{}` takes more <dt>/<dd> pairs.
ROW = "<dl><dt>Éditeur</dt><dd>A</dd><dt>Solution</dt><dd>B</dd><dt>Version</dt><dd>1</dd>{}</dl>"


def page(body: str, count: str = "3 résultats", title: str = "Solutions référencées") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<p>{count}</p>{body}</main></body></html>"
    )


def records(body: str, context: RowContext | None = None, **kwargs) -> list[SolutionRecord]:
    return parse_listing(page(body, **kwargs), URL, context).records


def triples(body: str, **kwargs) -> list[tuple[str, str, str]]:
    return [(r.editor, r.solution, r.version) for r in records(body, **kwargs)]


def only(body: str, context: RowContext | None = None, **kwargs) -> SolutionRecord:
    (record,) = records(body, context, **kwargs)
    return record


# ---------------------------------------------------------------- rendering 1: a full table

FULL_TABLE = """
<table>
 <thead><tr>
  <th>Éditeur</th><th>Nom du logiciel</th><th>Version technique</th><th>Couloir</th>
  <th>Dispositif</th><th>Vague</th><th>Date de référencement</th>
  <th>N° de référencement</th><th>Distributeurs</th><th>Premières installations réussies</th>
 </tr></thead>
 <tbody>
  <tr><td>ORISHA HEALTH &amp; SAFETY</td><td>DESMOS</td><td>3.3</td><td>Médecin de ville</td>
      <td>Logiciel de Gestion de Cabinet (LGC)</td><td>Vague 1</td><td>15/06/2022</td>
      <td>27F99871B4</td><td><ul><li>Distrib Nord</li><li>Distrib Sud</li></ul></td><td>-</td></tr>
  <tr><td>Histone</td><td>Lamweb</td><td>05.02</td><td>Biologie médicale</td><td>SGL</td>
      <td>V1</td><td>2022-06-15</td><td></td><td></td><td></td></tr>
  <tr><td>CGM</td><td>Molis</td><td>441-SP6</td><td>Imagerie</td><td>RIS</td><td>2</td>
      <td>1er juin 2022</td><td>—</td><td>Alpha<br>Beta</td><td>CH de Vienne</td></tr>
 </tbody>
</table>
"""


def test_full_table_gives_every_field_normalised():
    assert records(FULL_TABLE) == [
        SolutionRecord(
            editor="ORISHA HEALTH & SAFETY",
            solution="DESMOS",
            version="3.3",
            couloir="Médecin de ville",
            dispositif="LGC",
            vague=1,
            referenced_on="2022-06-15",
            reference_number="27f99871b4",
            distributors="Distrib Nord, Distrib Sud",
            pilots=None,
            source_url=URL,
        ),
        SolutionRecord(
            editor="Histone",
            solution="Lamweb",
            version="05.02",
            couloir="Biologie médicale",
            dispositif="SGL",
            vague=1,
            referenced_on="2022-06-15",
            source_url=URL,
        ),
        SolutionRecord(
            editor="CGM",
            solution="Molis",
            version="441-SP6",
            couloir="Radiologie",
            dispositif="RIS",
            vague=2,
            referenced_on="2022-06-01",
            distributors="Alpha, Beta",
            pilots="CH de Vienne",
            source_url=URL,
        ),
    ]


def test_full_table_page_facts():
    listing = parse_listing(page(FULL_TABLE), URL)
    assert (listing.announced, listing.invalid_rows, listing.problems) == (3, 0, [])
    assert (listing.next_url, listing.page_number, listing.facets) == (None, 0, [])


def test_table_header_in_first_row_of_td_and_th_first_body_cell():
    body = """<table><tr><td><strong>Raison sociale</strong></td><td>Solution</td>
    <td>Version</td></tr><tr><th>Dedalus</th><td>Kalisil</td><td>4.0</td></tr></table>"""
    assert triples(body) == [("Dedalus", "Kalisil", "4.0")]


def test_table_header_with_hidden_sort_text():
    body = """<table><thead><tr>
    <th><a href="?order=e">Éditeur<span class="visually-hidden">Trier par ordre croissant</span>
    </a></th>
    <th><a href="?order=s">Solution</a></th><th>Version</th></tr></thead>
    <tbody><tr><td>Inlog</td><td>Edgelab</td><td>7.0.1</td></tr></tbody></table>"""
    assert triples(body) == [("Inlog", "Edgelab", "7.0.1")]


def test_table_rowspan_editor_applies_to_each_row():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr>
    <tr><td rowspan="2">Dedalus</td><td>Kalisil</td><td>4.0</td></tr>
    <tr><td>Hexalis</td><td>5.0</td></tr></table>"""
    assert triples(body) == [("Dedalus", "Kalisil", "4.0"), ("Dedalus", "Hexalis", "5.0")]


def test_table_group_row_names_the_dispositif_of_rows_below():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr>
    <tr><td colspan="3">Transcodeur LOINC</td></tr>
    <tr><td>Kiro</td><td>KIRO LOINC MAPPER</td><td>1.0.0</td></tr></table>"""
    record = only(body)
    assert (record.dispositif, record.couloir) == ("Transcodeur LOINC", "Biologie médicale")


def test_table_repeated_header_and_empty_rows_are_skipped():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr>
    <tr><td>PHAST</td><td>PHAST Mapping Ségur</td><td>3.1</td></tr>
    <tr><td></td><td> </td><td></td></tr>
    <tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr>
    <tr><td>MIPS</td><td>Glims</td><td>10</td></tr></table>"""
    listing = parse_listing(page(body), URL)
    assert [r.solution for r in listing.records] == ["PHAST Mapping Ségur", "Glims"]
    assert listing.invalid_rows == 0


def test_unknown_table_column_is_reported():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th><th>Logo</th></tr>
    <tr><td>MIPS</td><td>Glims</td><td>10</td><td></td></tr></table>"""
    assert parse_listing(page(body), URL).problems == ["unknown column 'Logo'"]


# ---------------------------------------------------------------- rendering 2: cards

CARDS = """
<form action="/segur/solutions-referencees">
  <label for="rs">Raison sociale</label><input id="rs" name="field_raison_sociale_value">
  <label for="sol">Solution</label><input id="sol" name="field_logiciel_nom_value">
  <select name="field_categorie"><option value="All">Couloir</option></select>
  <button>Appliquer</button>
</form>
<aside>
  <h2>Dispositif</h2>
  <ul>
    <li><a href="?f%5B0%5D=dsr_solutions%3A372"><span>Système de Gestion de Laboratoire (SGL)</span>
        <span>(7)</span></a></li>
    <li><a href="?f%5B0%5D=dsr_solutions%3A373">Transcodeur LOINC (6)</a></li>
  </ul>
</aside>
<div class="grid">
  <article><h3>Kalisil</h3><dl>
    <dt>Éditeur</dt><dd>Dedalus</dd><dt>Solution</dt><dd>Kalisil</dd>
    <dt>Version</dt><dd>4.0</dd><dt>Référencé le</dt><dd>12 septembre 2023</dd></dl></article>
  <article><h3>Tdnexlabs</h3><dl>
    <dt>Éditeur :</dt><dd>Technidata</dd><dt>Solution :</dt><dd>Tdnexlabs</dd>
    <dt>Version :</dt><dd>V2</dd></dl><a href="/fiche/2">En savoir plus</a></article>
</div>
"""


def test_cards_take_dispositif_and_couloir_from_context():
    context = RowContext(couloir="Biologie médicale", dispositif="SGL", vague=1)
    assert records(CARDS, context) == [
        SolutionRecord(
            editor="Dedalus",
            solution="Kalisil",
            version="4.0",
            couloir="Biologie médicale",
            dispositif="SGL",
            vague=1,
            referenced_on="2023-09-12",
            source_url=URL,
        ),
        SolutionRecord(
            editor="Technidata",
            solution="Tdnexlabs",
            version="V2",
            couloir="Biologie médicale",
            dispositif="SGL",
            vague=1,
            source_url=URL,
        ),
    ]


def test_cards_without_context_leave_dispositif_unknown():
    assert [(r.dispositif, r.couloir) for r in records(CARDS)] == [(None, None), (None, None)]


def test_cards_page_lists_facets_and_ignores_filter_form_and_facet_block():
    listing = parse_listing(page(CARDS, count="2 résultats"), URL)
    assert (len(listing.records), listing.invalid_rows, listing.problems) == (2, 0, [])
    assert [(f.dispositif, f.count) for f in listing.facets] == [
        ("SGL", 7),
        ("Transcodeur LOINC", 6),
    ]


def test_couloir_derived_from_context_dispositif():
    (record, _) = records(CARDS, RowContext(dispositif="SGL"))
    assert (record.dispositif, record.couloir) == ("SGL", "Biologie médicale")


# ---------------------------------------------------------------- other block renderings


def test_label_colon_value_text_with_br():
    body = """<div class="item"><p>Éditeur : Bio Logbook<br>
    Solution : Bio Logbook – Transcodification<br>Version : 1.0<br>
    Dispositif : Transcodeur LOINC</p></div>
    <div class="item"><p>Éditeur : Medicus AI France<br>Solution : Lingua<br>Version : 2.0.0
    <br>Dispositif : Transcodeur LOINC</p></div>"""
    assert triples(body) == [
        ("Bio Logbook", "Bio Logbook – Transcodification", "1.0"),
        ("Medicus AI France", "Lingua", "2.0.0"),
    ]


def test_drupal_views_field_label_spans():
    row = """<div class="views-row">
      <div class="views-field views-field-field-editeur"><span class="views-label">Éditeur : </span>
        <div class="field-content">{editor}</div></div>
      <div class="views-field views-field-title"><span class="views-label">Nom commercial : </span>
        <span class="field-content"><a href="/s/1">{solution}</a></span></div>
      <div class="views-field"><span class="views-label">Numéro de version : </span>
        <span class="field-content">{version}</span></div>
      <div class="views-field"><span class="views-label">Type de logiciel : </span>
        <span class="field-content">Système de Gestion de Laboratoire</span></div>
    </div>"""
    body = row.format(editor="Dedalus", solution="Hexalis", version="5.0") + row.format(
        editor="Inlog", solution="Edgelab", version="7.0.1"
    )
    listing = parse_listing(page(body), URL)
    assert [(r.editor, r.solution, r.version, r.dispositif) for r in listing.records] == [
        ("Dedalus", "Hexalis", "5.0", "SGL"),
        ("Inlog", "Edgelab", "7.0.1", "SGL"),
    ]


def test_two_column_table_per_solution():
    table = """<table><tr><th>Éditeur</th><td>{0}</td></tr><tr><th>Solution</th><td>{1}</td></tr>
    <tr><th>Version</th><td>{2}</td></tr><tr><th>DSR</th><td>DPI</td></tr></table>"""
    body = table.format("MAINCARE", "M-CrossWay", "8.4") + table.format(
        "SOFTWAY", "Hopital Manager", "2023.2"
    )
    assert [(r.solution, r.dispositif, r.couloir) for r in records(body)] == [
        ("M-CrossWay", "DPI", "Hôpital"),
        ("Hopital Manager", "DPI", "Hôpital"),
    ]


def test_flat_dl_starts_a_row_when_a_field_comes_again():
    body = """<dl><dt>Raison sociale</dt><dd>ONAOS SAS</dd><dt>Logiciel</dt><dd>LOINC-Mapper</dd>
    <dt>Version</dt><dd>1.0</dd><dt>Raison sociale</dt><dd>Kiro</dd>
    <dt>Logiciel</dt><dd>KIRO LOINC MAPPER</dd><dt>Version</dt><dd>1.0.0</dd></dl>"""
    assert triples(body) == [
        ("ONAOS SAS", "LOINC-Mapper", "1.0"),
        ("Kiro", "KIRO LOINC MAPPER", "1.0.0"),
    ]


def test_flat_sequence_of_paragraphs():
    body = """<div><p>Fournisseur : PHAST</p><p>Solution : PHAST Mapping Ségur</p>
    <p>Version : 3.1</p><hr><p>Fournisseur : Kiro</p><p>Solution : KIRO LOINC MAPPER</p>
    <p>Version : 1.0.0</p></div>"""
    assert triples(body) == [
        ("PHAST", "PHAST Mapping Ségur", "3.1"),
        ("Kiro", "KIRO LOINC MAPPER", "1.0.0"),
    ]


def test_list_items_with_bold_labels():
    body = """<ul class="results"><li><ul><li><b>Éditeur</b> : MIPS</li>
    <li><b>Solution</b> : Glims</li><li><b>Version</b> : 10</li></ul></li>
    <li><ul><li><b>Éditeur</b> : CGM</li>
    <li><b>Solution</b> : Molis</li><li><b>Version</b> : 441-SP6</li></ul></li></ul>"""
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


def test_several_labels_in_one_line():
    body = "<p>Éditeur : Kiro – Solution : KIRO LOINC MAPPER | Version : 1.0.0</p>"
    assert triples(body, count="1 résultat") == [("Kiro", "KIRO LOINC MAPPER", "1.0.0")]


def test_label_element_then_value_in_next_column():
    body = """<div><div><div><strong>Éditeur</strong></div><div>Dedalus</div></div>
    <div><div><strong>Solution</strong></div><div>Kalisil</div></div>
    <div><div><strong>Version</strong></div><div>4.0</div></div></div>"""
    assert triples(body, count="1 résultat") == [("Dedalus", "Kalisil", "4.0")]


def test_value_that_reads_like_a_label_stays_a_value():
    body = ROW.replace("<dd>A</dd>", "<dd>ACME</dd>").replace("<dd>B</dd>", "<dd>Logiciel</dd>")
    assert triples(body) == [("ACME", "Logiciel", "1")]


def test_distributors_as_list_and_pilots_as_br_lines():
    body = """<dl><dt>Éditeur</dt><dd>KINÉ'ASSIST</dd><dt>Solution</dt><dd>KinéAgenda</dd>
    <dt>Version</dt><dd>3.2</dd><dt>Distributeurs</dt><dd>Alpha Santé</dd><dd>Bêta &amp; Fils</dd>
    <dt>Installations pilotes</dt><dd>Cabinet du Lac (Annecy)<br>CH de Vienne</dd></dl>"""
    record = only(body)
    assert (record.distributors, record.pilots) == (
        "Alpha Santé, Bêta & Fils",
        "Cabinet du Lac (Annecy), CH de Vienne",
    )


def test_distributors_after_label_line_as_list():
    body = """<article><p>Éditeur : Kiro</p><p>Solution : KIRO LOINC MAPPER</p>
    <p>Version : 1.0.0</p><p>Distributeurs :</p><ul><li>Alpha</li><li>Beta</li></ul>
    <p>Contact : kiro.example</p></article>"""
    assert only(body).distributors == "Alpha, Beta"


def test_page_level_pairs_are_not_rows():
    body = """<p>Version : 2.3 du document</p>
    <div><div class=c><span>Éditeur</span> <span>MIPS</span> <span>Solution</span>
    <span>Glims</span> <span>Version</span> <span>10</span></div>
    <div class=c><span>Éditeur</span> <span>CGM</span> <span>Solution</span> <span>Molis</span>
    <span>Version</span> <span>441-SP6</span></div></div>"""
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    "printed, iso",
    [
        ("15/06/2022", "2022-06-15"),
        ("15 juin 2022", "2022-06-15"),
        ("1er juin 2022", "2022-06-01"),
        ("2022-06-15", "2022-06-15"),
        ("<time datetime='2022-06-15'>15 juin 2022</time>", "2022-06-15"),
    ],
)
def test_referencing_date_formats(printed, iso):
    body = ROW.format(f"<dt>Date de décision</dt><dd>{printed}</dd>")
    assert only(body).referenced_on == iso


@pytest.mark.parametrize(
    "printed, vague", [("Vague 1", 1), ("V1", 1), ("1", 1), ("vague 2", 2), ("V2", 2)]
)
def test_vague_forms(printed, vague):
    body = ROW.format(f"<dt>Vague</dt><dd>{printed}</dd>")
    assert only(body).vague == vague


def test_vague_from_row_then_context_then_heading():
    with_vague = ROW.format("<dt>Vague</dt><dd>2</dd>")
    assert only(with_vague, RowContext(vague=1), title="Vague 1").vague == 2
    assert only(ROW.format(""), RowContext(vague=1), title="Solutions – Vague 2").vague == 1
    assert only(ROW.format(""), title="Solutions – Vague 2").vague == 2
    assert only(ROW.format("")).vague is None


def test_heading_vague_is_a_page_fact():
    assert (
        parse_listing(page(ROW.format(""), title="Solutions référencées – Vague 2"), URL).vague == 2
    )


@pytest.mark.parametrize(
    "name",
    [
        "MY HEALTH-LA SANTÉ DANS LA POCHE",
        "L'ATELIER DU SOIN",
        "Bio Logbook – Transcodification",
        "RADIOLOGIE &amp; IMAGERIE DU SUD-OUEST",
        "Foo &lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_names_are_kept_as_printed_text(name):
    expected = name.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert only(ROW.replace("<dd>A</dd>", f"<dd>{name}</dd>")).editor == expected


def test_script_element_inside_a_value_is_not_text():
    body = ROW.replace("<dd>B</dd>", "<dd>Kaducée<script>track()</script></dd>")
    assert only(body).solution == "Kaducée"


@pytest.mark.parametrize("version", ["05.02", "V2", "441-SP6", "1.32.0", "10", "2023.2"])
def test_versions_stay_strings_as_printed(version):
    assert only(ROW.replace("<dd>1</dd>", f"<dd>{version}</dd>")).version == version


def test_whitespace_of_every_kind_is_collapsed():
    body = ROW.replace("<dd>A</dd>", "<dd>\n  ONAOS\u00a0\u202fSAS \t</dd>")
    assert only(body).editor == "ONAOS SAS"


@pytest.mark.parametrize(
    "printed, kept",
    [
        ("27F99871B4", "27f99871b4"),
        (" 27f99871b4 ", "27f99871b4"),
        ("DSR-MDV-LGC-Va1/0042", "DSR-MDV-LGC-Va1/0042"),
    ],
)
def test_reference_number_kept_in_printed_form(printed, kept):
    body = ROW.format(f"<dt>Numéro de référencement</dt><dd>{printed}</dd>")
    assert only(body).reference_number == kept


@pytest.mark.parametrize(
    "printed, dispositif, couloir",
    [
        ("Dossier Patient Informatisé (DPI)", "DPI", "Hôpital"),
        ("MS1 PA/PH/DOM", "DUI MS1 PA/PH/DOM", "Social et médico-social"),
        ("DUI – MS2 PDE", "DUI MS2 PDE", "Social et médico-social"),
        ("DRIMbox", "DRIMbox", "Radiologie"),
        ("LGC Sages-femmes", "LGC SF", "Sages-femmes et paramédicaux"),
    ],
)
def test_dispositif_mapped_to_vocabulary_and_couloir_derived(printed, dispositif, couloir):
    record = only(ROW.format(f"<dt>Dispositif</dt><dd>{printed}</dd>"))
    assert (record.dispositif, record.couloir) == (dispositif, couloir)


@pytest.mark.parametrize(
    "printed, couloir",
    [
        ("Imagerie", "Radiologie"),
        ("Imagerie (Radiologie)", "Radiologie"),
        ("Médico-social", "Social et médico-social"),
    ],
)
def test_couloir_mapped_to_vocabulary(printed, couloir):
    assert only(ROW.format(f"<dt>Catégorie</dt><dd>{printed}</dd>")).couloir == couloir


def test_row_couloir_wins_over_context():
    record = only(ROW.format("<dt>Couloir</dt><dd>Officine</dd>"), RowContext(couloir="Hôpital"))
    assert record.couloir == "Officine"


def test_unknown_dispositif_kept_as_printed_with_a_problem():
    listing = parse_listing(page(ROW.format("<dt>Dispositif</dt><dd>Logiciel  Nouveau</dd>")), URL)
    assert listing.records[0].dispositif == "Logiciel Nouveau"
    assert listing.problems == ["unknown dispositif 'Logiciel Nouveau'"]


@pytest.mark.parametrize("empty", ["", " ", "-", "—", "–"])
def test_dash_or_empty_value_is_missing(empty):
    body = ROW.format(f"<dt>Distributeurs</dt><dd>{empty}</dd><dt>Vague</dt><dd>{empty}</dd>")
    record = only(body, RowContext(vague=1))
    assert (record.distributors, record.vague) == (None, 1)


def test_row_without_version_is_invalid_not_a_record():
    body = (
        ROW.replace("<dd>1</dd>", "<dd>-</dd>") + "<hr>" + ROW.replace("<dd>A</dd>", "<dd>Z</dd>")
    )
    listing = parse_listing(page(f"<div>{body}</div>"), URL)
    assert ([r.editor for r in listing.records], listing.invalid_rows) == (["Z"], 1)
    assert listing.problems == ["row 1: no version"]


def test_unknown_layout_gives_no_record_and_keeps_the_announced_count():
    body = (
        """<div class="r"><span>Producteur</span> <span>ACME</span> <span>Produit</span>
    <span>Widget</span> <span>Révision</span> <span>3</span></div>"""
        * 3
    )
    listing = parse_listing(page(body, count="3 résultats"), URL)
    assert (listing.announced, listing.records, listing.invalid_rows) == (3, [], 0)


def test_whole_view_inside_its_filter_form_is_still_read():
    body = f"<form><input name='search_api_fulltext'>{FULL_TABLE}</form>"
    assert len(records(body)) == 3


# ---------------------------------------------------------------- result line


def count_of(html: str) -> int | None:
    return result_count(make_soup(html))


@pytest.mark.parametrize(
    "line, count",
    [
        ("137 résultats", 137),
        ("1 résultat", 1),
        ("Aucun résultat", 0),
        ("Aucun résultat ne correspond à votre recherche.", 0),
        ("1 234 résultats", 1234),
        ("1\u00a0234 résultats", 1234),
        ("1\u202f234 résultats", 1234),
        ("1\u2009234 Résultats", 1234),
        ("<strong>42</strong> résultats", 42),
        ("Affichage de 1 à 20 sur 137 résultats", 137),
    ],
)
def test_result_line(line, count):
    assert count_of(f"<body><div>{line}</div></body>") == count


def test_result_line_number_does_not_merge_with_previous_text():
    assert count_of("<body><h1><span>Vague 2</span> <span>137 résultats</span></h1></body>") == 137


def test_result_line_number_does_not_join_a_word_in_the_next_cell():
    """A version cell "10" followed by an editor "RÉSULTATS & ANALYSES" is not a result line;
    the real one comes after the table."""
    html = """<body><table><tr><th>Version</th><th>Éditeur</th></tr>
    <tr><td>10</td><td>RÉSULTATS &amp; ANALYSES</td></tr></table>
    <footer><p>9 résultats</p></footer></body>"""
    assert count_of(html) == 9


def test_result_line_ignores_scripts_and_page_size_choices():
    html = """<body><script>var s = "99 résultats";</script>
    <select><option>50 résultats</option></select><p>Afficher 50 résultats par page</p>
    <p>12 résultats</p></body>"""
    assert count_of(html) == 12


def test_maintenance_page_has_no_result_line():
    html = "<html><body><h1>Site en maintenance</h1><p>Revenez plus tard.</p></body></html>"
    listing = parse_listing(html, URL)
    assert (listing.announced, listing.records, listing.next_url) == (None, [], None)


# ---------------------------------------------------------------- pager


def next_of(pager: str, url: str = URL) -> str | None:
    return next_page_url(make_soup(f"<body><nav>{pager}</nav></body>"), url)


def test_next_link_by_rel():
    assert next_of('<a href="?page=1" rel="next">››</a>') == URL + "?page=1"


@pytest.mark.parametrize(
    "text",
    [
        "Suivant",
        "Page suivante",
        "›",
        "»",
        "Suivant ›",
        "Page suivante ›",
        "suivant »",
        "SUIVANT",
        "→",
        "Next",
    ],
)
def test_next_link_by_text_only(text):
    assert next_of(f'<a href="?page=1">{text}</a>') == URL + "?page=1"


def test_next_link_by_aria_label():
    assert (
        next_of('<a href="?page=1" aria-label="Aller à la page suivante"><i></i></a>')
        == URL + "?page=1"
    )


def test_full_pager_prefers_page_plus_one_over_last_page():
    pager = """<a href="?page=0">« Premier</a><a href="?page=2">‹ Précédent</a>
    <a href="?page=2">3</a><a href="?page=4">5</a><a href="?page=4">›</a><a href="?page=9">»</a>"""
    assert next_of(pager, URL + "?page=3") == URL + "?page=4"


def test_last_page_has_no_next():
    pager = (
        '<a href="?page=0">« Premier</a><a href="?page=3">‹ Précédent</a><a href="?page=4">5</a>'
    )
    assert next_of(pager, URL + "?page=4") is None


def test_next_link_keeps_other_query_parameters():
    url = URL + "?f%5B0%5D=dsr_solutions%3ADUI"
    target = next_of('<a href="?f%5B0%5D=dsr_solutions%3ADUI&amp;page=1">Suivant</a>', url)
    assert target == URL + "?f%5B0%5D=dsr_solutions%3ADUI&page=1"


@pytest.mark.parametrize(
    "href",
    [
        "/en/segur/solutions-referencees?page=1",
        "https://elsewhere.example/s?page=1",
        "?page=0",
        "?sort=asc",
    ],
)
def test_next_link_rejected_when_english_foreign_or_not_forward(href):
    assert next_of(f'<a href="{href}" rel="next">Suivant</a>') is None


def test_next_and_page_number_on_listing():
    listing = parse_listing(page(FULL_TABLE + '<a href="?page=3">Suivant</a>'), URL + "?page=2")
    assert (listing.page_number, listing.next_url) == (2, URL + "?page=3")


def test_article_next_link_is_not_a_pager():
    assert next_of('<a href="/actualites/autre" rel="next">Article suivant</a>') is None


# ---------------------------------------------------------------- facets


def facets_of(html: str, url: str = URL):
    return parse_listing(page(html), url).facets


def test_facet_with_opaque_term_id_reads_the_label():
    (facet,) = facets_of(
        '<a href="?f%5B0%5D=dsr_solutions%3A372">Dossier Usager Informatisé (DUI) (59)</a>'
    )
    assert facet.name == "dsr_solutions"
    assert (facet.value, facet.label, facet.count) == (
        "372",
        "Dossier Usager Informatisé (DUI)",
        59,
    )
    assert (facet.dispositif, facet.couloir) == ("DUI", "Social et médico-social")
    assert facet.url == URL + "?f%5B0%5D=dsr_solutions%3A372"


def test_facet_helper_text_and_count_markup_are_dropped():
    link = """<a href="?f[0]=dsr_solutions:MS2PDE"><span class="facet-item__status">(-)</span>
    <span class="visually-hidden">Apply MS2 PDE filter</span><span>MS2 PDE</span>
    <span class="facet-item__count">(1 4)</span></a>"""
    (facet,) = facets_of(link)
    assert (facet.label, facet.count, facet.dispositif) == ("MS2 PDE", 14, "DUI MS2 PDE")


def test_facet_naming_a_dispositif_with_its_domains_names_the_dispositif():
    (facet,) = facets_of(
        '<a href="?f%5B0%5D=dsr_solutions%3A388">DUI MS1 PA/PH/DOM, MS2 PDE, MS2 PDS (62)</a>'
    )
    assert (facet.dispositif, facet.couloir, facet.count) == ("DUI", "Social et médico-social", 62)


def test_couloir_facet_names_a_couloir():
    (facet,) = facets_of('<a href="?f[0]=couloir:12">Imagerie (10)</a>')
    assert (facet.name, facet.couloir, facet.dispositif) == ("couloir", "Radiologie", None)


def test_facet_link_adding_to_current_filters_names_the_added_one():
    url = URL + "?f%5B0%5D=couloir%3A12"
    (facet,) = facets_of(
        '<a href="?f%5B0%5D=couloir%3A12&f%5B1%5D=dsr_solutions%3A40">DRIMbox (2)</a>', url
    )
    assert (facet.name, facet.value, facet.dispositif) == ("dsr_solutions", "40", "DRIMbox")


def test_facets_deduplicated_by_url():
    link = '<a href="?f[0]=dsr_solutions:LGO">{}</a>'
    links = link.format("LGO (11)") + link.format("Officine")
    assert len(facets_of(links)) == 1


def test_facet_block_titled_dispositif_is_not_a_row():
    block = """<div><h2>Dispositif</h2><ul><li><a href="?f[0]=dsr_solutions:DPI">DPI (3)</a></li>
    <li><a href="?f[0]=dsr_solutions:RI">Référentiel Identité (1)</a></li></ul></div>"""
    listing = parse_listing(page(block + FULL_TABLE), URL)
    assert (len(listing.records), listing.invalid_rows, listing.problems) == (3, 0, [])


def test_dispositif_cell_linking_to_a_facet_is_still_read():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th><th>Dispositif</th></tr>
    <tr><td>Kiro</td><td>KIRO</td><td>1</td><td><a href="?f[0]=dsr_solutions:9">LOINC</a></td></tr>
    </table>"""
    assert only(body).dispositif == "Transcodeur LOINC"


# ---------------------------------------------------------------- more renderings


def test_responsive_table_cells_repeating_their_label():
    body = """<table><thead><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr></thead>
    <tr><td><span class="cell-label">Éditeur</span> Dedalus</td><td><b>Solution :</b> Kalisil</td>
    <td>Version : 4.0</td></tr></table>"""
    assert triples(body) == [("Dedalus", "Kalisil", "4.0")]


def test_responsive_cell_holding_only_its_label_has_no_value():
    """An empty optional cell still repeats its label ("Distributeurs : " and nothing)."""
    body = """<table><thead><tr><th>Éditeur</th><th>Solution</th><th>Version</th>
    <th>N° de référencement</th><th>Distributeurs</th></tr></thead>
    <tr><td><span>Éditeur : </span>Dedalus</td><td><span>Solution : </span>Kalisil</td>
    <td><span>Version : </span>4.0</td><td><span>N° de référencement : </span></td>
    <td><span aria-hidden="true">Distributeurs : </span></td></tr></table>"""
    record = only(body)
    assert (record.editor, record.version) == ("Dedalus", "4.0")
    assert (record.reference_number, record.distributors) == (None, None)


def test_invisible_soft_hyphens_and_zero_width_spaces_are_not_part_of_values():
    """A hyphenation helper's `&shy;` must not change a name (nor the key built from it)."""
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th><th>Dispositif</th></tr>
    <tr><td>ÉCLIPSE INFORM&shy;ATIQUE MÉDICALE</td><td>Usa&#x200b;ger&#xfeff; Suite</td>
    <td>10.9</td><td>DUI MS1 PA/&#x200b;PH/&#x200b;DOM</td></tr></table>"""
    record = only(body)
    assert (record.editor, record.solution) == ("ÉCLIPSE INFORMATIQUE MÉDICALE", "Usager Suite")
    assert record.dispositif == "DUI MS1 PA/PH/DOM"


def test_cell_value_equal_to_a_label_is_kept():
    body = """<table><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr>
    <tr><td>Logiciel SA</td><td>Logiciel</td><td>1</td></tr></table>"""
    assert triples(body) == [("Logiciel SA", "Logiciel", "1")]


def test_header_table_lending_its_columns_to_the_body_table_after_it():
    body = """<table><thead><tr><th>Éditeur</th><th>Solution</th><th>Version</th></tr></thead>
    </table><table><tr><td>Dedalus</td><td>Kalisil</td><td>4.0</td></tr>
    <tr><td>Inlog</td><td>Edgelab</td><td>7.0.1</td></tr></table>"""
    assert triples(body) == [("Dedalus", "Kalisil", "4.0"), ("Inlog", "Edgelab", "7.0.1")]


def test_label_in_a_card_heading():
    body = """<ul><li><h3>Solution : Glims</h3><p>Éditeur : MIPS</p><p>Version : 10</p></li>
    <li><h3>Solution : Molis</h3><p>Éditeur : CGM</p><p>Version : 441-SP6</p></li></ul>"""
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


def test_label_alone_on_its_line_then_value_after_br():
    body = "<p>Éditeur :<br>MIPS<br>Solution :<br>Glims<br>Version :<br>10</p>"
    assert triples(body) == [("MIPS", "Glims", "10")]


def test_drupal_field_items_give_several_distributors():
    field = '<div><div class="field__label">{}</div><div class="field__items">{}</div></div>'
    item = '<div class="field__item">{}</div>'
    body = "<article>{}</article>".format(
        field.format("Éditeur", item.format("MIPS"))
        + field.format("Solution", item.format("Glims"))
        + field.format("Version", item.format("10"))
        + field.format("Distributeurs", item.format("Alpha") + item.format("Beta"))
    )
    assert only(body).distributors == "Alpha, Beta"


def test_rows_printing_two_solution_labels_are_grouped_by_editor():
    card = """<div class="card"><p>Éditeur : {0}</p><p>Logiciel : {1}</p>
    <p>Nom commercial : {1} Pro</p><p>Version : {2}</p></div>"""
    body = card.format("MIPS", "Glims", "10") + card.format("CGM", "Molis", "441-SP6")
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


def test_flat_fields_without_row_wrapper():
    field = '<div class="views-field"><span>{}</span> <span>{}</span></div>'
    row = "".join(
        field.format(*p) for p in (("Éditeur", "{}"), ("Solution", "{}"), ("Version", "{}"))
    )
    body = (
        "<div>" + row.format("MIPS", "Glims", "10") + row.format("CGM", "Molis", "441") + "</div>"
    )
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441")]


def test_rows_printed_twice_identically_are_read_once():
    listing = parse_listing(page(FULL_TABLE + FULL_TABLE.replace("<table>", "<table hidden>")), URL)
    assert len(listing.records) == 3
    assert listing.problems == ["3 rows repeated identically on the page were read once"]


def test_facet_count_printed_after_the_link():
    (facet,) = facets_of('<li><a href="?f[0]=dsr_solutions:7">DRIMbox</a> <span>(2)</span></li>')
    assert (facet.label, facet.count) == ("DRIMbox", 2)


def test_next_link_from_head_link_rel_next():
    html = f'<html><head><link rel="next" href="{URL}?page=1"></head><body></body></html>'
    assert next_page_url(make_soup(html), URL) == URL + "?page=1"


@pytest.mark.parametrize(
    "query, number", [("", 0), ("?page=3", 3), ("?page=2,0", 2), ("?page=x", 0), ("?page=-1", 0)]
)
def test_page_number_of_the_url(query, number):
    assert parse_listing(page(""), URL + query).page_number == number


def test_aria_table_built_from_divs():
    cell = '<div role="cell">{}</div>'
    row = '<div role="row">' + cell * 3 + "</div>"
    body = (
        '<div role="table"><div role="rowgroup"><div role="row">'
        '<div role="columnheader">Éditeur</div><div role="columnheader">Solution</div>'
        '<div role="columnheader">Version</div></div></div><div role="rowgroup">'
        + row.format("MIPS", "Glims", "10")
        + row.format("CGM", "Molis", "441-SP6")
        + "</div></div>"
    )
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


def test_header_row_of_spans_then_rows_of_spans():
    row = "<li><span>{}</span><span>{}</span><span>{}</span><span>{}</span></li>"
    body = (
        "<ul>"
        + row.format("Raison sociale", "Logiciel", "Version", "Distributeurs")
        + row.format("Histone", "Lamweb", "05.02", "")
        + row.format("Technidata", "Tdnexlabs", "V2", "Alpha")
        + "</ul>"
    )
    listing = parse_listing(page(body), URL)
    assert [(r.editor, r.version, r.distributors) for r in listing.records] == [
        ("Histone", "05.02", None),
        ("Technidata", "V2", "Alpha"),
    ]


def test_header_names_by_abbreviation_title_or_slash():
    body = """<table><tr><th>Éditeur / Raison sociale</th><th>Solution</th>
    <th><abbr title="Numéro de version">N° v.</abbr></th></tr>
    <tr><td>Dedalus</td><td>Kalisil</td><td>4.0</td></tr></table>"""
    assert triples(body) == [("Dedalus", "Kalisil", "4.0")]


def test_value_reading_like_a_label_between_spans():
    body = "<div><span>Éditeur</span><span>ACME</span><span>Solution</span><span>Logiciel</span>"
    body += "<span>Version</span><span>1</span></div>"
    assert triples(body) == [("ACME", "Logiciel", "1")]


def test_transposed_table_one_solution_per_column():
    body = """<table><tr><th>Éditeur</th><td>MIPS</td><td>CGM</td></tr>
    <tr><th>Solution</th><td>Glims</td><td>Molis</td></tr>
    <tr><th>Version</th><td>10</td><td>441-SP6</td></tr></table>"""
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "441-SP6")]


def test_links_resolve_against_base_href():
    html = page('<a href="liste?page=1">Suivant</a>').replace(
        "<head>", '<head><base href="https://industriels.example/segur/">'
    )
    assert parse_listing(html, URL).next_url == "https://industriels.example/segur/liste?page=1"


def test_table_rows_of_label_value_pairs_are_not_a_header():
    pairs = "<th>Éditeur</th><td>{}</td><th>Solution</th><td>{}</td><th>Version</th><td>{}</td>"
    row = f"<tr>{pairs}</tr>"
    body = (
        "<table>" + row.format("MIPS", "Glims", "10") + row.format("CGM", "Molis", "4") + "</table>"
    )
    assert triples(body) == [("MIPS", "Glims", "10"), ("CGM", "Molis", "4")]


def test_unclosed_table_markup_is_read():
    body = "<table><tr><th>Éditeur<th>Solution<th>Version<tr><td>MIPS<td>Glims<td>10</table>"
    assert triples(body) == [("MIPS", "Glims", "10")]


def test_empty_document_is_unreadable_not_empty():
    listing = parse_listing("", URL)
    assert (listing.announced, listing.records, listing.next_url) == (None, [], None)


def test_vague_facet_names_its_vague():
    (facet,) = facets_of('<a href="?f[0]=vague:1">Vague 1 (240)</a>')
    assert (facet.name, facet.vague, facet.dispositif, facet.count) == ("vague", 1, None, 240)


def test_page_reached_through_facets_reads_them_from_their_links():
    url = URL + "?f%5B0%5D=vague%3A7&f%5B1%5D=dsr_solutions%3A372"
    links = """<a href="?f%5B0%5D=dsr_solutions%3A372">(-) Vague 2</a>
    <a href="?f%5B0%5D=vague%3A7">(-) Dossier Patient Informatisé (DPI)</a>"""
    listing = parse_listing(page(links + ROW.format("")), url)
    record = listing.records[0]
    assert (record.dispositif, record.couloir, record.vague, listing.vague) == (
        "DPI",
        "Hôpital",
        2,
        2,
    )


def test_context_wins_over_the_page_own_facets():
    url = URL + "?f%5B0%5D=dsr_solutions%3A372"
    link = '<a href="?f%5B0%5D=dsr_solutions%3A372">(-) DPI</a><a href="?">Tout</a>'
    record = only(ROW.format(""), RowContext(dispositif="PFI")).dispositif
    assert record == "PFI"
    assert parse_listing(page(link + ROW.format("")), url).records[0].dispositif == "DPI"


def test_active_facet_mark_is_not_part_of_the_label():
    (facet,) = facets_of('<a href="?f[0]=dsr_solutions:3">(-) Référentiel Identité (RI)</a>')
    assert (facet.label, facet.dispositif) == ("Référentiel Identité (RI)", "RI")


def test_unknown_couloir_kept_as_printed_with_a_problem():
    listing = parse_listing(page(ROW.format("<dt>Couloir</dt><dd>Spatial</dd>")), URL)
    assert (listing.records[0].couloir, listing.problems) == (
        "Spatial",
        ["unknown couloir 'Spatial'"],
    )


def test_facets_of_english_copy_or_other_host_are_left_out():
    links = """<a href="/en/segur?f[0]=dsr_solutions:DUI">DUI (59)</a>
    <a href="https://industriels.esante.gouv.fr/s?f[0]=dsr_solutions:DUI">DUI (59)</a>
    <a href="?f[0]=dsr_solutions:DUI">DUI (59)</a>"""
    assert [f.url for f in facets_of(links)] == [URL + "?f[0]=dsr_solutions:DUI"]


def test_numbered_pager_whose_only_arrow_is_the_last_page_goes_to_the_next_page():
    html = """<main><p>120 résultats</p><nav><ul>
      <li><a href="?page=0">1</a></li><li><a href="?page=1">2</a></li>
      <li><a href="?page=2">3</a></li><li><a href="?page=5">»</a></li></ul></nav></main>"""
    page = parse_listing(html, "https://example.org/liste")
    assert page.next_url == "https://example.org/liste?page=1"
