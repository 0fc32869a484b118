"""The lint that `make test` (and so CI) runs before pytest: it passes on the tree and fails when broken.

Both tools read pyproject.toml. The failing cases run them on a copy of the apps with one bad line added, so a
contract or rule that silently stopped matching would show up here.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APPS = ["core", "articles", "reporters", "photos", "ads", "distribution", "search", "live"]


def run(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The apps and the lint configuration, copied: the tests break the copy, never the tree."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_make_test_runs_ruff_and_the_import_contracts_before_pytest() -> None:
    recipe = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = recipe.splitlines()
    position = {tool: next(i for i, line in enumerate(lines) if tool in line) for tool in ("ruff check", "lint-imports", "pytest")}
    assert position["ruff check"] < position["pytest"] and position["lint-imports"] < position["pytest"]


def test_the_tree_passes_ruff_and_the_import_contracts() -> None:
    ruff = run("ruff", "check", ".", cwd=ROOT)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    contracts = run("lint-imports", "--no-cache", cwd=ROOT)
    assert contracts.returncode == 0, contracts.stdout + contracts.stderr
    # the three layer contracts and "only articles sets the story services' mark"
    assert "4 kept, 0 broken" in contracts.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        ("core/_probe.py", "import articles.models\n", "core imports no app BROKEN"),
        ("articles/_probe.py", "from ads import placement\n", "articles does not import ads, distribution, search or live"),
        ("articles/_probe.py", "import live.models\n", "articles does not import ads, distribution, search or live"),
        ("live/_probe.py", "import distribution.feeds\n", "above live above articles"),
        ("photos/_probe.py", "import articles.models\n", "above core BROKEN"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tree_copy: Path, module: str, bad_import: str, broken: str) -> None:
    (tree_copy / module).write_text(bad_import)
    result = run("lint-imports", "--no-cache", cwd=tree_copy)
    assert result.returncode == 1, result.stdout
    assert broken in result.stdout.replace("\n", " ")


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("from datetime import datetime\n\nSTAMP = datetime.now()\n", "DTZ005"),  # a naive "now"
        ("import os\nimport sys\nimport django\n\nprint(django, os, sys)\n", "I001"),  # imports out of order
        ("from ..models import Photo\n\nprint(Photo)\n", "TID252"),  # relative import from a parent package
        ("from django.db import models\n\n\nclass Note(models.Model):\n    text = models.TextField(null=True)\n", "DJ001"),
    ],
)
def test_ruff_fails_on_a_broken_rule(tree_copy: Path, source: str, rule: str) -> None:
    (tree_copy / "photos" / "templatetags" / "_probe.py").write_text(source)
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", ".", cwd=tree_copy)
    assert result.returncode == 1
    assert rule in result.stdout, result.stdout
