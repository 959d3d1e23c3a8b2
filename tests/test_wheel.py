"""The built wheel works on its own: installed into a fresh venv, it builds the sample site.

An editable install hides packaging mistakes (themes left out of the wheel, a missing
entry point), so this test builds the real wheel, installs it without the source tree on
the path, and runs the installed ``mdwx`` from a folder outside the repository. The venv
reaches the current environment's dependencies through a ``.pth`` file, so nothing is
downloaded; the wheel itself is installed with ``--no-deps`` and is what gets imported.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(
    argv: list[str | Path], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _build_wheel(out: Path) -> Path:
    """Build without isolation when the backend is already here: no download, much faster."""
    command: list[str | Path] = [sys.executable, "-m", "build", "--wheel", "--outdir", out]
    if importlib.util.find_spec("hatchling"):
        command.append("--no-isolation")
    _run([*command, REPO], cwd=out.parent)
    wheels = sorted(out.glob("mdwx-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _make_venv(folder: Path) -> Path:
    """A venv without pip whose site-packages also sees this environment's packages."""
    _run([sys.executable, "-m", "venv", "--without-pip", folder], cwd=folder.parent)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    inner = _run([python, "-c", "import site; print(site.getsitepackages()[0])"], cwd=folder)
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    # Appended after the venv's own site-packages, so the installed wheel wins over an
    # editable mdwx of the outer environment.
    Path(inner.stdout.strip(), "outer-env.pth").write_text(
        "\n".join(outer) + "\n", encoding="utf-8"
    )
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(wheel, venv python, venv mdwx executable)."""
    root = tmp_path_factory.mktemp("wheel")
    (root / "dist").mkdir()
    wheel = _build_wheel(root / "dist")
    python = _make_venv(root / "venv")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
            "--no-compile",
            "--quiet",
            wheel,
        ],
        cwd=root,
    )
    mdwx = python.parent / ("mdwx.exe" if os.name == "nt" else "mdwx")
    assert mdwx.is_file(), "the wheel must install the mdwx console script"
    return wheel, python, mdwx


def test_wheel_ships_the_themes(installed: tuple[Path, Path, Path]) -> None:
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("mdwx/templates/") and n.endswith(".css") for n in names), names


def test_installed_package_is_the_wheel_not_the_source_tree(
    installed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, python, _ = installed
    where = _run([python, "-c", "import mdwx; print(mdwx.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).resolve().is_relative_to(python.parent.parent.resolve()), where


def test_installed_mdwx_reports_its_version(
    installed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, python, mdwx = installed
    version = _run(
        [python, "-c", "import mdwx; print(mdwx.__version__)"], cwd=tmp_path
    ).stdout.strip()
    assert version
    assert version in _run([mdwx, "--version"], cwd=tmp_path).stdout


def test_installed_mdwx_builds_the_sample_site(
    installed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, python, mdwx = installed
    site_copy = tmp_path / "site"
    shutil.copytree(REPO / "sample-site", site_copy)
    out = tmp_path / "out"
    _run([mdwx, "build", site_copy, "-o", out], cwd=tmp_path)
    slugs = _slugs(python, site_copy, tmp_path)
    assert slugs
    for slug in slugs:
        content = out / slug / "content.html"
        assert content.is_file(), f"missing {content}"
        assert "style=" in content.read_text(encoding="utf-8"), "themes were not applied"
        assert (out / slug / "preview.html").is_file()


def _slugs(python: Path, site_copy: Path, cwd: Path) -> list[str]:
    """The posts' slugs, read by the installed package itself."""
    code = (
        "import sys; from pathlib import Path\n"
        "from mdwx.source.article import read_article; from mdwx.source.site import load_config\n"
        "for p in sorted(Path(sys.argv[1]).glob('posts/*.md')):\n"
        "    print(read_article(p.resolve(), load_config(p)).slug)\n"
    )
    return _run([python, "-c", code, site_copy], cwd=cwd).stdout.split()


def test_wheel_ships_the_site_generator_plugins(installed: tuple[Path, Path, Path]) -> None:
    """MkDocs finds ``wechat`` by its entry point; Pelican finds ``mdwx`` in its namespace
    package, which must have no ``__init__.py`` above the plugin (it would hide Pelican)."""
    wheel, _, _ = installed
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "pelican/plugins/mdwx/__init__.py" in names
    assert "pelican/__init__.py" not in names and "pelican/plugins/__init__.py" not in names
    assert "mdwx/integrations/mkdocs.py" in names and "mdwx/integrations/pelican.py" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = archive.read(entry_points).decode()
    assert "[mkdocs.plugins]\nwechat = mdwx.integrations.mkdocs:WeChatPlugin" in text
