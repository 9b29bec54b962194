"""The benchmark's reference: a bare Starlette app that serves one page's bytes from memory,
with no middleware, started through ``plain-pcc serve`` so that uvicorn gets the same options.

    python bench/baseline.py --port 8001 --workers 1   (the page's bytes in PLAIN_PCC_BENCH_BODY)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = "PLAIN_PCC_BENCH_BODY"


def create_app() -> Starlette:
    """One route, one page, the bytes read once: the least a Starlette app can do per request."""
    body = Path(os.environ[BODY]).read_bytes()

    async def page(request: Request) -> Response:
        return Response(body, media_type="text/html; charset=utf-8")

    return Starlette(routes=[Route("/", page)])


def main(argv: list[str]) -> int:
    from plain_pcc import cli

    run = uvicorn.run

    def run_baseline(app: Any, **options: Any) -> None:
        # The site's own command picks every uvicorn option; only the app differs. Workers
        # import this module by name, so its folder goes on their path (spawn copies sys.path).
        run("baseline:create_app", **options)

    uvicorn.run = run_baseline
    return cli.main(["serve", *argv])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
