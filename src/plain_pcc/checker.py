"""The content checker: the accessibility and editorial rules content must pass to be published.

Most accessibility failures on a site like this one are put there by content, not code (a link
that says "here", a skipped heading level, a PDF linked without saying so), so every rule here
names the file and line, the WCAG success criterion it protects and how an editor fixes it.
``plain-pcc check`` prints the findings; start-up refuses content with an error in it.

One module rather than a package (the house style splits at about 300 lines): the rules share
one walk over the site and one table of rule ids, and read best side by side.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it.token import Token

from .content import Page, Site, load_site
from .dates import PartialDate
from .prose import Prose
from .settings import Settings, SettingsError
from .source import Block, ContentError, read_yaml

ERROR = "error"
WARNING = "warning"
# The page says a PCC response should be published within 30 days of the report.
RESPONSE_DAYS = 30

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    id: str
    wcag: str | None  # the WCAG 2.2 success criteria the rule protects, when there is one
    severity: str
    fix: str


_RULES = (
    Rule(
        "link-text-vague",
        "2.4.4",
        ERROR,
        "Make the words of the link say where it goes, like 'the PEEL 2016 assessment of Essex "
        "Police', so they make sense read on their own, as screen reader users often hear them.",
    ),
    Rule(
        "link-text-url",
        "2.4.4",
        ERROR,
        "Use words that say where the link goes, like 'the PEEL 2015 assessment of Essex "
        "Police', and keep the address only as the link's address.",
    ),
    Rule("link-text-empty", "2.4.4", ERROR, "Give the link words that say where it goes."),
    Rule(
        "link-text-duplicate",
        "2.4.4, 3.2.4",
        ERROR,
        "Give each destination its own words, or make both links go to the same place.",
    ),
    Rule(
        "link-document-details",
        "2.4.4",
        ERROR,
        "End the link text with the document's type and size, like '(PDF, 120 KB)', so people "
        "know before they open it that it is a download and how large it is.",
    ),
    Rule(
        "link-internal-missing",
        None,
        ERROR,
        "Link to an address this site has (each page's 'path', or a reports page "
        "/finance-reporting/publications/hmic-reports/hmic-reports-YEAR/), starting with '/'.",
    ),
    Rule(
        "link-not-https",
        None,
        WARNING,
        "Use the https:// address: open the link in a browser and copy the address it ends on.",
    ),
    Rule(
        "heading-skip",
        "1.3.1",
        ERROR,
        "Go down one level at a time: '##' under the page title, '###' under a '##', and so on.",
    ),
    Rule(
        "heading-level",
        "1.3.1",
        ERROR,
        "Use a heading one level below the one the text sits under (see content/README.md, "
        "'Headings').",
    ),
    Rule(
        "heading-empty",
        "1.3.1, 2.4.6",
        ERROR,
        "Write the heading's words after the '#' marks, or delete the empty heading.",
    ),
    Rule(
        "image-alt-missing",
        "1.1.1",
        ERROR,
        "Write what the image shows between the [ ]: ![Chief Constable at the launch](photo.jpg). "
        'If it is only decoration, mark it so: ![](photo.jpg "decorative").',
    ),
    Rule(
        "text-capitals",
        None,
        ERROR,
        "Write it in sentence case: capitals are harder to read, and some screen readers spell "
        "them out letter by letter.",
    ),
    Rule(
        "date-invalid",
        None,
        ERROR,
        "Write the date as year-month-day, like 2016-11-03, or year-month, like 2016-03.",
    ),
    Rule(
        "report-issued-missing",
        None,
        ERROR,
        "Add 'issued:' with the date the inspectorate published the report, like 2016-11-03.",
    ),
    Rule(
        "statement-by-missing",
        None,
        ERROR,
        "Add 'by:' to the statement with who made it, like 'Police and Crime Commissioner for "
        "Essex'.",
    ),
    Rule(
        "response-missing",
        None,
        WARNING,
        "Add the PCC's statement, with its 'date:', as soon as it is published: until then the "
        "page says the response has not been published yet.",
    ),
    Rule(
        "response-before-report",
        None,
        ERROR,
        "Check both dates: the statement's 'date' must not be before the report's 'issued'.",
    ),
    Rule(
        "response-late",
        None,
        WARNING,
        "Check the statement's date is right. If it is, publish on time next time: the page "
        "promises a response within 30 days.",
    ),
    Rule(
        "response-timing-unknown",
        None,
        WARNING,
        "Give the day of the month as well, like 2016-03-14, so readers can see the response "
        "came within 30 days.",
    ),
    Rule("yaml-syntax", None, ERROR, "Correct the layout of the file at that line."),
    Rule("field-unknown", None, ERROR, "Correct the field's name, or delete the field."),
    Rule("field-missing", None, ERROR, "Add the field: content/README.md shows each one."),
    Rule("content-invalid", None, ERROR, "Correct the file: content/README.md shows each field."),
)
RULES = {rule.id: rule for rule in _RULES}

# A file the site cannot be built from becomes a finding like any other: these are the loader's
# messages (content.py, source.py) and the rule each belongs to. Tests pin every one.
_LOAD_RULES = (
    ("is not a date", "date-invalid"),
    ("missing field 'issued'", "report-issued-missing"),
    ("'issued' is empty", "report-issued-missing"),
    ("missing field 'by'", "statement-by-missing"),
    ("'by' is empty", "statement-by-missing"),
    ("no such page", "link-internal-missing"),
    ("which is not a page", "link-internal-missing"),
    ("is not a web address or a page address", "link-internal-missing"),
    ("parent page", "link-internal-missing"),
    ("second main heading", "heading-level"),
    ("'title' is empty", "heading-empty"),
    ("not valid YAML", "yaml-syntax"),
    ("unknown field", "field-unknown"),
    ("missing field", "field-missing"),
)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place: what it breaks, and how an editor fixes it."""

    file: Path
    line: int
    rule: str
    message: str
    severity: str
    wcag: str | None
    fix: str

    @classmethod
    def of(cls, rule_id: str, file: Path, line: int | None, message: str) -> Finding:
        rule = RULES[rule_id]
        return cls(Path(file), line or 0, rule.id, message, rule.severity, rule.wcag, rule.fix)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)

    def text(self) -> str:
        wcag = f" (WCAG {self.wcag})" if self.wcag else ""
        return f"{self.where}: {self.severity} {self.rule}{wcag}: {self.message}. Fix: {self.fix}"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["file"] = str(self.file)
        data["line"] = self.line or None
        return data


def finding_from_error(error: ContentError) -> Finding:
    """The finding for a file the site cannot be built from."""
    rule = next((rule for text, rule in _LOAD_RULES if text in error.reason), "content-invalid")
    return Finding.of(rule, error.path, error.line, error.reason)


def check_content(content_dir: Path) -> list[Finding]:
    """Load ``content_dir`` and check it; a file that cannot be loaded is one finding."""
    try:
        return check_site(load_site(content_dir))
    except ContentError as error:
        return [finding_from_error(error)]


def check_site(site: Site) -> list[Finding]:
    """Every finding for the site, by file and line."""
    checker = _Checker(site)
    checker.run()
    return sorted(set(checker.findings))


def require_no_errors(site: Site) -> list[Finding]:
    """Raise ``ContentError`` for the first error; log the warnings and return them.

    Runs at start-up, so content that would publish an accessibility failure never goes live.
    """
    findings = check_site(site)
    for finding in findings:
        if finding.severity == ERROR:
            reason = f"{finding.rule}: {finding.message}. Fix: {finding.fix}"
            raise ContentError(finding.file, finding.line or None, reason)
    for finding in findings:
        _log.warning("%s", finding.text())
    return findings


def main(argv: Sequence[str]) -> int:
    """``plain-pcc check``: print the findings; exit 1 when any is an error."""
    parser = argparse.ArgumentParser(
        prog="plain-pcc check",
        description="Check the content for accessibility and editorial problems.",
    )
    parser.add_argument("--content", type=Path, help="content folder (default: ./content)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    content_dir = args.content
    if content_dir is None:
        try:
            content_dir = Settings.from_env(os.environ).content_dir
        except SettingsError as error:
            print(f"plain-pcc check: {error}", file=sys.stderr)
            return 2
    findings = check_content(content_dir)
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    if args.format == "json":
        report = {
            "content": str(content_dir),
            "errors": errors,
            "warnings": warnings,
            "findings": [finding.as_json() for finding in findings],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding.text())
        if findings:
            print(f"{_count(errors, 'error')} and {_count(warnings, 'warning')} in {content_dir}")
        else:
            print(f"No problems found in {content_dir}")
    return 1 if errors else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class _Link:
    """A link as the visitor meets it: its words, where it goes, and where it is written."""

    text: str
    url: str
    file: Path
    line: int


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


class _Checker:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.site_file = site.policing_notice.path
        self.findings: list[Finding] = []
        self.files: dict[Path, Block] = {}

    def read(self, path: Path) -> Block:
        """A year file's fields with their lines, read once for all the checks that need them."""
        if path not in self.files:
            self.files[path] = read_yaml(path)
        return self.files[path]

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
        for page in site.pages.values():
            self.check_page(page, chrome)

    def chrome_links(self) -> list[_Link]:
        """The links on every page, around its content: menu, breadcrumbs' home, footer."""
        site = self.site
        links = [_Link(link.text, link.url, self.site_file, link.line) for link in site.menu]
        for year in site.years:
            links.append(_Link(year.title, year.path, year.source, self.title_line(year)))
        links.append(_Link("Home", "/", self.site_file, 0))
        for prose in (site.policing_notice, site.signup):
            links += _prose_links(prose)
        links += [_Link(link.text, link.url, self.site_file, link.line) for link in site.footer]
        return links

    def title_line(self, page: Page) -> int:
        if page.year is None:
            return _line(page.title)
        return self.read(page.source).lines.get("title", 1)

    def check_page(self, page: Page, chrome: list[_Link]) -> None:
        file = page.source
        self.check_capitals(page.title, file, self.title_line(page))
        self.check_capitals(page.description, file, _line(page.description))
        links: list[_Link] = []
        for prose in (page.body, page.intro):
            if prose is not None:
                self.check_prose(prose, floor=1, under="the page title")
                links += _prose_links(prose)
        # The breadcrumbs link each page above this one by its title.
        crumbs = [
            _Link(above.title, above.path, above.source, self.title_line(above))
            for above in self.site.breadcrumbs(page)
            if above.path != "/"
        ]
        if page.reports:
            links += self.check_reports(page)
        for link in links:
            self.check_link(link)
        self.check_duplicates([*chrome, *crumbs], links, page)

    def check_reports(self, page: Page) -> list[_Link]:
        """The year page's reports; returns their links, in page order."""
        file = page.source
        # The site keeps each field's text with its line; the statement's title and date lines
        # are only in the file, so it is read again and each report found by its title's line.
        blocks = {
            block.lines["title"]: block
            for block in self.read(file).blocks("reports")
            if "title" in block.lines
        }
        links: list[_Link] = []
        for report in page.reports:
            for text in (report.title, report.issued_as):
                self.check_capitals(text, file, _line(text))
            if report.summary is not None:
                self.check_prose(report.summary, floor=2, under="the report's heading")
                links += _prose_links(report.summary)
            links += [_Link(link.text, link.url, file, link.line) for link in report.links]
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
            statement_block = blocks[_line(report.title)].block("statement")
            self.check_capitals(statement.by, file, _line(statement.by))
            self.check_capitals(statement.title, file, statement_block.lines.get("title", 0))
            self.check_prose(statement.prose, floor=3, under="the statement's title")
            links += _prose_links(statement.prose)
            self.check_timing(report.issued, statement.date, file, statement_block)
        return links

    def check_timing(
        self, issued: PartialDate, answered: PartialDate, file: Path, statement: Block
    ) -> None:
        """The 30-day rule: when the response came, as far as the dates can tell."""
        line = statement.lines["date"]
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
        for alt, src, title, line in _prose_images(prose):
            if not alt.strip() and title.strip().casefold() == DECORATIVE:
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
        for text, line in _prose_text(prose):
            self.check_capitals(text, prose.path, line)

    def check_link(self, link: _Link) -> None:
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
        if not parts.scheme and not url.startswith(("/", "#")):
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

    def check_duplicates(
        self, chrome: list[_Link], content: list[_Link], page: Page | None
    ) -> None:
        """The same words must not lead to two places on one page."""
        seen: dict[str, _Link] = {}
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


def _inline(prose: Prose) -> Iterator[tuple[list[tuple[Token, int]], int]]:
    """Each inline run of the prose: its tokens, each with the line it is on."""
    for token in prose.tokens:
        if token.type != "inline" or token.map is None:
            continue
        line = prose.source.line + token.map[0]
        children: list[tuple[Token, int]] = []
        for child in token.children or []:
            children.append((child, line))
            if child.type in ("softbreak", "hardbreak"):
                line += 1
        yield children, prose.source.line + token.map[0]


def _prose_links(prose: Prose) -> list[_Link]:
    found = []
    for children, _start in _inline(prose):
        open_link: tuple[Token, int] | None = None
        words: list[str] = []
        for child, line in children:
            if child.type == "link_open":
                open_link, words = (child, line), []
            elif child.type == "link_close" and open_link is not None:
                token, at = open_link
                href = str(token.attrGet("href") or "")
                found.append(_Link("".join(words), href, prose.path, at))
                open_link = None
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append("".join(grand.content for grand in child.children or []))
            else:
                words.append(child.content)
    return found


def _prose_images(prose: Prose) -> Iterator[tuple[str, str, str, int]]:
    """Each image: its alternative text, address, title and line."""
    for children, _start in _inline(prose):
        for child, line in children:
            if child.type == "image":
                alt = "".join(grand.content for grand in child.children or [])
                src = str(child.attrGet("src") or "")
                yield alt, src, str(child.attrGet("title") or ""), line


def _prose_text(prose: Prose) -> Iterator[tuple[str, int]]:
    """Each paragraph, list item and heading as the words a reader sees, with its first line."""
    for children, start in _inline(prose):
        parts = []
        for child, _line in children:
            if child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type == "image":
                parts.append(" ")
        yield "".join(parts), start
