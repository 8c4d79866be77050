"""`python -m replica`: serve the offline replica of the ANS site.

python -m replica --port 8000 --state 1 --rendering cards
python -m replica --port 0 --scale 10000 --fault 503:page=1:2 --fault slow:actualites
"""

from __future__ import annotations

import argparse
import sys

from replica.render import RENDERINGS
from replica.server import FAULT_KINDS, Fault, run


def _fault(text: str) -> Fault:
    try:
        return Fault.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _non_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, not {text!r}")
    return int(text)


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected an integer of at least 1, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m replica",
        description="Serve the offline replica of the ANS Ségur site on loopback.",
        epilog=(
            "Example: python -m replica --port 8000 --rendering cards "
            "--fault 503:page=1:2 --fault maintenance:actualites"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument(
        "--port",
        type=_non_negative,
        default=8000,
        help="port, 0 for a free one (default %(default)s)",
    )
    parser.add_argument("--state", type=int, choices=(1, 2), default=1, help="data state")
    parser.add_argument("--rendering", choices=RENDERINGS, default="table", help="site markup")
    parser.add_argument(
        "--scale",
        type=_non_negative,
        default=None,
        metavar="N",
        help="N generated solutions instead of the synthetic ones (the real rows stay)",
    )
    parser.add_argument(
        "--page-size",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="solutions per listing page (default: the rendering's)",
    )
    parser.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="KIND[:MATCH[:TIMES]]",
        help=(
            f"make requests misbehave; KIND is one of {', '.join(FAULT_KINDS)}, MATCH a "
            "substring of the request target, TIMES a count or 'always' (repeatable)"
        ),
    )
    parser.add_argument(
        "--robots-disallow",
        action="append",
        default=[],
        metavar="PATH",
        help="add a Disallow line to robots.txt (repeatable)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(
            state=args.state,
            rendering=args.rendering,
            scale=args.scale,
            faults=args.fault,
            page_size=args.page_size,
            host=args.host,
            port=args.port,
            robots_disallow=args.robots_disallow,
            verbose=not args.quiet,
        )
    except OSError as error:
        print(
            f"error: cannot serve on {args.host}:{args.port}: {error.strerror or error}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
