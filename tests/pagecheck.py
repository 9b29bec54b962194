"""The page check: what every HTML response of the site must be, whatever the page.

``conftest.CheckedClient`` runs it on every HTML response in the suite, so a new page or a new
test is checked with no new test code.
"""

from __future__ import annotations

from collections import Counter

import html5lib
from bs4 import BeautifulSoup


def check_page(html: str) -> BeautifulSoup:
    """Assert the page is well-formed and has the structure assistive technology relies on."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        raise AssertionError(f"HTML does not parse cleanly: {error}") from None
    soup = BeautifulSoup(html, "html5lib")

    root = soup.find("html")
    assert root is not None
    assert root.get("lang") == "en-GB", "html lang must be en-GB"
    headings = soup.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    h1 = headings[0].get_text(" ", strip=True)
    title = soup.title.get_text(strip=True) if soup.title else ""
    # GOV.UK error pattern: a page showing an error summary says so first in its title.
    has_errors = soup.select_one(".error-summary") is not None
    assert title.startswith("Error: ") == has_errors, f"title {title!r}: 'Error: ' prefix"
    if has_errors:
        # ... and the summary is the first thing in the main content, above the heading.
        assert soup.main.find(True, recursive=False) is soup.select_one(".error-summary")
    title = title.removeprefix("Error: ")
    assert title.startswith(h1), f"title {title!r} does not begin with the h1 {h1!r}"

    focusable = soup.find(["a", "button", "input", "select", "textarea"])
    assert focusable is not None
    assert focusable.get("href") == "#main-content", "the skip link must be focusable first"
    assert focusable.get_text(strip=True) == "Skip to main content"
    mains = soup.find_all("main")
    assert len(mains) == 1, f"expected one main, found {len(mains)}"
    assert mains[0].get("id") == "main-content"

    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"ids used more than once: {duplicates}"
    for image in soup.find_all("img"):
        assert image.has_attr("alt"), f"img without alt: {image}"
    for form in soup.find_all("form"):
        assert form.get("action"), f"form without an action: {form.get('class')}"
    for tag in soup.find_all(True):
        assert not tag.has_attr("style"), f"inline style on <{tag.name}>"
    assert not soup.find_all("script"), "pages ship no JavaScript"
    assert not soup.find_all("style"), "pages have no inline stylesheets"
    return soup
