"""The benchmark's reference: what a developer would pick instead of the site. A bare Starlette
app serving one page's bytes from memory, with no middleware, on stock uvicorn with its default
options (its access log on, httptools when installed), as ``uvicorn baseline:create_app
--factory`` starts it.

    python bench/baseline.py --port 8001 --workers 1   (the page's bytes in PLAIN_PCC_BENCH_BODY)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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
    parser = argparse.ArgumentParser(prog="bench/baseline.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    # Only what the command line of `uvicorn` would be given: where to listen, how many workers.
    # Workers import this module by name, so its folder goes on their path.
    uvicorn.run(
        "baseline:create_app", factory=True, host=args.host, port=args.port, workers=args.workers
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
