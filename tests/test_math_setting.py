"""``$`` is math only where the writer's site renders math: the post, mdwx.toml, the generator."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig, config_from_mapping
from mdwx.document import AssetKind
from mdwx.errors import ConfigError
from mdwx.render import render_markdown
from mdwx.source.article import read_article
from mdwx.source.math_setting import generator_math
from mdwx.source.site import load_config

# Site layouts (file → text) as each generator's documentation sets math up, and whether
# their pages render $…$ as math.
SITES = {
    "hugo-params": ({"hugo.toml": "[params]\nmath = true\n", "content/posts/p.md": ""}, True),
    "hugo-params-off": ({"hugo.toml": "[params]\nmath = false\n", "content/posts/p.md": ""}, False),
    "hugo-none": ({"config.toml": 'title = "x"\n', "content/posts/p.md": ""}, False),
    "hugo-passthrough": (
        {
            "hugo.toml": "[markup.goldmark.extensions.passthrough]\nenable = true\n",
            "content/posts/p.md": "",
        },
        True,
    ),
    "hugo-fixit": (
        {
            "config.toml": "",
            "config/_default/params.toml": "[math]\nenable = true\n",
            "content/posts/p.md": "",
        },
        True,
    ),
    "hugo-fixit-off": (
        {
            "config.toml": "",
            "config/_default/params.toml": "[math]\nenable = false\n",
            "content/posts/p.md": "",
        },
        False,
    ),
    "hugo-stack": (
        {"config.yaml": "params:\n  article:\n    math: true\n", "content/posts/p.md": ""},
        True,
    ),
    "hexo-none": ({"_config.yml": "title: x\n", "source/_posts/p.md": ""}, False),
    "hexo-mathjax": ({"_config.yml": "mathjax: true\n", "source/_posts/p.md": ""}, True),
    "hexo-plugin": (
        {
            "_config.yml": "title: x\n",
            "package.json": '{"dependencies": {"hexo-filter-mathjax": "1"}}',
            "source/_posts/p.md": "",
        },
        True,
    ),
    "hexo-no-plugin": (
        {
            "_config.yml": "title: x\n",
            "package.json": '{"dependencies": {"hexo-renderer-marked": "1"}}',
            "source/_posts/p.md": "",
        },
        False,
    ),
    "hexo-next": (
        {
            "_config.yml": "theme: next\n",
            "themes/next/_config.yml": "math:\n  mathjax:\n    enable: true\n",
            "source/_posts/p.md": "",
        },
        True,
    ),
    "hexo-theme-file": (
        {
            "_config.yml": "theme: butterfly\n",
            "_config.butterfly.yml": "katex:\n  enable: true\n",
            "source/_posts/p.md": "",
        },
        True,
    ),
    "jekyll-none": ({"_config.yml": "page-mathjax: false\n", "_posts/2020-01-01-p.md": ""}, False),
    "jekyll-mathjax": ({"_config.yml": "mathjax: true\n", "_posts/2020-01-01-p.md": ""}, True),
    "obsidian": ({".obsidian/app.json": "{}", "p.md": ""}, True),
    "mkdocs-arithmatex": (
        {
            "mdwx.toml": "",
            "mkdocs.yml": "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n",
            "docs/p.md": "",
        },
        True,
    ),
    "mkdocs-none": (
        {"mdwx.toml": "", "mkdocs.yml": "markdown_extensions:\n  - toc\n", "docs/p.md": ""},
        False,
    ),
    "pelican-render-math": (
        {"mdwx.toml": "", "pelicanconf.py": "PLUGINS = ['render_math']\n", "content/p.md": ""},
        True,
    ),
    "pelican-none": (
        {"mdwx.toml": "", "pelicanconf.py": "PLUGINS = []\n", "content/p.md": ""},
        False,
    ),
    "mdwx-own": ({"mdwx.toml": "", "p.md": ""}, True),
}
POST = "---\ntitle: T\n{front}---\n\nCosts $5 and $HOME is set; $x^2$ too.\n"


def _site(tmp_path: Path, name: str, front: str = "", toml: str | None = None) -> Path:
    files, _ = SITES[name]
    root = tmp_path / name
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(
            text if not rel.endswith("p.md") else POST.format(front=front), encoding="utf-8"
        )
    if toml is not None:
        (root / "mdwx.toml").write_text(toml, encoding="utf-8")
    return next(root / rel for rel in files if rel.endswith("p.md"))


@pytest.mark.parametrize("name", sorted(SITES))
def test_each_generator_says_whether_its_pages_have_math(tmp_path: Path, name: str) -> None:
    generator_math.cache_clear()
    post = _site(tmp_path, name)
    article = read_article(post, load_config(post))
    assert article.math is SITES[name][1]


@pytest.mark.parametrize("name", sorted(SITES))
@pytest.mark.parametrize(
    ("front", "toml", "expected"),
    [
        ("math: true\n", "math = false\n", True),  # the post's word first
        ("mathjax: false\n", "math = true\n", False),
        ("", "math = false\n", False),  # then mdwx.toml
        ("", "math = true\n", True),
    ],
)
def test_the_post_then_mdwx_toml_decide_before_the_generator(
    tmp_path: Path, name: str, front: str, toml: str, expected: bool
) -> None:
    generator_math.cache_clear()
    post = _site(tmp_path, name, front, toml)
    article = read_article(post, load_config(post))
    assert article.math is expected
    assert [w for w in article.warnings if "unknown front matter key" in w] == []


def test_math_setting_values(tmp_path: Path) -> None:
    assert config_from_mapping({"math": "auto"}, root=tmp_path).math is None
    assert config_from_mapping({"math": False}, root=tmp_path).math is False
    with pytest.raises(ConfigError, match='math must be true, false or "auto"'):
        config_from_mapping({"math": "yes"}, root=tmp_path)


# Prose with dollar signs where they are money, shell variables, Java class names, pairs.
DOLLAR_WORDS = st.sampled_from(
    [
        "$5",
        "$10.50",
        "US$",
        "$HOME",
        "$PATH/bin",
        "$$EnhancerBySpringCGLIB$$",
        "a$b",
        "$",
        "$$",
        "x$",
        "$x$",
        "$$y$$",
        "\\$",
        "5$",
        "$ 3",
    ]
)
PLAIN_WORDS = st.sampled_from(["text", "价格", "and", "the", "**bold**", "`code $x$`", "1", "is"])
PROSE = st.lists(st.one_of(DOLLAR_WORDS, PLAIN_WORDS), min_size=1, max_size=12)


def _visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]*>", "", html))


@settings(max_examples=200)
@given(PROSE, st.sampled_from(["", "- ", "> ", "# ", "| a |\n|---|\n| "]))
def test_without_math_every_dollar_is_text(words: list[str], start: str) -> None:
    text = start + " ".join(words) + "\n"
    document = render_markdown(
        text, SiteConfig(root=Path("/site"), math=False), path=Path("/site/p.md")
    )
    assert document.assets == []
    expected = text.replace("\\$", "$").count("$")
    assert _visible(document.html).count("$") == expected


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(st.sampled_from(["$5", "$HOME", "$x", "$ 3", "$", "$10.50"]), PLAIN_WORDS),
        min_size=1,
        max_size=12,
    )
)
def test_with_math_a_dollar_after_a_space_never_closes_a_formula(words: list[str]) -> None:
    # Every single $ here starts a word: pandoc's rule lets none of them close, so none is
    # math. ($$…$$ is display math whatever its spaces, in pandoc too: a site whose prose
    # writes $$Enhancer$$ is a site without math, decided above.)
    text = " ".join(words) + "\n"
    document = render_markdown(
        text, SiteConfig(root=Path("/site"), math=True), path=Path("/site/p.md")
    )
    assert [a for a in document.assets if a.kind is AssetKind.FORMULA] == []
    assert _visible(document.html).count("$") == text.count("$")


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(PLAIN_WORDS, st.sampled_from(["x", "a+b", "\\alpha_1", "2^{10}", "f(x)"])),
        min_size=1,
        max_size=5,
    )
)
def test_with_math_a_well_formed_formula_is_math(pairs: list[tuple[str, str]]) -> None:
    text = " ".join(f"{word} ${tex}$ ." for word, tex in pairs) + "\n"
    document = render_markdown(
        text, SiteConfig(root=Path("/site"), math=True), path=Path("/site/p.md")
    )
    assert sorted({a.source for a in document.assets}) == sorted({tex for _, tex in pairs})
