"""The checker's walk over a site: every page, link, heading, image, date and statement."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..content import RESPONSE_DAYS, Page, Site
from ..dates import PartialDate
from ..links import Link
from ..prose import Prose
from .rules import Finding

_VAGUE = frozenset(
    (
        "here",
        "click here",
        "click",
        "link",
        "this link",
        "the link",
        "link here",
        "read more",
        "more",
        "more here",
        "find out more",
        "learn more",
        "more information",
        "more info",
        "this",
        "this page",
        "page",
        "this website",
        "website",
        "details",
        "document",
        "download",
        "go",
    )
)
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Each document type, by the end of its address, and the words that name it in link text.
_DOCUMENTS = {
    "pdf": ("PDF",),
    "doc": ("Word", "DOC"),
    "docx": ("Word", "DOCX"),
    "xls": ("Excel", "XLS", "spreadsheet"),
    "xlsx": ("Excel", "XLSX", "spreadsheet"),
    "csv": ("CSV",),
    "odt": ("OpenDocument", "ODT"),
    "ods": ("OpenDocument", "ODS", "spreadsheet"),
    "ppt": ("PowerPoint", "PPT"),
    "pptx": ("PowerPoint", "PPTX"),
}
_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:bytes|KB|MB|GB)\b", re.IGNORECASE)
# Four words in capitals in a row is shouting, not a run of acronyms like "HMIC PEEL".
_CAPITAL_WORDS = 4
DECORATIVE = "decorative"


def _words(text: str) -> str:
    """Link text as a reader hears it: lower case, no punctuation, single spaces."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.casefold()).split())


class Inspection:
    """One walk over a site, collecting the findings of every rule."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.site_file = site.policing_notice.path
        self.findings: list[Finding] = []

    def report(self, rule: str, file: Path, line: int, message: str) -> None:
        self.findings.append(Finding.of(rule, file, line, message))

    def run(self) -> None:
        site = self.site
        chrome = self.chrome_links()
        for link in chrome:
            self.check_link(link)
        for prose in (site.policing_notice, site.signup):
            # Site-wide notices sit in the footer, under its level-2 heading.
            self.check_prose(prose, floor=2, under="the footer's heading")
        self.check_capitals(site.name, self.site_file, _line(site.name))
        self.check_duplicates(chrome, [], None)
        for error in site.errors.values():
            self.check_capitals(error.title, error.prose.path, _line(error.title))
            self.check_prose(error.prose, floor=1, under="the page title")
            for link in error.prose.links:
                self.check_link(link)
        for page in site.pages.values():
            self.check_page(page, chrome)

    def chrome_links(self) -> list[Link]:
        """The links on every page, around its content: menu, breadcrumbs' home, footer."""
        site = self.site
        links = list(site.menu)
        for year in site.years:
            links.append(Link(year.title, year.path, year.source, _line(year.title)))
        links.append(Link("Home", "/", self.site_file, 0))
        for prose in (site.policing_notice, site.signup):
            links += prose.links
        links += site.footer
        return links

    def check_page(self, page: Page, chrome: list[Link]) -> None:
        file = page.source
        self.check_capitals(page.title, file, _line(page.title))
        self.check_capitals(page.description, file, _line(page.description))
        links: list[Link] = []
        for prose in (page.body, page.intro):
            if prose is not None:
                self.check_prose(prose, floor=1, under="the page title")
                links += prose.links
        # The breadcrumbs link each page above this one by its title.
        crumbs = [
            Link(above.title, above.path, above.source, _line(above.title))
            for above in self.site.breadcrumbs(page)
            if above.path != "/"
        ]
        if page.reports:
            links += self.check_reports(page)
        for link in links:
            self.check_link(link)
        self.check_duplicates([*chrome, *crumbs], links, page)

    def check_reports(self, page: Page) -> list[Link]:
        """The year page's reports; returns their links, in page order."""
        file = page.source
        links: list[Link] = []
        for report in page.reports:
            for text in (report.title, report.issued_as):
                self.check_capitals(text, file, _line(text))
            if report.summary is not None:
                self.check_prose(report.summary, floor=2, under="the report's heading")
                links += report.summary.links
            links += report.links
            statement = report.statement
            if statement is None:
                self.report(
                    "response-missing",
                    file,
                    _line(report.title),
                    f"'{report.title}' has no PCC response yet: it is due within "
                    f"{RESPONSE_DAYS} days of the report",
                )
                continue
            self.check_capitals(statement.by, file, _line(statement.by))
            self.check_capitals(statement.title, file, _line(statement.title))
            self.check_prose(statement.prose, floor=3, under="the statement's title")
            links += statement.prose.links
            self.check_timing(report.issued, statement.date, file, statement.date_line)
        return links

    def check_timing(
        self, issued: PartialDate, answered: PartialDate, file: Path, line: int
    ) -> None:
        """The 30-day rule: when the response came, as far as the dates can tell."""
        # A month-only date could be any day of its month: the gap is a range.
        shortest = (_first_day(answered) - _last_day(issued)).days
        longest = (_last_day(answered) - _first_day(issued)).days
        exact = issued.day is not None and answered.day is not None
        when = f"issued {_on(issued)}, the response {_on(answered)}"
        if (issued.year, issued.month) == (answered.year, answered.month) and not exact:
            # A month-only date in the same month counts as on time: it is the best the
            # record can say, and the page shows the month rather than inventing a day.
            return
        if longest < 0:
            self.report(
                "response-before-report",
                file,
                line,
                f"the response is dated before the report was issued ({when})",
            )
        elif shortest > RESPONSE_DAYS:
            self.report(
                "response-late",
                file,
                line,
                f"the response came {'' if exact else 'at least '}{shortest} days after the "
                f"report, later than {RESPONSE_DAYS} days ({when})",
            )
        elif longest > RESPONSE_DAYS:
            self.report(
                "response-timing-unknown",
                file,
                line,
                f"the dates cannot show whether "
                f"the response came within {RESPONSE_DAYS} days ({when})",
            )

    def check_prose(self, prose: Prose, floor: int, under: str) -> None:
        """Headings, images, capitals; links are checked with the rest of the page's."""
        previous = floor
        for heading in prose.headings:
            marks = "#" * heading.level
            if not heading.text.strip():
                self.report("heading-empty", prose.path, heading.line, f"'{marks}' has no words")
            if heading.level <= floor:
                self.report(
                    "heading-level",
                    prose.path,
                    heading.line,
                    f"'{marks} {heading.text}' is level {heading.level}, but this text sits "
                    f"under {under} (level {floor}): start its headings at level {floor + 1} "
                    f"('{'#' * (floor + 1)}')",
                )
                previous = floor
                continue
            if heading.level > previous + 1:
                self.report(
                    "heading-skip",
                    prose.path,
                    heading.line,
                    f"'{marks} {heading.text}' is level {heading.level} but follows level "
                    f"{previous}{f' ({under})' if previous == floor else ''}, skipping level "
                    f"{previous + 1}",
                )
            previous = heading.level
        for image in prose.images():
            alt, src, line = image.alt, image.src, image.line
            if not alt.strip() and image.title.strip().casefold() == DECORATIVE:
                continue
            if not alt.strip():
                self.report(
                    "image-alt-missing",
                    prose.path,
                    line,
                    f"the image {src} has no alternative text",
                )
            elif alt.strip().casefold() == Path(urlsplit(src).path).name.casefold():
                self.report(
                    "image-alt-missing",
                    prose.path,
                    line,
                    f"the image {src} has its "
                    "file name as alternative text, which says nothing about it",
                )
        for text, line in prose.passages():
            self.check_capitals(text, prose.path, line)

    def check_link(self, link: Link) -> None:
        text, url = link.text.strip(), link.url
        words = _words(text)
        parts = urlsplit(url)
        if not words:
            self.report("link-text-empty", link.file, link.line, f"the link to {url} has no words")
        elif words in _VAGUE or words.startswith("click here"):
            self.report(
                "link-text-vague",
                link.file,
                link.line,
                f"the link text '{text}' does not say where it goes ({url})",
            )
        elif _BARE_URL.fullmatch(text) or (text == url and parts.scheme not in ("mailto", "tel")):
            self.report(
                "link-text-url", link.file, link.line, f"the link text is the bare address '{text}'"
            )
        if parts.scheme == "http":
            self.report(
                "link-not-https", link.file, link.line, f"'{url}' is not a secure (https) address"
            )
        if not parts.scheme and not link.internal and not url.startswith("#"):
            self.report(
                "link-internal-missing",
                link.file,
                link.line,
                f"the link '{text}' "
                f"goes to '{url}', which is neither a web address nor a page address",
            )
        extension = parts.path.rsplit(".", 1)[-1].casefold() if "." in parts.path else ""
        if extension in _DOCUMENTS and parts.scheme in ("", "http", "https"):
            names = _DOCUMENTS[extension]
            named = any(re.search(rf"\b{name}\b", text, re.IGNORECASE) for name in names)
            sized = _SIZE.search(text) is not None
            if not (named and sized):
                missing = " or ".join(
                    what for what, ok in (("its type", named), ("its size", sized)) if not ok
                )
                self.report(
                    "link-document-details",
                    link.file,
                    link.line,
                    f"the link '{text}' opens a {names[0]} document but does not say {missing}",
                )

    def check_duplicates(self, chrome: list[Link], content: list[Link], page: Page | None) -> None:
        """The same words must not lead to two places on one page."""
        seen: dict[str, Link] = {}
        for link in [*chrome, *content]:
            words = _words(link.text)
            if not words:
                continue
            first = seen.setdefault(words, link)
            if _place(first.url) == _place(link.url):
                continue
            # Chrome is on every page: report its own clashes once, from the site-wide check.
            if page is None or link not in chrome:
                on = f" on {page.path}" if page is not None and link not in chrome else ""
                of = "" if first.file == link.file else f" of {first.file}"
                where = f"line {first.line}{of}" if first.line else "the breadcrumbs"
                self.report(
                    "link-text-duplicate",
                    link.file,
                    link.line,
                    f"'{link.text}' goes to "
                    f"{link.url}, but the same words{on} go to {first.url} ({where})",
                )

    def check_capitals(self, text: str, file: Path, line: int) -> None:
        for start, end in _capital_runs(text):
            phrase = text[start:end]
            phrase = phrase if len(phrase) <= 60 else phrase[:57] + "..."
            at = line + text[:start].count("\n")
            self.report("text-capitals", file, at, f"'{phrase}' is written in capitals")


def _capital_runs(text: str) -> Iterator[tuple[int, int]]:
    """Where each run of words in capitals starts and ends."""
    start = end = count = 0
    for word in [*re.finditer(r"\S+", text), None]:
        letters = [c for c in word.group() if c.isalpha()] if word is not None else []
        if word is not None and len(letters) >= 2 and all(c.isupper() for c in letters):
            start = word.start() if count == 0 else start
            end, count = word.end(), count + 1
        elif word is None or len(letters) >= 2:
            if count >= _CAPITAL_WORDS:
                yield start, end
            count = 0
        # Numbers, dashes and single letters ("I", "A") neither start nor end a run.


def _line(value: object) -> int:
    """The line a value from a content file starts on (0 when it was not read from a file)."""
    line = getattr(value, "line", 0)
    return line if isinstance(line, int) else 0


def _place(url: str) -> str:
    return url.rstrip("/") or "/"


def _on(date: PartialDate) -> str:
    return f"on {date.text}" if date.day else f"in {date.month_name}"


def _first_day(date: PartialDate) -> dt.date:
    return dt.date(date.year, date.month, date.day or 1)


def _last_day(date: PartialDate) -> dt.date:
    last = calendar.monthrange(date.year, date.month)[1]
    return dt.date(date.year, date.month, date.day or last)
