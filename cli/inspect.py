"""`segur inspect`: what the parsers understood of one page, for an operator."""

from __future__ import annotations

import sys

import click

from cli.options import labels_option

MAX_ROWS_SHOWN = 20


@click.command()
@click.argument("target")
@click.option(
    "--url", help="The page's address: for a FILE, to resolve its links; for an ARCHIVE, the page."
)
@labels_option
def inspect(target, url, extra_labels):
    """Show what the scraper reads of one page: its kind, the announced count,
    each row, the labels it maps to fields and those it does not (the likely new
    synonyms, with the lines of a labels file to add), the facets, the next page,
    and a verdict. TARGET is a URL (one request), a saved HTML FILE, or a WARC
    ARCHIVE written by `segur sync` (no request).

    Exit codes: 0 readable; 1 not readable, or the page could not be fetched;
    2 bad option.

    \b
    Examples:
        segur inspect https://industriels.esante.gouv.fr/segur-du-numerique-en-sante/solutions-referencees-segur
        segur inspect saved-page.html --url https://industriels.esante.gouv.fr/...
        segur inspect data/archive/run-12.warc.gz --url https://industriels.esante.gouv.fr/...
        segur inspect page.html --labels labels.toml
    """
    from scraper.inspection import inspect_page, suggested_labels
    from scraper.page_source import PageSourceError, read_page

    if extra_labels:
        from scraper.parsers.labels import use_extra_labels

        use_extra_labels(extra_labels)
    try:
        html, page_url = read_page(target, url)
    except PageSourceError as error:
        click.echo(f"segur inspect: {error}", err=True)
        sys.exit(1)
    inspection = inspect_page(html, page_url)
    for line in report_lines(inspection):
        click.echo(line)
    if inspection.unmapped:
        click.echo("")
        click.echo(suggested_labels(inspection.unmapped), nl=False)
    sys.exit(0 if inspection.readable else 1)


def report_lines(inspection) -> list[str]:
    lines = [f"page: {inspection.url}", f"kind: {inspection.kind}"]
    if inspection.announced is not None:
        lines.append(f"announced: {inspection.announced}")
    if inspection.labels:
        named = ", ".join(f"{label!r} -> {field}" for label, field in inspection.labels.items())
        lines.append(f"labels read: {named}")
    if inspection.unmapped:
        lines.append(f"labels naming no field: {', '.join(map(repr, inspection.unmapped))}")
    lines.append(f"rows read: {len(inspection.rows)}")
    source: dict[str, str] = {}
    for label, field in inspection.labels.items():
        source.setdefault(field, label)
    for number, row in enumerate(inspection.rows[:MAX_ROWS_SHOWN], start=1):
        lines.append(f"  {number}. " + "; ".join(_field(k, v, source) for k, v in row.items()))
    if len(inspection.rows) > MAX_ROWS_SHOWN:
        lines.append(f"  ... {len(inspection.rows) - MAX_ROWS_SHOWN} more")
    for label, named, count in inspection.facets:
        shown = f" ({count})" if count is not None else ""
        lines.append(f"facet: {label!r}{shown} -> {named or 'nothing known'}")
    if inspection.next_url:
        lines.append(f"next page: {inspection.next_url}")
    for problem in inspection.problems:
        lines.append(f"note: {problem}")
    verdict = "readable" if inspection.readable else "NOT readable"
    lines.append(f"verdict: {verdict} — {inspection.why}")
    return lines


def _field(name: str, value: str, source: dict[str, str]) -> str:
    """`editor <- 'Raison sociale': ACME`, or `(page)` for what the page's facets,
    headings or address said."""
    label = repr(source[name]) if name in source else "(page)"
    return f"{name} <- {label}: {value}"
