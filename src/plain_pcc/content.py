"""The site's content: ``content/`` read and validated into pages, once, at start-up.

A file the site cannot be built from stops the start with a ``ContentError`` naming the file,
the line and what is wrong: there is never a half-working site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .dates import PartialDate
from .links import Link
from .prose import Prose
from .source import Block, ContentError, Text, read_markdown, read_yaml
from .statement import RECORD, Tested, read_record

REPORTS_DIR = "hmic-reports"
ERRORS_FILE = "errors.yaml"
# The error pages the server answers with: each needs its words in errors.yaml.
ERROR_STATUSES = (400, 403, 404, 405, 413, 415, 500)
_YEAR_FILE = re.compile(r"\d{4}\.yaml")
# A PCC response is due within this many days of the report (the Policing Protocol Order 2011):
# the reports page says so, and the checker holds the dates to it.
RESPONSE_DAYS = 30
_PATH = re.compile(r"/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*")


@dataclass(frozen=True)
class Statement:
    """The Commissioner's response to a report, quoted in full with its attribution."""

    title: str
    date: PartialDate
    by: str
    prose: Prose
    date_line: int = 0  # where the date is written, for the checker's timing rules


@dataclass(frozen=True)
class Report:
    title: str
    issued: PartialDate
    issued_as: str
    links: tuple[Link, ...]
    # None until the Commissioner's response is published; the page says so.
    statement: Statement | None
    summary: Prose | None = None

    @property
    def heading(self) -> str:
        return f"{self.issued.month_name}: {self.title}"

    @property
    def anchor(self) -> str:
        words = re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")
        return f"report-{words}"

    @property
    def response_days(self) -> int | None:
        if self.statement is None:
            return None
        return self.issued.days_until(self.statement.date)

    @property
    def response_timing(self) -> str:
        """When the response came, against the report (it is due within RESPONSE_DAYS)."""
        if self.statement is None:
            return "not yet published"
        days = self.response_days
        if days == 0:
            return "the day the report was issued"
        if days is not None:
            return f"{days} day{'s' if days != 1 else ''} after the report was issued"
        if (self.issued.year, self.issued.month) == (
            self.statement.date.year,
            self.statement.date.month,
        ):
            return "the month the report was issued"
        return f"after the report, which was issued in {self.issued.month_name}"


@dataclass(frozen=True)
class ErrorPage:
    """The words of the page shown for one HTTP error status."""

    status: int
    title: str
    prose: Prose


@dataclass(frozen=True)
class Page:
    """One page of the site, at its full-mode address."""

    path: str
    title: str
    description: str
    template: str
    source: Path
    body: Prose | None = None
    parent: str | None = None
    reviewed: PartialDate | None = None
    prepared: PartialDate | None = None
    year: int | None = None
    intro: Prose | None = None
    reports: tuple[Report, ...] = ()

    def prose(self) -> Iterator[Prose]:
        for prose in (self.body, self.intro):
            if prose is not None:
                yield prose
        for report in self.reports:
            if report.summary is not None:
                yield report.summary
            if report.statement is not None:
                yield report.statement.prose


@dataclass(frozen=True)
class Site:
    """Everything the templates know about the site, whatever page they render."""

    name: str
    phone: str
    email: str
    address: tuple[str, ...]
    policing_notice: Prose
    signup: Prose
    menu: tuple[Link, ...]
    footer: tuple[Link, ...]
    pages: dict[str, Page] = field(repr=False)
    section_path: str = ""
    # What the latest audit tested and found, for the accessibility statement.
    tested: Tested | None = None
    errors: dict[int, ErrorPage] = field(default_factory=dict, repr=False)

    @property
    def years(self) -> list[Page]:
        """The reports pages, newest year first."""
        years = [page for page in self.pages.values() if page.year is not None]
        return sorted(years, key=lambda page: page.year or 0, reverse=True)

    @property
    def phone_uri(self) -> str:
        return "tel:+44" + re.sub(r"\D", "", self.phone).removeprefix("0")

    def breadcrumbs(self, page: Page) -> list[Page]:
        """The pages above ``page``, from the home page down."""
        trail = []
        parent = page.parent
        while parent is not None:
            above = self.pages[parent]
            trail.append(above)
            parent = above.parent
        return trail[::-1]


def load_site(content_dir: Path) -> Site:
    """Read and check every content file; raise ``ContentError`` on the first problem."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise ContentError(content_dir, None, "the content folder does not exist")
    settings = read_yaml(content_dir / "site.yaml")
    pages: dict[str, Page] = {}
    sources: dict[str, Path] = {}

    def add(page: Page, line: int) -> None:
        if page.path in pages:
            raise ContentError(
                page.source, line, f"address {page.path} is already used by {sources[page.path]}"
            )
        pages[page.path] = page
        sources[page.path] = page.source

    pages_dir = content_dir / "pages"
    for path in sorted(pages_dir.glob("*.md")):
        meta, body = read_markdown(path)
        add(_read_page(path, meta, body), meta.lines.get("path", meta.line))
    if "/" not in pages:
        raise ContentError(pages_dir, None, "no page has the address '/' (the home page)")

    section_file = content_dir / REPORTS_DIR / "index.md"
    meta, body = read_markdown(section_file)
    section = _read_page(section_file, meta, body, template="reports_index")
    add(section, meta.lines.get("path", meta.line))
    for path in sorted((content_dir / REPORTS_DIR).glob("*.yaml")):
        if not _YEAR_FILE.fullmatch(path.name):
            raise ContentError(path, None, "a reports file is named after its year, like 2016.yaml")
        year_page = _read_year(path, read_yaml(path), section)
        add(year_page, 1)

    site = Site(
        name=settings.text("name"),
        phone=settings.text("phone"),
        email=settings.text("email"),
        address=tuple(settings.texts("address")),
        policing_notice=_prose(settings, "policing_notice"),
        signup=_prose(settings, "signup"),
        menu=tuple(_read_links(settings, "menu")),
        footer=tuple(_read_links(settings, "footer")),
        pages=pages,
        section_path=section.path,
        tested=read_record(content_dir) if (content_dir / RECORD).exists() else None,
        errors=_read_errors(read_yaml(content_dir / ERRORS_FILE)),
    )
    settings.allow(
        "name", "phone", "email", "address", "policing_notice", "signup", "menu", "footer"
    )
    _check_links(site)
    return site


def _read_page(path: Path, meta: Block, body: Text, template: str = "page") -> Page:
    meta.allow("title", "path", "description", "parent", "template", "prepared", "reviewed")
    address = meta.text("path")
    if not _PATH.fullmatch(address):
        meta.fail(
            "path",
            f"'{address}' is not a page address: use lower-case words and hyphens between "
            "slashes, starting and ending with '/', like /cookies/",
        )
    if address.startswith("/text-only/"):
        meta.fail("path", "addresses under /text-only/ are kept for the text-only mode")
    if (chosen := meta.optional_text("template")) is not None:
        if chosen not in ("page", "cookies", "statement"):
            meta.fail("template", f"'{chosen}' is not a template: use page, cookies or statement")
        template = chosen
    prose = Prose(body, path) if body.strip() else None
    if prose is not None:
        prose.require_no_main_heading()
    return Page(
        path=address,
        title=meta.text("title", empty="heading-empty"),
        description=meta.text("description"),
        template=template,
        source=path,
        body=prose,
        parent=_parent(meta, address),
        prepared=_optional_date(meta, "prepared"),
        reviewed=_optional_date(meta, "reviewed"),
    )


def _read_errors(data: Block) -> dict[int, ErrorPage]:
    data.allow(*(str(status) for status in ERROR_STATUSES))
    errors = {}
    for status in ERROR_STATUSES:
        block = data.block(str(status))
        block.allow("title", "text")
        prose = _prose(block, "text")
        prose.require_no_main_heading()
        errors[status] = ErrorPage(status, block.text("title", empty="heading-empty"), prose)
    return errors


def _parent(meta: Block, address: str) -> str | None:
    if address == "/":
        return None
    parent = meta.optional_text("parent")
    return str(parent) if parent is not None else "/"


def _read_year(path: Path, data: Block, section: Page) -> Page:
    data.allow("title", "description", "intro", "reports")
    year = int(path.stem)
    reports = tuple(_read_report(block) for block in data.blocks("reports"))
    for report in reports:
        if report.issued.year != year:
            # A report belongs on the page of the year it was issued.
            raise ContentError(
                path, None, f"'{report.title}' was issued in {report.issued.year}, not {year}"
            )
    anchors = [report.anchor for report in reports]
    if len(set(anchors)) != len(anchors):
        raise ContentError(path, None, "two reports have the same month and title")
    intro = _prose(data, "intro")
    intro.require_no_main_heading()
    return Page(
        path=f"{section.path}hmic-reports-{year}/",
        # Text keeps the line each title is written on (or the file's first, for the default).
        title=data.optional_text("title", "heading-empty") or Text(f"HMIC Reports {year}", 1),
        description=data.text("description"),
        template="reports_year",
        source=path,
        parent=section.path,
        year=year,
        intro=intro,
        reports=tuple(sorted(reports, key=lambda report: report.issued, reverse=True)),
    )


def _read_report(data: Block) -> Report:
    data.allow("title", "issued", "issued_as", "summary", "links", "statement")
    summary = _prose(data, "summary") if "summary" in data.fields else None
    return Report(
        title=data.text("title", empty="heading-empty"),
        issued=_date(data, "issued", missing="report-issued-missing"),
        issued_as=data.text("issued_as"),
        summary=summary,
        links=tuple(_read_links(data, "links")),
        statement=_read_statement(data.block("statement")) if "statement" in data.fields else None,
    )


def _read_statement(data: Block) -> Statement:
    data.allow("title", "date", "by", "text")
    date = _date(data, "date")
    return Statement(
        date_line=data.lines["date"],
        title=data.optional_text("title", "heading-empty") or Text("PCC statement", 0),
        date=date,
        by=data.text("by", missing="statement-by-missing", empty="statement-by-missing"),
        prose=_prose(data, "text"),
    )


def _read_links(data: Block, key: str) -> Iterator[Link]:
    for item in data.blocks(key):
        item.allow("text", "url")
        url = item.text("url")
        link = Link(str(item.text("text")), str(url), item.path, item.line)
        if not link.internal:
            parts = urlsplit(url)
            if parts.scheme not in ("https", "http", "mailto", "tel") or not (
                parts.netloc or parts.path
            ):
                item.fail(
                    "url",
                    f"'{url}' is not a web address or a page address",
                    "link-internal-missing",
                )
        yield link


def _prose(data: Block, key: str) -> Prose:
    return Prose(data.text(key), data.path)


def _date(data: Block, key: str, missing: str = "field-missing") -> PartialDate:
    value = data.text(
        key, missing, empty=missing if missing != "field-missing" else "content-invalid"
    )
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        data.fail(key, str(error), "date-invalid")


def _optional_date(data: Block, key: str) -> PartialDate | None:
    return _date(data, key) if key in data.fields else None


def _check_links(site: Site) -> None:
    """Every page address the content links to must exist."""
    targets: list[Link] = [*site.menu, *site.footer]
    for prose in (site.policing_notice, site.signup):
        targets += prose.links
    for error in site.errors.values():
        targets += error.prose.links
    for page in site.pages.values():
        if page.parent is not None and page.parent not in site.pages:
            raise ContentError(
                page.source,
                None,
                f"parent page {page.parent} does not exist",
                "link-internal-missing",
            )
        for prose in page.prose():
            targets += prose.links
        for report in page.reports:
            targets += report.links
    for link in targets:
        if link.page is not None and link.page not in site.pages:
            raise ContentError(
                link.file,
                link.line,
                f"the link '{link.text}' goes to {link.page}: no such page",
                "link-internal-missing",
            )
