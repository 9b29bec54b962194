"""Finding axe-core: where it is looked for, and a clear refusal of a missing or wrong one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plain_pcc.audit.axe import AXE_VARIABLE, INSTALL, VERSION, AxeError, locate, version_of


def install(folder: Path, version: str = VERSION) -> Path:
    package = folder / "node_modules" / "axe-core"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    script = package / "axe.min.js"
    script.write_text(f"/*! axe v{version}\n * Copyright */", encoding="utf-8")
    return script


def test_found_beside_src_in_a_checkout(tmp_path: Path) -> None:
    script = install(tmp_path / "checkout")
    found = locate(
        environ={"HOME": str(tmp_path)}, cwd=tmp_path / "x", checkout=tmp_path / "checkout"
    )
    assert found == script


def test_found_in_the_checkouts_a11y_folder_of_the_working_directory(tmp_path: Path) -> None:
    script = install(tmp_path / "a11y")
    assert locate(environ={"HOME": str(tmp_path / "home")}, cwd=tmp_path) == script


def test_found_where_the_documented_command_installs_it(tmp_path: Path) -> None:
    script = install(tmp_path / ".cache" / "plain-pcc")
    assert locate(environ={"HOME": str(tmp_path)}, cwd=tmp_path / "elsewhere") == script


def test_the_variable_and_the_option_win(tmp_path: Path) -> None:
    script = install(tmp_path / "x")
    assert locate(environ={AXE_VARIABLE: str(script)}, cwd=tmp_path) == script
    assert locate(script.parent, environ={}, cwd=tmp_path) == script


def test_a_wrong_version_is_refused_with_the_command(tmp_path: Path) -> None:
    script = install(tmp_path, "4.0.0")
    with pytest.raises(AxeError) as caught:
        locate(script, environ={}, cwd=tmp_path)
    assert "is axe-core 4.0.0" in str(caught.value)
    assert INSTALL in str(caught.value)


def test_a_missing_axe_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(AxeError) as caught:
        locate(environ={"HOME": str(tmp_path)}, cwd=tmp_path, checkout=tmp_path / "checkout")
    assert INSTALL in str(caught.value)
    assert AXE_VARIABLE in str(caught.value)


def test_version_from_the_banner_when_there_is_no_package_json(tmp_path: Path) -> None:
    script = tmp_path / "axe.min.js"
    script.write_text("/*! axe v4.14.1\n */", encoding="utf-8")
    assert version_of(script) == "4.14.1"
    assert version_of(tmp_path / "none.js") == "unreadable"
