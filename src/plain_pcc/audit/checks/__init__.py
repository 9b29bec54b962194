"""The audit's own checks, one module per family; each returns findings for one visit, or
raises NotApplicable or CouldNotRun with its reason. Their scripts are in ``js/``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webelement import WebElement

from ..browser import Session
from ..discovery import Site
from ..findings import Finding
from ..matrix import REFLOW_WIDTH, Cell, is_default
from ..profile import Profile
from .scripting import may_run_script


@dataclass
class Visit:
    """A page loaded in one cell of the matrix, and what a check may need to judge it."""

    session: Session
    cell: Cell
    url: str
    site: Site
    profile: Profile
    pages: tuple[str, ...] = ()
    axe: Any = None  # the AxeRunner, for checks that audit a page they reach themselves
    data: dict[str, Any] = field(default_factory=dict)  # what a check leaves for the whole run
    html: bool | None = None  # whether the page is an HTML document, once asked
    scripted: bool | None = None  # whether the page can run script of its own, once asked

    @property
    def driver(self) -> Any:
        return self.session.driver

    def may_run_script(self) -> bool:
        """Whether the page can run script of its own (``scripting``): asked once a document."""
        if self.scripted is None:
            self.scripted = may_run_script(self.session)
        return self.scripted

    def reload(self) -> None:
        """The page loaded again at its address; whether it can run script is asked again, of
        the document the site now sends."""
        self.driver.get(self.url)
        self.scripted = None


@cache
def script(*names: str) -> str:
    """The helpers, then each named script in a block of its own, in one script: the first
    ``return`` answers."""
    js = files(__package__) / "js"
    parts = [(js / f"{name}.js").read_text(encoding="utf-8") for name in names]
    if len(parts) > 1:
        parts = ["{\n" + part + "\n}" for part in parts]
    return "\n".join([(js / "helpers.js").read_text(encoding="utf-8"), *parts])


def run_js(visit: Visit | Session, name: str | tuple[str, ...], *args: Any) -> Any:
    """A script of ``js/`` (or several, one after the other) run in the page, in one round
    trip."""
    source = script(*((name,) if isinstance(name, str) else name))
    if any(isinstance(arg, WebElement) for arg in args):
        # An element WebDriver found can be handed to a script only through WebDriver.
        return visit.driver.execute_script(source, *args)
    session = visit.session if isinstance(visit, Visit) else visit
    return session.evaluate(source, *args)


def await_js(visit: Visit, name: str, *args: Any) -> Any:
    """A script of ``js/`` that answers through a callback, its last argument: on a page that
    runs no script of its own, through the DevTools protocol (``Session.evaluate``); on one
    that does, through WebDriver, whose time limit holds even if the page replaced its
    timers."""
    if visit.may_run_script():
        return visit.driver.execute_async_script(script(name), *args)
    return visit.session.evaluate(script(name), *args, awaited=True)


def is_html(visit: Visit) -> bool:
    """An HTML page, not an SVG drawing or an XML file shown in the browser: read as the page
    loads, or else asked once a visit, as the checks that need it reload the same address."""
    if visit.html is None:
        visit.html = bool(run_js(visit, "document_kind"))
    return visit.html


@dataclass(frozen=True)
class Check:
    """A check, the cells it runs in, whether it leaves the page changed (and how it can put
    it back for the next check), and whether it loads what it looks at itself (then the runner
    only sets up a new visitor before it)."""

    id: str
    family: str  # "generic" checks run on any site; "site" checks need the profile
    rules: tuple[str, ...]
    run: Callable[[Visit], list[Finding]]
    applies: Callable[[Cell, Profile], bool]
    changes_page: bool = False
    # Undoes what the check did to the page; True only when the page is then again exactly as
    # loaded. Without it, or when it says False, the page is loaded again.
    put_back: Callable[[Visit], bool] | None = None
    loads_pages: bool = False


def page_kept(visit: Visit, undo: str = "page_kept") -> bool:
    """Whether the page is again as a check's script kept it (``keepPage``), after the script
    ``undo`` put it back: its address and target, the document, the scroll, nothing focused.
    False, never an error, when it cannot tell."""
    try:
        return bool(await_js(visit, undo, visit.may_run_script()))
    except WebDriverException:
        return False


def every_cell(cell: Cell, profile: Profile) -> bool:
    return True


def narrow(cell: Cell, profile: Profile) -> bool:
    return cell.viewport.width <= REFLOW_WIDTH and cell.media is None


def default_cells(cell: Cell, profile: Profile) -> bool:
    return is_default(cell, profile)


def default_first_viewport(cell: Cell, profile: Profile) -> bool:
    return is_default(cell, profile) and cell.viewport.name == profile.viewports[0][0]


def all_checks() -> list[Check]:
    """In the order they run on a page: those that only read it first."""
    from . import contrast, keyboard, layout, site, targets

    return [
        *layout.CHECKS[:1],  # reflow reads
        *targets.CHECKS,
        *site.PAGE_CHECKS,
        *layout.CHECKS[1:],  # text size and spacing: each puts the page back
        *contrast.CHECKS,  # focuses controls by script, and lets go
        *keyboard.CHECKS,  # the skip link (puts the page back), then the walk
    ]


def site_checks() -> list[Check]:
    """Checks that leave the page (a form, another mode): each loads what it needs."""
    from . import site

    return list(site.VISIT_CHECKS)
