"""Datasette plugin: the open-data bundle (catalogue/opendata) at `/donnees/`.

* `/donnees/`: a French page describing the package (what, licence, update frequency,
  coverage, sources), each file with its size and row count, and links to
  `datapackage.json`, the README and the zip of the whole;
* `/donnees/<file>`: the files of the bundle beside the catalogue (`donnees/`, rebuilt
  by each complete sync), each with its content type. Only the names a bundle holds
  are served (`BUNDLE_FILES`): no other path of the server can be reached from here.

The bundle is a folder, not the snapshot: these answers are read from it at each
request and never kept in the response cache (plugins/consistency.py), since a sync
rebuilds the bundle just after its snapshot is published. A file opened before the
bundle is replaced is sent whole (the old file stays readable until it is closed).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

from datasette import NotFound, Response, hookimpl

from catalogue.french import french_number
from catalogue.opendata.bundle import (
    ARCHIVE,
    BUNDLE_FILES,
    DESCRIPTOR,
    README,
    Bundle,
    bundle_folder,
    read_bundle,
)
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import served_catalogue

OPENDATA_PATH = "/donnees"
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".zip": "application/zip",
}
CHUNK = 1 << 16
FREQUENCY = "quotidienne, après chaque synchronisation complète (chaque nuit)"


@hookimpl
def register_routes(datasette):
    return [
        (rf"^{OPENDATA_PATH}$", to_the_page),
        (rf"^{OPENDATA_PATH}/$", opendata_page),
        (rf"^{OPENDATA_PATH}/(?P<name>[^/]+)$", bundle_file),
    ]


def served_bundle_folder(datasette) -> Path:
    served = served_catalogue(datasette)
    assert served is not None  # the routes answer only for the catalogue
    return bundle_folder(served.source)


@only_for_the_catalogue
async def to_the_page(datasette, request):
    return Response.redirect(datasette.urls.path(f"{OPENDATA_PATH}/"))


@only_for_the_catalogue
async def opendata_page(datasette, request):
    bundle = read_bundle(served_bundle_folder(datasette))
    context = {"bundle": described(datasette, bundle) if bundle else None}
    return Response.html(
        await datasette.render_template("segur_donnees.html", context, request=request)
    )


def described(datasette, bundle: Bundle) -> dict[str, Any]:
    """The bundle as the page shows it."""
    descriptor = bundle.descriptor

    def url(name: str) -> str:
        return datasette.urls.path(f"{OPENDATA_PATH}/{name}")

    return {
        "title": descriptor["title"],
        "licence": descriptor["licenses"][0],
        "sources": descriptor["sources"],
        "created": descriptor["created"],
        "last_modified": descriptor["lastModified"],
        "coverage": descriptor["datagouv"]["temporal_coverage"],
        "frequency": FREQUENCY,
        "files": [
            {
                "name": file.table.filename,
                "url": url(file.table.filename),
                "title": file.table.title,
                "description": file.table.description,
                "rows": file.rows,
                "size": french_size(file.bytes),
            }
            for file in bundle.files
        ],
        "archive": {
            "name": ARCHIVE,
            "url": url(ARCHIVE),
            "size": french_size(bundle.archive_bytes),
        },
        "descriptor_url": url(DESCRIPTOR),
        "readme_url": url(README),
    }


def french_size(size: int) -> str:
    """12345 -> "12,3 ko": a file's size as French people read it."""
    for unit, scale in (("Mo", 1_000_000), ("ko", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",") + f"\u00a0{unit}"
    return f"{french_number(size)}\u00a0octets"


@only_for_the_catalogue
async def bundle_file(datasette, request, send):
    name = request.url_vars["name"]
    if name not in BUNDLE_FILES:
        raise NotFound("Aucun fichier de données ouvertes à cette adresse.")
    try:
        file = (served_bundle_folder(datasette) / name).open("rb")
    except FileNotFoundError:
        raise NotFound(
            "Le paquet de données ouvertes n'a pas encore été produit : il l'est après"
            " chaque synchronisation complète."
        ) from None
    with file:
        await send_file(send, file, name)
    return None


async def send_file(send, file: BinaryIO, name: str) -> None:
    headers = [
        (b"content-type", CONTENT_TYPES[Path(name).suffix].encode()),
        (b"content-length", str(os.fstat(file.fileno()).st_size).encode()),
    ]
    if name == ARCHIVE:
        headers.append((b"content-disposition", f'attachment; filename="{name}"'.encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    while chunk := file.read(CHUNK):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
