"""Variants: every selection of a page spliced from one rendering is the page that selection
would render, and only the default is compressed before it is asked for."""

from __future__ import annotations

import brotli
import pytest
from markupsafe import Markup
from starlette.applications import Starlette

from plain_pcc.modes import MODES
from plain_pcc.preferences import DEFAULT, selections
from plain_pcc.rendering import page_context, render_page
from plain_pcc.templating import create_environment
from plain_pcc.variants import CLASSES, FORMS, Variants

REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.name)
def test_each_spliced_variant_is_what_its_selection_renders(app: Starlette, mode: object) -> None:
    """The whole page rendered afresh for each of the 36 selections, byte for byte."""
    site = app.state.site
    catalogue = app.state.catalogue
    environment = create_environment()
    page = site.pages[REPORTS]
    template = environment.get_template(f"pages/{page.template}.html")
    forms = environment.get_template("components/_preferences.html")
    context = page_context(site, app.state.settings, catalogue, mode, page)
    variants = catalogue.pages[mode.url(REPORTS)]  # type: ignore[attr-defined]
    assert len(variants) == len(selections()) == 36
    for selection in selections():
        rendered = template.render(
            {
                **context,
                "root_classes": selection.classes,
                "preference_forms": Markup(
                    forms.render(selection=selection, return_to=context["return_to"])
                ),
            }
        )
        assert variants.bodies[selection] == rendered.encode(), selection.id


def test_only_the_default_is_compressed_before_it_is_asked_for() -> None:
    page = f'<html class="{CLASSES}"><body>{FORMS}<p>{"words " * 400}</p></body></html>'
    variants = Variants(page, lambda selection: f"<form>{selection.id}</form>", [])
    assert set(variants.encoded) == {DEFAULT}
    best = variants[DEFAULT].encodings["br"].body
    other = selections()[-1]
    assert other not in variants.encoded
    representation = variants[other]
    assert variants[other] is representation, "kept once made"
    assert set(variants.encoded) == {DEFAULT, other}
    body = brotli.decompress(representation.encodings["br"].body).decode()
    assert f'class="{other.classes}"' in body
    assert f"<form>{other.id}</form>" in body
    assert brotli.decompress(best).decode().startswith(f'<html class="{DEFAULT.classes}">')


@pytest.mark.parametrize(
    "page",
    [
        f"<html>{FORMS}</html>",
        f'<html class="{CLASSES}"></html>',
        f'<html class="{CLASSES}">{FORMS}{FORMS}</html>',
        f'<html class="{CLASSES} {CLASSES}">{FORMS}</html>',
    ],
)
def test_a_page_without_each_mark_exactly_once_is_refused(page: str) -> None:
    with pytest.raises(ValueError, match="exactly once"):
        Variants(page, lambda selection: "", [])


def test_a_page_rendered_for_one_request_is_its_selection_spliced(app: Starlette) -> None:
    """``render_page`` (the pages that carry a visitor's token) gives the same bytes as the
    spliced variant of the same page and selection, so both paths show the same preferences."""
    site = app.state.site
    catalogue = app.state.catalogue
    environment = create_environment()
    for mode in MODES:
        for selection in (DEFAULT, selections()[-1]):
            html = render_page(
                environment,
                site,
                app.state.settings,
                catalogue,
                mode,
                selection,
                site.pages[REPORTS],
            )
            variants = catalogue.pages[mode.url(REPORTS)]  # type: ignore[attr-defined]
            assert html.encode() == variants.bodies[selection], (mode.name, selection.id)
