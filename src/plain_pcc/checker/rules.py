"""The checker's rules: each one's id, the WCAG criterion it protects, and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ..content import RESPONSE_DAYS
from ..source import ContentError

ERROR = "error"
WARNING = "warning"


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
        f"promises a response within {RESPONSE_DAYS} days.",
    ),
    Rule(
        "response-timing-unknown",
        None,
        WARNING,
        "Give the day of the month as well, like 2016-03-14, so readers can see the response "
        f"came within {RESPONSE_DAYS} days.",
    ),
    Rule("yaml-syntax", None, ERROR, "Correct the layout of the file at that line."),
    Rule("field-unknown", None, ERROR, "Correct the field's name, or delete the field."),
    Rule("field-missing", None, ERROR, "Add the field: content/README.md shows each one."),
    Rule("content-invalid", None, ERROR, "Correct the file: content/README.md shows each field."),
)
RULES = {rule.id: rule for rule in _RULES}


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
    return Finding.of(error.rule, error.path, error.line, error.reason)
