"""Site profiles: what a valid one gives, and the file and key named for every fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.audit.profile import Profile, ProfileError, load, parse

ROOT = Path(__file__).resolve().parents[1]
GOOD = """
name = "council"
[[modes]]
name = "full"
prefix = "/"
switch = "Text only"
[[modes]]
name = "text"
prefix = "/text/"
switch = "Full site"
[[preferences]]
name = "colours"
form = "form.prefs"
field = "scheme"
values = ["default", "dark"]
measure = { script = "getComputedStyle(document.body).backgroundColor" }
[[media]]
name = "dark"
prefers-color-scheme = "dark"
[not_found]
paths = ["/missing/"]
[[parts]]
name = "nav"
selector = "nav a"
rule = "consistent-navigation"
[[forms]]
name = "empty search"
page = "/search/"
form = "form#search"
fields = { q = "" }
expect = ".error-summary"
[[viewports]]
name = "phone"
width = 320
height = 640
"""


def test_a_full_profile_is_read() -> None:
    profile = parse(GOOD, "council.toml")
    assert profile.name == "council"
    assert [m.name for m in profile.modes] == ["full", "text"]
    assert profile.mode_of("/text/about/") == "text"
    assert profile.mode_of("/about/") == "full"
    assert profile.mode_of("/text") == "text"
    assert profile.mode_of("/textile/") == "full"
    pref = profile.preferences[0]
    assert pref.default == "default"
    assert pref.cookie == ""
    assert pref.control_selector("dark") == 'form.prefs [name="scheme"][value="dark"]'
    assert pref.measure.expression() == "getComputedStyle(document.body).backgroundColor"
    assert profile.media[0].features == (("prefers-color-scheme", "dark"),)
    assert profile.not_found == ("/missing/",)
    assert profile.forms[0].fields == (("q", ""),)
    assert profile.viewports == (("phone", 320, 640),)


def test_this_sites_profile_is_valid() -> None:
    profile = load(ROOT / "a11y" / "plain-pcc.toml")
    assert profile.preferences[0].values == ("normal", "large", "extra-large")
    assert profile.preferences[0].measure.expression() == (
        "getComputedStyle(document.querySelector('html')).getPropertyValue('font-size')"
    )


def test_no_profile_means_no_features() -> None:
    profile = Profile()
    assert profile.modes == ()
    assert profile.preferences == ()
    assert profile.mode_of("/x/") == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            'name = "council"\n[[modes]]\nname = "a"\nprefix = "/"\n',
            "modes: declare no modes, or two",
        ),
        (
            '[[modes]]\nname = "a"\nprefix = "/a/"\n[[modes]]\nname = "b"\nprefix = "/b/"\n',
            "modes: one mode must have the prefix '/'",
        ),
        ('[[modes]]\nname = "a"\nprefix = "a/"\n', "modes[0].prefix: must be a path"),
        (
            '[[preferences]]\nname = "x"\nform = "f"\nfield = "x"\nvalues = ["a"]\n'
            'measure = { property = "color" }\n',
            "preferences[0].values: must list at least two",
        ),
        (
            '[[preferences]]\nname = "x"\nform = "f"\nfield = "x"\nvalues = ["a", "b"]\n',
            "preferences[0].measure: is required",
        ),
        (
            '[[preferences]]\nname = "x"\nform = "f"\nfield = "x"\nvalues = ["a", "b"]\n'
            'measure = { property = "color", script = "1" }\n',
            "preferences[0].measure.script: give exactly one",
        ),
        (
            '[[preferences]]\nname = "x"\nform = "f"\nfield = "x"\nvalues = ["a", "b"]\n'
            'measure = { property = "color", change = "shrink" }\n',
            "preferences[0].measure.change: must be one of grow, differ",
        ),
        (
            '[[media]]\nname = "dim"\nprefers-brightness = "low"\n',
            "media[0].prefers-brightness: is not a media feature",
        ),
        (
            '[[media]]\nname = "dark"\nprefers-color-scheme = "black"\n',
            "media[0].prefers-color-scheme: must be one of light, dark",
        ),
        (
            '[[parts]]\nname = "nav"\nselector = "nav a"\nrule = "reflow"\n',
            "parts[0].rule: must be",
        ),
        ('[[viewports]]\nname = "tiny"\nwidth = 0\nheight = 10\n', "viewports[0].width: must be"),
        ('nmae = "typo"\n', "nmae: is not a key the profile knows"),
        ("name = [1]\n", "name: must be a string"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_faults_name_the_file_and_key(change: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse(change, "site.toml")
    assert str(caught.value).startswith("site.toml: ")
    assert message in str(caught.value)


def test_an_unreadable_profile_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load(tmp_path / "missing.toml")
