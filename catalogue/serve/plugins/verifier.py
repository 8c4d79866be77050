"""Datasette plugin: "Mon logiciel est-il référencé ?", answered in one sentence.

* `/verifier?nom=…&version=…&dispositif=…`: the French page (the answer in
  `#reponse`, then every entry found, linked to its page);
* `/verifier.json?nom=…`: the same answer for scripts, as `catalogue.lookup.answer_json`
  gives it: {"verdict", "message", "query", "matches", "total", "suggestions",
  "other_dispositifs"}; each match's `url` is absolute.

The answer comes from `catalogue.lookup`, as `segur check` gives it: one module
decides. Close names are suggested from a `Suggester` built once per snapshot.
"""

from __future__ import annotations

from datasette import Response, hookimpl

from catalogue.lookup import LookupRefused, Suggester, answer_json, lookup
from catalogue.serve.metadata import source_url
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME

PAGE = "/verifier"
PARAMETERS = ("nom", "version", "dispositif")


@hookimpl
def register_routes(datasette):
    return [(r"^/verifier$", verifier_page), (r"^/verifier\.json$", verifier_json)]


def _question(request) -> dict[str, str]:
    return {name: (request.args.get(name) or "").strip() for name in PARAMETERS}


async def _answer(datasette, question: dict[str, str]):
    db = datasette.get_database(DATABASE_NAME)
    snapshot = db.snapshot

    def answer(conn):
        return lookup(
            conn,
            question["nom"],
            version=question["version"] or None,
            dispositif=question["dispositif"] or None,
            suggester=lambda: snapshot.memo("suggester", lambda: Suggester.from_connection(conn)),
        )

    # A look-up is one index range scan and at most MAX_MATCHES rows: about a
    # millisecond, less than a hand-over to a SQL thread and back.
    return db.execute_inline(answer)


@only_for_the_catalogue
async def verifier_json(datasette, request):
    question = _question(request)
    if not question["nom"]:
        return Response.json({"error": "paramètre « nom » manquant"}, status=400)
    try:
        answer = await _answer(datasette, question)
    except LookupRefused as refused:
        return Response.json({"error": str(refused)}, status=400)
    # One absolute URL per request: building one per match costs more than the look-up.
    root = str(datasette.absolute_url(request, str(datasette.urls.path("/"))))
    body = answer_json(answer, url=lambda path: root + path.lstrip("/"))
    return Response.json(body, headers={"Access-Control-Allow-Origin": "*"})


@only_for_the_catalogue
async def verifier_page(datasette, request):
    question = _question(request)
    answer, refused, status = None, None, 200
    if question["nom"]:
        try:
            answer = await _answer(datasette, question)
        except LookupRefused as error:
            refused, status = str(error), 400
    context = {
        "question": question,
        "answer": answer,
        "refused": refused,
        "json_url": _json_url(datasette, request) if answer else None,
        "ans_url": source_url(),
    }
    html = await datasette.render_template("segur_verifier.html", context, request=request)
    return Response.html(html, status=status)


def _json_url(datasette, request) -> str:
    query = request.query_string
    return datasette.urls.path(f"{PAGE}.json") + (f"?{query}" if query else "")
