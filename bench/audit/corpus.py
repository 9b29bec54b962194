"""The benchmark's site: a few hundred varied pages, generated in memory and served on loopback.

Pages differ in kind (article, table, form, gallery, long list, landing page) and in size, and
about one in four carries a known fault (missing alt text, an unlabelled field, low contrast,
an empty link, a skipped heading level), so every tool has findings to report and none of them
works on one page repeated. The same seed gives the same site.
"""

from __future__ import annotations

import html
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("article", "table", "form", "gallery", "list", "landing")
FAULTS = ("image-alt", "label", "color-contrast", "link-name", "heading-order")
_TEXT = """police crime commissioner report inspection force efficiency effectiveness legitimacy
leadership community safety victims partnership budget precept estates fleet training
neighbourhood response custody vulnerability domestic abuse youth rural road fraud"""
WORDS = tuple(_TEXT.split())

STYLESHEET = b"""
body { font-family: sans-serif; line-height: 1.5; margin: 0 auto; max-width: 60em; padding: 1em; }
a { color: #1d70b8; } a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
table { border-collapse: collapse; } th, td { border: 1px solid #505a5f; padding: .3em; }
.faint { color: #c0c0c0; } .cards { display: grid; grid-template-columns: repeat(3, 1fr); }
header, footer { border-bottom: 1px solid #505a5f; padding: .5em 0; }
"""

SVG = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='120' height='80'%3E"
    "%3Crect width='120' height='80' fill='%23{colour}'/%3E%3C/svg%3E"
)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int) -> str:
    return "".join(f"<p>{_sentence(rng, rng.randint(12, 40))}</p>" for _ in range(count))


def _body(kind: str, rng: random.Random, index: int, fault: str | None) -> str:
    parts: list[str] = []
    if kind == "article":
        for section in range(rng.randint(2, 6)):
            parts.append(f"<h2>Section {section + 1}</h2>{_paragraphs(rng, rng.randint(1, 4))}")
    elif kind == "table":
        rows = rng.randint(5, 40)
        head = "".join(f"<th scope='col'>{name}</th>" for name in ("Area", "2015", "2016"))
        body = "".join(
            f"<tr><th scope='row'>{rng.choice(WORDS).title()} {row}</th>"
            f"<td>{rng.randint(0, 999)}</td><td>{rng.randint(0, 999)}</td></tr>"
            for row in range(rows)
        )
        parts.append(
            "<h2>Figures</h2><table><caption>Figures by area</caption>"
            f"<tr>{head}</tr>{body}</table>"
        )
    elif kind == "form":
        fields = "".join(
            f"<div><label for='f{n}'>{rng.choice(WORDS).title()}</label>"
            f"<input id='f{n}' name='f{n}' type='text' autocomplete='off'></div>"
            for n in range(rng.randint(2, 8))
        )
        parts.append(
            f"<h2>Tell us</h2><form action='/sent/' method='post'>{fields}"
            "<button type='submit'>Send</button></form>"
        )
    elif kind == "gallery":
        images = "".join(
            f'<figure><img src="{SVG.format(colour=f"{rng.randrange(0x1000000):06x}")}" '
            f"alt='{rng.choice(WORDS)} photograph' width='120' height='80'>"
            f"<figcaption>{_sentence(rng, 6)}</figcaption></figure>"
            for _ in range(rng.randint(3, 12))
        )
        parts.append(f"<h2>Pictures</h2><div class='cards'>{images}</div>")
    elif kind == "list":
        items = "".join(
            f"<li><a href='/page-{rng.randrange(index + 1):03d}/'>{_sentence(rng, 4)}</a></li>"
            for _ in range(rng.randint(10, 80))
        )
        parts.append(f"<h2>Publications</h2><ul>{items}</ul>")
    else:
        cards = "".join(
            f"<section><h2>{rng.choice(WORDS).title()}</h2>{_paragraphs(rng, 1)}</section>"
            for _ in range(rng.randint(3, 9))
        )
        parts.append(f"<div class='cards'>{cards}</div>")
    if fault == "image-alt":
        parts.append(f"<img src=\"{SVG.format(colour='505a5f')}\" width='120' height='80'>")
    elif fault == "label":
        parts.append("<form action='/sent/' method='post'><input name='q' type='text'></form>")
    elif fault == "color-contrast":
        parts.append(f"<p class='faint'>{_sentence(rng, 10)}</p>")
    elif fault == "link-name":
        parts.append("<a href='/page-000/'></a>")
    elif fault == "heading-order":
        parts.append(f"<h4>{_sentence(rng, 3)}</h4>")
    return "".join(parts)


def build_site(pages: int = 240, seed: int = 2016) -> dict[str, bytes]:
    """Path to bytes: ``pages`` HTML pages, their stylesheet and a sitemap."""
    rng = random.Random(seed)
    site: dict[str, bytes] = {"/site.css": STYLESHEET}
    for index in range(pages):
        kind = KINDS[index % len(KINDS)]
        fault = rng.choice(FAULTS) if rng.random() < 0.25 else None
        title = f"{kind.title()} {index}: {_sentence(rng, 3)[:-1]}"
        nav = "".join(
            f"<li><a href='/page-{other:03d}/'>Page {other}</a></li>"
            for other in ((index + step) % pages for step in (1, 2, 3))
        )
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><link rel='stylesheet' href='/site.css'></head>"
            "<body><a href='#main'>Skip to main content</a>"
            f"<header><nav aria-label='Related'><ul>{nav}</ul></nav></header>"
            f"<main id='main'><h1>{html.escape(title)}</h1>{_body(kind, rng, index, fault)}</main>"
            "<footer><p>Generated for the audit benchmark.</p></footer></body></html>"
        )
        site[f"/page-{index:03d}/"] = page.encode()
    return site


def sitemap(base_url: str, site: dict[str, bytes]) -> bytes:
    locs = "".join(
        f"<url><loc>{base_url}{path}</loc></url>" for path in site if path.startswith("/page-")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    ).encode()


@contextmanager
def serve(site: dict[str, bytes]) -> Iterator[str]:
    """Serve the site from a thread of this process on 127.0.0.1; yields its base URL.

    In this process, not a child, so that the CPU the benchmark charges to a tool (its child
    processes' time) never includes the server's.
    """
    pages = dict(site)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = pages.get(self.path.split("?", 1)[0])
            if body is None:
                self.send_response(404)
                body = b"<!doctype html><html lang='en'><title>Not found</title><h1>Not found</h1>"
            else:
                self.send_response(200)
            kind = "text/css" if self.path.endswith(".css") else "text/html; charset=utf-8"
            if self.path.endswith(".xml"):
                kind = "application/xml"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    pages["/sitemap.xml"] = sitemap(base_url, site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
