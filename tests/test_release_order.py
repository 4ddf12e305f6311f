"""The release order works as the README gives it, and the tools enforce it: a committed release never
changes; edit the spec, give it a new info.version, then publish; the drift check agrees with publish."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import RunCli
from rstar_spec.publish.render import check, publication_for, render

ROOT = Path(__file__).resolve().parent.parent
RELEASE = re.compile(r"reception-star\.(\d+\.\d+\.\d+)\.openapi")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout with the spec, the overlays and the published folder, committed on main."""
    for folder in ("spec", "overlays", "generated/openapi"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "released")
    return tmp_path


def _edit(repo: Path, version: str | None = None) -> None:
    root = repo / "spec" / "openapi.yaml"
    text = root.read_text().replace("summary: Clients,", "summary: The clients,", 1)
    if version is not None:
        text = re.sub(r"^  version: .*$", f"  version: {version}", text, count=1, flags=re.M)
    root.write_text(text)


def _bumped(repo: Path) -> str:
    """The next minor version after the spec's (4.0.0 -> 4.1.0): a release that is not committed yet."""
    major, minor = _version(repo).split(".")[:2]
    return f"{major}.{int(minor) + 1}.0"


def _released(repo: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (repo / "generated" / "openapi").iterdir() if RELEASE.match(p.name)}


def _version(repo: Path) -> str:
    found = re.search(r"^  version: (.*)$", (repo / "spec" / "openapi.yaml").read_text(), re.M)
    assert found is not None
    return found.group(1)


def test_publish_refuses_to_rewrite_a_committed_release_and_writes_nothing(repo: Path, run_cli: RunCli) -> None:
    before = {p: p.read_bytes() for p in (repo / "generated" / "openapi").rglob("*") if p.is_file()}
    _edit(repo)
    code, out, err = run_cli("publish", cwd=repo)
    assert code != 0 and out == ""
    (line,) = err.splitlines()
    assert f"released {_version(repo)} would change" in line and "info.version" in line
    assert {p: p.read_bytes() for p in (repo / "generated" / "openapi").rglob("*") if p.is_file()} == before
    code, _, err = run_cli("publish", "--check", cwd=repo)  # the drift check says the same, not "run publish"
    assert code != 0 and "would change" in err


def test_breaking_refuses_before_publish_when_the_release_would_change(repo: Path, run_cli: RunCli) -> None:
    _edit(repo)
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 1 and "would change" in err and "info.version" in err  # a finding of the gate, not bad input


def test_after_a_version_bump_publish_adds_the_release_and_keeps_the_old_one(repo: Path, run_cli: RunCli) -> None:
    old, new = _released(repo), _bumped(repo)
    assert old and not any(new in name for name in old)
    _edit(repo, version=new)
    assert run_cli("breaking", cwd=repo)[0] == 0
    code, _, err = run_cli("publish", cwd=repo)
    assert code == 0, err
    now = _released(repo)
    assert {name: now[name] for name in old} == old  # byte for byte
    assert any(new in name for name in now)
    assert run_cli("publish", "--check", cwd=repo)[0] == 0
    # What the tests compare (the drift check) agrees with publish after the bump
    output = repo / "generated" / "openapi"
    assert check(publication_for(repo / "spec" / "openapi.yaml", repo / "overlays", output), output) == []
    # render() alone forgets the earlier releases: the mistake the drift test made
    assert check(render(repo / "spec" / "openapi.yaml", repo / "overlays"), output) != []


def test_a_release_in_the_making_may_be_published_again(repo: Path, run_cli: RunCli) -> None:
    _edit(repo, version=_bumped(repo))
    assert run_cli("publish", cwd=repo)[0] == 0
    spec = repo / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("summary: The clients,", "summary: All the clients,", 1))
    code, _, err = run_cli("publish", cwd=repo)  # the new version is not committed on main: not released yet
    assert code == 0, err


def test_publish_and_unasync_say_nothing_that_needs_no_attention(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli("unasync")
    assert code == 0 and err == ""
    code, _, err = run_cli("publish", "--check")
    assert code == 0 and "3.0.3 rendering" not in err
    code, _, err = run_cli("-v", "publish", "--check")
    assert code == 0 and "3.0.3 rendering" in err


def test_outside_the_repository_root_the_error_says_where_it_looked(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli("mock", cwd=tmp_path)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert str(tmp_path / "spec" / "openapi.yaml") in line and "--spec" in line
    code, _, err = run_cli("--spec", str(ROOT / "spec" / "openapi.yaml"), "bundle", "--target", "mock", cwd=tmp_path)
    assert code == 2 and str(tmp_path / "overlays") in err and "--overlays" in err
