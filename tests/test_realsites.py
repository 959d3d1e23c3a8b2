"""Real sites as their owners laid them out: ``check`` and ``build`` over the 19-site sample.

``../shared/realsites`` holds 159 posts of 19 public Hexo, Hugo, Jekyll, Obsidian, MkDocs and
Pelican repositories (README.md there; SAMPLE.json says what was kept). Each site is copied to
a temporary folder (with an empty ``.git`` marking the repository root, as a clone has) and
read from the folder its owner builds from. Per site:

- every post the generator would publish is found, and nothing else;
- no template syntax of the generator is left in the visible text;
- no post is refused for a picture, except those whose picture the generator would not find
  either (listed below with the reason) or that the sample lacks (``<site>.missing.txt``);
  every local picture a built page shows exists;
- every title is the generator's, worked out here from the generator's own rules.

The expectations are the generators' documented rules, not mdwx's output.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from mdwx import api

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "realsites"
SITES = (
    [
        line.split("\t")[:3]
        for line in (SHARED / "sites.tsv").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if SHARED.is_dir()
    else []
)
KEPT = (
    {s["site"]: s for s in json.loads((SHARED / "SAMPLE.json").read_text("utf-8"))} if SITES else {}
)

#: Markdown files the sample kept that the generator does not publish (its documented rule).
NOT_POSTS = {
    "jekyll-mzlogin": {
        "_posts/template.md"
    },  # Jekyll reads only YEAR-MONTH-DAY-title files in _posts
}
#: Posts refused for a reason the generator shares (its own build fails or shows a broken
#: picture), or for a rule of WeChat's or of mdwx's SVG safety, by a substring of the error.
#: A post listed here may pass; any other refusal fails the test.
REFUSED = {
    "hexo-mushan": {
        "解决org-apache-catalina": "title is 91 characters",  # WeChat's limit of 64
        "IntelliJ-IDEA建立maven": "image not found: img/",  # relative to the post's URL: broken on the site too
        "掌握Java-IO系统": "SVG references",  # the SVG links a remote picture
    },
    "hexo-suyu": {"openwrt-resize-root": "image not found"},  # asset_img of another post's folder
    "hexo-zhengjl": {
        "Kafka源码解析": "image not found",
        "15183682774377": "leanote://file/getImage?fileId=5905de19c525fa32…: unsupported URL",
    },
    "hugo-volcano": {"descheduler": "SVG"},
    "hugo-lruihao": {
        "javaexception": "cover: image not found"
    },  # images/1.png is not in the repository
    "hugo-qinyuanpei": {"EasyAR": ".: not a file"},  # ![截图展示](.)
    # Pictures named with spaces ("Screen Shot … PM.png") were not copied into the sample: the
    # tool that took it did not read spaced paths, so they are not in the missing list either.
    "obs-seaside": {
        "源码1-顶点和边的抽象": "image not found:  https:/",
        "2-凸优化": "image not found",
        "3.一维搜索": "image not found: img/Screen Shot",
        "近世代数": "image not found: img/Screen Shot",
    },
    # A note of the nested vault 计算机网络/ (its own .obsidian/) embeds a picture kept outside
    # that vault: Obsidian opening the vault does not find it, and it is outside the site root.
    "obs-javanote": {"计算机网络/物理层/信道.md": "image not found: Pasted image"},
}
#: The generator's own template syntax, complete tags only (a writer's broken ``% }`` is text).
TEMPLATE = {
    "hugo": re.compile(r"\{\{[<%]-?\s*/?[\w./-]+[^\n]*?[>%]\}\}"),
    "hexo": re.compile(r"\{%-?\s*\w+[^%\n]*-?%\}|\{\{-?\s*[\w.]+[^{}\n]*\}\}"),
    "jekyll": re.compile(r"\{%-?\s*\w+[^%\n]*-?%\}|\{\{-?\s*[\w.]+[^{}\n]*\}\}"),
    "obsidian": re.compile(r"!?\[\[[^\[\]\n]+\]\]"),
    "mkdocs": re.compile(r"\{\{-?\s*[\w.]+[^{}\n]*\}\}"),
    "pelican": re.compile(r"\{(?:static|attach|filename)\}"),
}
#: Where a writer shows template syntax as it is: code, Liquid's raw regions, escaped brackets.
_LITERAL = re.compile(
    r"(?ms)^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1|(`+)[^`].*?\2|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}"
    r"|\{\{[<%]/\*.*?\*/[>%]\}\}"
)
_IMG = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')
_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def _site_params() -> list[object]:
    return [
        pytest.param(
            name,
            generator,
            root,
            id=name,
            marks=[pytest.mark.slow] if name == "mkdocs-oiwiki" else [],
        )
        for name, generator, root in SITES
    ]


@pytest.mark.skipif(not SITES, reason="../shared/realsites is not beside the checkout")
@pytest.mark.parametrize(("name", "generator", "root"), _site_params())
def test_sample_site_reads_as_its_generator_publishes_it(
    name: str, generator: str, root: str, tmp_path: Path
) -> None:
    site = tmp_path / name
    shutil.copytree(SHARED / name, site)
    (site / ".git").mkdir()  # a clone's repository root
    folder = site / root
    checked = api.check([folder]).posts
    built = api.build([folder], api.Options(out_dir=tmp_path / "out")).posts

    found = sorted(p.path.relative_to(folder).as_posix() for p in checked)
    assert found == sorted(p.path.relative_to(folder).as_posix() for p in built)
    assert len(found) == KEPT[name]["posts"] - len(NOT_POSTS.get(name, ())), found
    assert not set(found) & NOT_POSTS.get(name, set())

    missing = _missing(name)
    for report in checked:
        if report.error is None:
            continue
        message = str(report.error)
        if "image not found" in message and any(m in message for m in missing):
            continue
        where = report.path.relative_to(folder).as_posix()
        allowed = [reason for part, reason in REFUSED.get(name, {}).items() if part in where]
        assert allowed and allowed[0] in message, message

    template = TEMPLATE[generator]
    for report in built:
        if not report.outputs:
            continue
        page = report.outputs[0].read_text("utf-8")
        visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
        # Spaces compared away: highlighted code splits ``{{myVar}}`` into tokens, and the
        # tags stripped above leave spaces between them.
        written = template.findall(_literal_parts(report.path.read_text("utf-8")))
        shown_as_written = {re.sub(r"\s+", "", found) for found in written}
        left = [
            found
            for found in template.findall(visible)
            if re.sub(r"\s+", "", found) not in shown_as_written
        ]
        assert not left, (report.path, left[:3])
        for src in _IMG.findall(page):
            if "://" not in src and not src.startswith(("data:", "//")):
                assert (report.outputs[0].parent / unquote(html.unescape(src))).is_file(), (
                    report.path,
                    src,
                )

    for report in checked:
        if report.title is not None:
            expected = " ".join(_generator_title(generator, report.path, site).split())
            assert report.title == expected, report.path


def _literal_parts(source: str) -> str:
    """The parts of a post the generator shows as written, escapes resolved."""
    parts = [m.group(0) for m in _LITERAL.finditer(source)]
    parts += [
        re.sub(r"\\([\[\]{}%])", r"\1", m)
        for m in re.findall(r"(?:\\[\[{])+[^\n]*?(?:\\[\]}])+", source)
    ]
    return "\n".join(parts).replace("{{</*", "{{<").replace("*/>}}", ">}}")


def _missing(name: str) -> list[str]:
    listed = SHARED / f"{name}.missing.txt"
    lines = listed.read_text("utf-8").splitlines() if listed.is_file() else []
    return [Path(line).name for line in lines if line.strip()]


def _generator_title(generator: str, path: Path, site: Path) -> str:
    """The title the generator shows, from its documented rules (front matter read here)."""
    text = path.read_text("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    front, body = _front_matter(generator, text)
    title = front.get("title")
    if generator == "mkdocs" and (nav := _mkdocs_nav_title(path, site)):
        return nav  # the nav's title comes before a title meta (mkdocs.structure.pages)
    if isinstance(title, (str, int, float)) and str(title).strip():
        return str(title)
    if generator == "mkdocs" and not any(_H1.match(line) for line in _outside_fences(body)):
        name = path.stem.replace("-", " ").replace("_", " ")  # File.name made readable
        return name.capitalize() if name.lower() == name else name
    if generator == "jekyll":  # Utils.titleize_slug of the file name after its date
        slug = re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", path.stem)
        return " ".join(word.capitalize() for word in slug.split("-"))
    lines = [line for line in body.split("\n") if line.strip()]
    if generator == "obsidian":  # the note's opening heading, else its file name
        heading = _H1.match(lines[0]) if lines else None
        return heading.group(1) if heading else path.stem
    return next((h.group(1) for line in _outside_fences(body) if (h := _H1.match(line))), path.stem)


class _MkDocsConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as text and lists: ``!!python/name`` and ``!ENV`` tags read as nothing."""


_MkDocsConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_MkDocsConfigLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)


def _mkdocs_nav_title(path: Path, site: Path) -> str | None:
    """The title ``nav:`` in mkdocs.yml gives the page at ``path``, walked here on its own."""
    project = next(p for p in path.parents if (p / "mkdocs.yml").is_file())  # ctfwiki: docs/zh
    config = yaml.load((project / "mkdocs.yml").read_text("utf-8"), Loader=_MkDocsConfigLoader)
    relative = path.relative_to(project / config.get("docs_dir", "docs")).as_posix()

    def walk(item: object) -> str | None:
        if isinstance(item, list):
            return next((found for entry in item if (found := walk(entry))), None)
        if isinstance(item, dict):
            for title, value in item.items():
                if value == relative:
                    return str(title)
                if (found := walk(value)) is not None:
                    return found
        return None

    return walk(config.get("nav"))


def _front_matter(generator: str, text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    if lines[0].strip() in ("---", "+++"):
        mark = lines[0].strip()
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in (mark, "...")), 0)
        block = "\n".join(lines[1:end])
        if mark == "+++":  # Hugo's TOML reader until 2021 took decimals with leading zeros
            block = re.sub(r"(?m)^(\s*[\w-]+\s*=\s*)0+(\d+\s*(?:#.*)?)$", r"\1\2", block)
            return tomllib.loads(block), "\n".join(lines[end + 1 :])
        if generator == "pelican":
            return _pelican("\n".join(lines[1:])), text
        try:
            # Text only: the title is what matters. Go's and Ruby's YAML skip a tab after a value.
            data = yaml.load(re.sub(r"(?m)[ \t]+$", "", block), Loader=yaml.BaseLoader)
        except yaml.YAMLError:
            data = None  # the post is refused; its title is not compared
        return (
            {str(k).lower() if generator == "pelican" else str(k): v for k, v in data.items()}
            if isinstance(data, dict)
            else {}
        ), "\n".join(lines[end + 1 :])
    if generator == "pelican":
        return _pelican(text), text
    if generator == "mkdocs":  # MultiMarkdown-style meta, read by MkDocs' own reader
        from mkdocs.utils.meta import get_data

        body, data = get_data(text)
        return data, body
    if generator == "hexo":  # front matter before a --- line, without the opening one
        end = next((i for i, line in enumerate(lines) if re.fullmatch(r"-{3,}\s*", line)), 0)
        data = yaml.load("\n".join(lines[:end]), Loader=yaml.BaseLoader) if end else None
        if isinstance(data, dict):
            return data, "\n".join(lines[end + 1 :])
    return {}, text


def _pelican(text: str) -> dict:
    """python-markdown's meta header: ``Key: value`` lines up to a blank line."""
    meta = {}
    for line in text.split("\n"):
        if not line.strip():
            break
        found = re.match(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)", line)
        if found:
            meta[found.group(1).lower()] = found.group(2).strip()
    return meta


def _outside_fences(body: str) -> list[str]:
    out, fence = [], None
    for line in body.split("\n"):
        opener = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence:
            fence = (
                None
                if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence)
                else fence
            )
        elif opener:
            fence = opener.group(1)
        else:
            out.append(line)
    return out
