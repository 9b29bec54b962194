"""Every route, in every mode and preference: status, type and the page check."""

from __future__ import annotations

import pytest

from plain_pcc.app import create_app
from plain_pcc.preferences import selections
from plain_pcc.settings import Settings

from .conftest import CONTENT, CheckedClient

_APP = create_app(Settings(content_dir=CONTENT, access_log=False))
PAGES = sorted(_APP.state.catalogue.pages)
SELECTIONS = selections()


@pytest.mark.parametrize("selection", SELECTIONS, ids=[s.id for s in SELECTIONS])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_every_preference(client: CheckedClient, path: str, selection) -> None:
    cookies = {p.name: c.value for p, c in selection.pairs()}
    client.cookies.update(cookies)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    for preference, choice in selection.pairs():
        assert f'class="font-size-{choice.value}"' in html
        assert f'value="{choice.value}" aria-pressed="true"' in html
