"""What counts as a document that can run script: everything that can, and nothing else."""

from __future__ import annotations

import pytest

from plain_pcc.audit.checks.scripting import markup_scripted

PLAIN = "<!doctype html><html lang=en><title>t</title><main><a href='/x'>x</a></main></html>"


@pytest.mark.parametrize(
    "markup",
    [
        "<script src='a.js'></script>",
        "<script>go()</script>",
        "<script type='module' src='m.js'></script>",
        "<script type=' Text/JavaScript '>go()</script>",
        "<script type='text/javascript; charset=utf-8'>go()</script>",
        "<script type=''>go()</script>",
        "<script language='javascript'>go()</script>",
        "<svg><svg:script href='a.js'/></svg>",
        "<svg><script href='a.js'/></svg>",
        "<img src='x.png' alt='' onerror='go()'>",
        "<body onload='go()'>",
        "<svg><rect xlink:onclick='go()'/></svg>",
        "<a href='javascript:go()'>x</a>",
        "<a href=' JavaScript:go()'>x</a>",
        "<a href='java\tscript:go()'>x</a>",
        "<a href='&#106;avascript:go()'>x</a>",
        "<iframe src='javascript:go()'></iframe>",
        "<object data='movie.swf'></object>",
        "<embed src='movie.swf'>",
        "<div><template shadowrootmode='closed'><script src='a.js'></script></template></div>",
        "<?xml-stylesheet type='text/xsl' href='page.xsl'?><page/>",
    ],
)
def test_markup_that_can_run_script(markup: str) -> None:
    assert markup_scripted(PLAIN.replace("<main>", "<main>" + markup))[0] is True


@pytest.mark.parametrize(
    "markup",
    [
        "",
        '<script type=\'application/ld+json\'>{"@type": "Person"}</script>',
        "<script type='importmap'>{}</script>",
        "<a href='/javascript/'>The JavaScript guide</a>",
        "<p>Type javascript:go() in the address bar to see why that does nothing.</p>",
        "<button type='submit'>Send</button><form method='post' action='/x'></form>",
        "<svg><title>A drawing</title><rect width='10' height='10'/></svg>",
        "<?xml-stylesheet type='text/css' href='page.css'?>",
        "<p data-onload='x'>an attribute named like a handler's value</p>",
    ],
)
def test_markup_that_cannot(markup: str) -> None:
    assert markup_scripted(PLAIN.replace("<main>", "<main>" + markup)) == (False, 0)


def test_frames_are_counted() -> None:
    markup = "<iframe src='a.html' title='a'></iframe><frameset><frame src='b.html'></frameset>"
    assert markup_scripted(markup) == (False, 2)
