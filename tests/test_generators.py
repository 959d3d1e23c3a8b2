"""Posts from Hugo, Hexo, Jekyll and Obsidian sites, read as they are (issue 13, item 3).

Each test lays a small site out exactly as its generator does, then checks and builds every
post through the same functions the CLI uses.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mdwx.assets.local import resolve_local
from mdwx.build import build_post, check_post
from mdwx.cli.main import main
from mdwx.errors import ArticleError, AssetError, ConfigError
from mdwx.prepare import cover_reference, prepare
from mdwx.source.gate import collect_posts
from mdwx.source.generators import GENERATORS, site_for
from mdwx.source.generators.base import PostContext
from mdwx.source.generators.detect import find_generator_root
from mdwx.source.generators.text import blocks
from mdwx.source.site import load_config
from tests.factories import save_picture

TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\[\[|\]\]|==\w|%%")


def png(path: Path, color: str = "red") -> Path:
    return save_picture(path, (48, 32), color)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check_site(root: Path) -> dict[str, object]:
    """Check every post of the site; return each post's prepared result by relative path."""
    prepared = {}
    for post in collect_posts([root]):
        report = check_post(post)
        assert report.ok, f"{post.path}: {report.error}"
        assert not [w for w in report.warnings if "unknown front matter key" in w], report.warnings
        prepared[post.relative] = prepare(post)
    return prepared


def image_files(prepared: object) -> set[Path]:
    article, document, post = prepared.article, prepared.document, prepared.post
    return {
        resolve_local(
            a.reference_from(article.path), post_path=article.path, site_root=post.config.root
        )
        for a in document.assets
        if not a.is_remote
    }


def cover_file(prepared: object) -> Path:
    source, base, _ = cover_reference(prepared.article, prepared.document, prepared.post)
    return resolve_local(source, post_path=base, site_root=prepared.post.config.root)


def built_html(root: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "out"
    html = {}
    for post in collect_posts([root]):
        report = build_post(post, out)
        assert report.ok, f"{post.path}: {report.error}"
        html[post.relative] = report.outputs[0].read_text("utf-8")
    return html


def plain(html: str) -> str:
    """All the article's text, code included, as a reader sees it."""
    return unescape(re.sub(r"<[^>]+>", "", html)).replace("\xa0", " ")


def visible(html: str, *code: str) -> str:
    """The article's text as a reader sees it, less the code it is meant to show as written."""
    text = plain(html)
    for snippet in code:
        assert snippet in text, snippet
        text = text.replace(snippet, "")
    return text


# --- Hugo -------------------------------------------------------------------------------

HUGO_POST = """\
---
title: First post
date: 2024-01-02T10:00:00+08:00
draft: false
tags: [go, hugo]
categories: [notes]
description: What the first post is about.
images: ["/images/cover.png"]
aliases: [/old-first/]
weight: 3
ShowToc: true
---

Intro with a static image:

{{< figure src="/images/a.png" caption="A caption" >}}

![plain](/images/b.png)

{{< highlight go "linenos=table" >}}
func main() { fmt.Println("{{< not a shortcode >}}") }
{{< /highlight >}}

{{% notice tip "Remember" %}}
Keep it short.
{{% /notice %}}

See [the bundle]({{< ref "posts/bundle" >}}) and {{< youtube dQw4w9WgXcQ >}}.

{{< gallery dir="/x" >}}

Shown as text: {{</* figure src="x.png" */>}} and `{{< figure src="code.png" >}}`.
"""

HUGO_BUNDLE = """\
+++
title = "A page bundle"
date = 2024-02-03
summary = "Bundle summary"
tags = ["bundle"]
[cover]
image = "pic.png"
alt = "Cover"
+++

![beside the post](pic.png)

Text.
"""


def hugo_site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://example.org/"\ntitle = "Blog"\n')
    write(root / "content" / "_index.md", "---\ntitle: Home\n---\nWelcome\n")
    write(root / "content" / "posts" / "_index.md", "---\ntitle: Posts\n---\nAll posts\n")
    write(root / "content" / "posts" / "first.md", HUGO_POST)
    write(root / "content" / "posts" / "bundle" / "index.md", HUGO_BUNDLE)
    write(root / "content" / "posts" / "bundle" / "notes.md", "a resource of the bundle\n")
    png(root / "content" / "posts" / "bundle" / "pic.png", "blue")
    write(
        root / "content" / "posts" / "wip.md",
        "---\ntitle: WIP\ndraft: true\n---\n![x](/images/a.png)\n",
    )
    write(
        root / "archetypes" / "default.md",
        '---\ntitle: \'{{ replace .File.ContentBaseName "-" " " }}\'\n---\n',
    )
    write(root / "themes" / "t" / "layouts" / "README.md", "theme docs\n")
    write(root / "README.md", "the repository's readme\n")
    for name in ("a", "b", "cover"):
        png(root / "static" / "images" / f"{name}.png")
    return root


def test_hugo_site_checks_and_builds(tmp_path: Path) -> None:
    root = hugo_site(tmp_path / "blog")
    prepared = check_site(root)
    assert set(prepared) == {
        "content/posts/first.md",
        "content/posts/bundle/index.md",
        "content/posts/wip.md",
    }
    first = prepared["content/posts/first.md"]
    assert first.article.digest == "What the first post is about." and first.article.digest_given
    assert image_files(first) == {root / "static/images/a.png", root / "static/images/b.png"}
    assert cover_file(first) == root / "static/images/cover.png"
    warnings = "\n".join(first.warnings)
    assert (
        f"{root / 'content/posts/first.md'}:30: Hugo shortcode {{{{< gallery >}}}} removed"
        in warnings
    )
    bundle = prepared["content/posts/bundle/index.md"]
    assert bundle.article.slug == "bundle" and bundle.article.digest == "Bundle summary"
    assert cover_file(bundle) == root / "content/posts/bundle/pic.png"
    assert prepared["content/posts/wip.md"].article.draft
    html = built_html(root, tmp_path)["content/posts/first.md"]
    assert "Remember" in html and "notice" not in html
    assert "youtube.com/watch?v=dQw4w9WgXcQ" in html
    assert '"{{< not a shortcode >}}"' in plain(html)  # inside the converted highlight block
    assert '{{&lt; figure src="code.png" &gt;}}' in html  # inline code as written
    assert 'Shown as text: {{< figure src="x.png" >}}' in plain(html)
    assert not TEMPLATE_SYNTAX.search(
        visible(
            html,
            '{{< figure src="x.png" >}}',
            '{{< figure src="code.png" >}}',
            '"{{< not a shortcode >}}"',
        )
    )


def test_hugo_toml_error_names_its_line(tmp_path: Path) -> None:
    root = hugo_site(tmp_path / "blog")
    post = write(root / "content" / "posts" / "bad.md", '+++\ntitle = "ok"\ndate = \n+++\nbody\n')
    with pytest.raises(ArticleError) as caught:
        prepare(collect_posts([post])[0])
    assert caught.value.line == 3 and "invalid TOML front matter" in caught.value.message


def test_hugo_toml_value_error_names_its_key_line(tmp_path: Path) -> None:
    root = hugo_site(tmp_path / "blog")
    post = write(
        root / "content" / "posts" / "long.md",
        f'+++\ndate = 2024-01-01\ntitle = "{"x" * 80}"\n+++\n![a](/images/a.png)\n',
    )
    with pytest.raises(ArticleError) as caught:
        prepare(collect_posts([post])[0])
    assert caught.value.line == 3 and "title is 80 characters" in caught.value.message


def test_text_between_plus_lines_is_not_front_matter(tmp_path: Path) -> None:
    post = write(tmp_path / "p.md", "+++\nSome words, not TOML.\n+++\n\n![a](a.png)\n")
    png(tmp_path / "a.png")
    prepared = prepare(collect_posts([post])[0])
    assert "Some words, not TOML." in prepared.article.body


def test_a_typo_in_a_generator_post_is_still_reported(tmp_path: Path) -> None:
    root = jekyll_site(tmp_path / "site")
    post = write(
        root / "_posts" / "2024-04-01-typo.md",
        "---\nlayout: post\ntitel: Oops\n---\n![a](/assets/img/a.png)\n",
    )
    prepared = prepare(collect_posts([post])[0])
    assert any(f"{post}:3: unknown front matter key 'titel'" in w for w in prepared.warnings)


# --- Hexo -------------------------------------------------------------------------------

HEXO_POST = """\
---
title: Hello World
date: 2024-05-06 12:00:00
updated: 2024-05-07 12:00:00
tags:
  - hexo
categories: [diary]
comments: true
excerpt: The excerpt of the post.
cover: /images/logo.png
---
{% asset_img diagram.png "A diagram" "alt text" %}

![screenshot](shot.png)

![logo](/images/logo.png)

{% codeblock app.js lang:javascript %}
console.log("{% not a tag %}");
{% endcodeblock %}

{% blockquote David Levithan, Wide Awake %}
Do not just tell me.
{% endblockquote %}

Raw: {% raw %}{{ kept }}{% endraw %}, link {% link Hexo https://hexo.io %}.

{% gallery %}
{{ config.title }}
{# a template comment #}
"""


def hexo_site(root: Path) -> Path:
    write(
        root / "_config.yml", "title: Hexo\npost_asset_folder: true\nmarked:\n  postAsset: true\n"
    )
    write(root / "package.json", '{"hexo": {"version": "7.0.0"}}\n')
    write(root / "scaffolds" / "post.md", "---\ntitle: {{ title }}\ndate: {{ date }}\n---\n")
    write(root / "source" / "_posts" / "hello-world.md", HEXO_POST)
    png(root / "source" / "_posts" / "hello-world" / "diagram.png", "green")
    png(root / "source" / "_posts" / "hello-world" / "shot.png", "yellow")
    write(
        root / "source" / "_posts" / "hidden.md",
        "---\ntitle: Hidden\npublished: false\n---\n![logo](/images/logo.png)\n",
    )
    write(root / "source" / "_drafts" / "draft.md", "---\ntitle: Draft\n---\nNot yet\n")
    write(root / "source" / "about" / "index.md", "---\ntitle: About\n---\nAbout me\n")
    png(root / "source" / "images" / "logo.png")
    return root


def test_hexo_site_checks_and_builds(tmp_path: Path) -> None:
    root = hexo_site(tmp_path / "blog")
    prepared = check_site(root)
    assert set(prepared) == {"source/_posts/hello-world.md", "source/_posts/hidden.md"}
    post = prepared["source/_posts/hello-world.md"]
    folder = root / "source/_posts/hello-world"
    assert image_files(post) == {
        folder / "diagram.png",
        folder / "shot.png",
        root / "source/images/logo.png",
    }
    assert cover_file(post) == root / "source/images/logo.png"
    assert post.article.digest == "The excerpt of the post."
    assert post.article.comments == "closed"  # Hexo's comments is the blog's comment box
    assert prepared["source/_posts/hidden.md"].article.draft
    warnings = "\n".join(post.warnings)
    path = root / "source/_posts/hello-world.md"
    assert f"{path}:28: Hexo tag {{% gallery %}} removed" in warnings
    assert f"{path}:29: Hexo expression {{{{ config.title }}}} removed" in warnings
    html = built_html(root, tmp_path)["source/_posts/hello-world.md"]
    assert "{% not a tag %}" in plain(html) and "{{ kept }}" in html
    assert "— David Levithan, Wide Awake" in html and "hexo.io" in html
    assert not TEMPLATE_SYNTAX.search(visible(html, "{{ kept }}", '"{% not a tag %}"'))


# --- Jekyll -----------------------------------------------------------------------------

JEKYLL_POST = """\
---
layout: post
title: Welcome to Jekyll
date: 2024-03-01 09:00:00 +0800
categories: jekyll update
tags: [intro]
excerpt: Jekyll's welcome post.
image: /assets/img/cover.png
published: true
last_modified_at: 2024-03-02
---
![a]({{ site.baseurl }}/assets/img/a.png)

![b]({{ "/assets/img/b.png" | relative_url }})

![c](/blog/assets/img/c.png)

{% highlight ruby linenos %}
def print_hi(name) puts "Hi, #{name}" end
{% endhighlight %}

```text
{% raw %}
{{ page.title }} stays as code
{% endraw %}
```

{% include figure.html image_path="/assets/img/a.png" caption="Figure one" %}

Back to [the old post]({% post_url 2024-02-01-old %}); this is "{{ page.title }}".

{% include toc.html %}
{% comment %}
a note to myself
{% endcomment %}
"""


def jekyll_site(root: Path) -> Path:
    write(root / "_config.yml", 'title: Blog\nbaseurl: "/blog"\nurl: "https://example.org"\n')
    write(root / "Gemfile", 'source "https://rubygems.org"\ngem "jekyll"\n')
    write(root / "_posts" / "2024-03-01-welcome.md", JEKYLL_POST)
    write(
        root / "_posts" / "2024-02-01-old.md",
        "---\nlayout: post\ntitle: Old\n---\n![c](/assets/img/c.png)\n",
    )
    write(root / "_drafts" / "idea.md", "---\ntitle: Idea\n---\nLater\n")
    write(root / "_layouts" / "post.md", "{{ content }}\n")
    write(root / "index.md", "---\nlayout: home\n---\n")
    write(root / "about.md", "---\nlayout: page\ntitle: About\n---\nAbout\n")
    for name in ("a", "b", "c", "cover"):
        png(root / "assets" / "img" / f"{name}.png")
    return root


def test_jekyll_site_checks_and_builds(tmp_path: Path) -> None:
    root = jekyll_site(tmp_path / "site")
    prepared = check_site(root)
    assert set(prepared) == {"_posts/2024-03-01-welcome.md", "_posts/2024-02-01-old.md"}
    post = prepared["_posts/2024-03-01-welcome.md"]
    assert post.article.slug == "welcome"
    assert image_files(post) == {root / f"assets/img/{n}.png" for n in "abc"}
    assert cover_file(post) == root / "assets/img/cover.png"
    path = root / "_posts/2024-03-01-welcome.md"
    assert f"{path}:32: Liquid tag {{% include %}} removed" in "\n".join(post.warnings)
    html = built_html(root, tmp_path)["_posts/2024-03-01-welcome.md"]
    assert "{{ page.title }} stays as code" in plain(html) and "{% raw %}" not in html
    assert 'this is "Welcome to Jekyll"' in html.replace("&quot;", '"') and "the old post" in html
    assert "a note to myself" not in html and "Figure one" in html
    assert not TEMPLATE_SYNTAX.search(visible(html, "{{ page.title }} stays as code"))


# --- Obsidian ---------------------------------------------------------------------------

OBSIDIAN_NOTE = """\
---
tags: [travel]
aliases: [Kyoto trip]
cssclasses: [wide]
created: 2024-04-01
cover: "[[photo.png]]"
---
# Trip to Kyoto

![[photo.png]]

![[Pasted image 1.png|300]]

![also](Pasted%20image%201.png)

Went with [[People/Alice|Alice]], see [[Plans#Day 1]] and [[Plans]]. ==Best trip== ever. ^trip1

%%private
remark%%

> [!tip] Pack light
> One bag only.

![[Plans]]

`![[not an embed]]` and `==not marked==`
"""


def obsidian_vault(root: Path) -> Path:
    write(root / ".obsidian" / "app.json", json.dumps({"attachmentFolderPath": "attachments"}))
    write(root / ".obsidian" / "templates.json", json.dumps({"folder": "Templates"}))
    write(root / "Templates" / "Daily.md", "# {{date}}\n")
    write(root / "Journal" / "Trip.md", OBSIDIAN_NOTE)
    write(
        root / "Journal" / "Plans.md",
        "# Plans\n\n## Day 1\n\nTemples.\n\n![[Pasted image 1.png]]\n",
    )
    write(root / "People" / "Alice.md", "Alice's page. ![[photo.png]]\n")
    png(root / "Media" / "Deep" / "photo.png", "purple")
    png(root / "Archive" / "Old" / "Older" / "photo.png", "black")  # a longer path: not chosen
    png(root / "attachments" / "Pasted image 1.png", "orange")
    return root


def test_obsidian_vault_checks_and_builds(tmp_path: Path) -> None:
    root = obsidian_vault(tmp_path / "vault")
    prepared = check_site(root)
    assert set(prepared) == {"Journal/Trip.md", "Journal/Plans.md", "People/Alice.md"}
    trip = prepared["Journal/Trip.md"]
    assert trip.article.title == "Trip to Kyoto"
    assert image_files(trip) == {
        root / "Media/Deep/photo.png",
        root / "attachments/Pasted image 1.png",
    }
    assert cover_file(trip) == root / "Media/Deep/photo.png"
    path = root / "Journal/Trip.md"
    assert f"{path}:24: Obsidian embed ![[Plans]] of a note shown as its name" in "\n".join(
        trip.warnings
    )
    html = built_html(root, tmp_path)["Journal/Trip.md"]
    assert "<mark" in html and "Best trip" in html and "^trip1" not in html
    assert "Alice" in html and "Plans &gt; Day 1" in html and "remark" not in html
    assert "Pack light" in html and "[!tip]" not in html
    assert "width:300px" in html.replace(" ", "")
    assert not TEMPLATE_SYNTAX.search(visible(html, "![[not an embed]]", "==not marked=="))


# --- detection, configuration, the CLI ----------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (hugo_site, "hugo"),
        (hexo_site, "hexo"),
        (jekyll_site, "jekyll"),
        (obsidian_vault, "obsidian"),
    ],
)
def test_layout_detected_from_any_post(tmp_path: Path, make: object, name: str) -> None:
    root = make(tmp_path / "site")
    for post in collect_posts([root]):
        assert find_generator_root(post.path) == (name, root)
        assert post.config.root == root  # no mdwx.toml: the generator's site root is the site


def test_generator_setting_overrides_detection(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write(root / "mdwx.toml", 'generator = "obsidian"\n')
    write(root / "a.md", "See [[b|the other note]].\n\n![[pic.png]]\n")
    png(root / "media" / "pic.png")
    post = collect_posts([root])[0]
    assert site_for(post.path, post.config).generator.name == "obsidian"
    assert "the other note" in plain(built_html(root, tmp_path / "a")["a.md"])
    write(root / "mdwx.toml", 'generator = "none"\n')
    write(root / "a.md", "See [[b|the other note]].\n\n![pic](media/pic.png)\n")
    assert "[[b|the other note]]" in built_html(root, tmp_path / "b")["a.md"]
    write(root / "mdwx.toml", 'generator = "gatsby"\n')
    with pytest.raises(ConfigError, match="generator must be auto, none or one of hugo, hexo"):
        load_config(root)


@pytest.mark.parametrize("make", [hugo_site, hexo_site, jekyll_site, obsidian_vault])
def test_cli_check_passes_for_each_site(tmp_path: Path, make: object) -> None:
    root = make(tmp_path / "site")
    result = CliRunner().invoke(main, ["check", str(root), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["posts"] and all(p["ok"] for p in document["posts"])


# --- line numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "relative", "body", "line"),
    [
        (
            hugo_site,
            "content/posts/late.md",
            "---\ntitle: Late\n---\n{{< highlight py >}}\nx = 1\n{{< /highlight >}}\n{{% notice note %}}\nhi\n"
            '{{% /notice %}}\n{{< figure src="/images/missing.png" >}}\n',
            10,
        ),
        (
            hexo_site,
            "source/_posts/late.md",
            "---\ntitle: Late\n---\n{% codeblock %}\nx\n{% endcodeblock %}\n{% blockquote A %}\nq\n"
            "{% endblockquote %}\n{% asset_img missing.png %}\n",
            10,
        ),
        (
            jekyll_site,
            "_posts/2024-01-01-late.md",
            "---\ntitle: Late\n---\n{% comment %}\na\nb\n{% endcomment %}\n{% highlight c %}\nx;\n{% endhighlight %}\n"
            "![m]({{ site.baseurl }}/assets/missing.png)\n",
            11,
        ),
        (
            obsidian_vault,
            "Journal/Late.md",
            "%%one\ntwo\nthree%%\n> [!note]- Folded\n> inside\n\n[[a|b]] ==c==\n\n![[missing.png|100]]\n",
            9,
        ),
    ],
)
def test_errors_point_at_the_line_in_the_file(
    tmp_path: Path, make: object, relative: str, body: str, line: int
) -> None:
    root = make(tmp_path / "site")
    post = write(root / relative, body)
    with pytest.raises(AssetError) as caught:
        prepare(collect_posts([post])[0])
    assert caught.value.line == line and "missing.png" in caught.value.message


def test_long_description_is_cut_to_the_digest_limit_with_a_warning(tmp_path: Path) -> None:
    root = hugo_site(tmp_path / "blog")
    post = write(
        root / "content" / "posts" / "long.md",
        f"---\ntitle: Long\ndescription: {'word ' * 60}\n---\n![a](/images/a.png)\n",
    )
    prepared = prepare(collect_posts([post])[0])
    assert len(prepared.article.digest) == 120 and prepared.article.digest.endswith("…")
    assert any(f"{post}:3: description is" in w for w in prepared.warnings)


def test_images_outside_the_site_are_not_found_by_name(tmp_path: Path) -> None:
    root = obsidian_vault(tmp_path / "vault")
    png(tmp_path / "secret.png")
    post = write(root / "Journal" / "Leak.md", "![[../../secret.png]]\n\n![[secret.png]]\n")
    with pytest.raises(AssetError):
        prepare(collect_posts([post])[0])


# --- properties over any text ------------------------------------------------------------

PIECES = [
    '{{< figure src="a.png" >}}',
    "{{% notice %}}",
    "{{< /notice >}}",
    "{% raw %}",
    "{% endraw %}",
    "{% highlight py %}",
    "{% endhighlight %}",
    "{{ site.baseurl }}",
    "{% asset_img a.png t %}",
    "[[a|b]]",
    "![[x.png|3]]",
    "==h==",
    "%%",
    "> [!tip] T",
    "> ",
    "`",
    "``",
    "{#",
    "#}",
    "{%",
    "%}",
    "{{",
    "}}",
    "![a](/b.png)",
    '<img src="/c.png">',
    "{% comment %}",
    "{% endcomment %}",
    "{% blockquote a %}",
    "{% endblockquote %}",
    "{% note info %}",
    "{% endnote %}",
    "^id",
    "\n",
    " ",
]
prose = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)
code = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(
            alphabet=st.characters(
                blacklist_categories=("Cs",),
                blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
            ),
            max_size=8,
        ),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150)
@given(name=st.sampled_from(sorted(GENERATORS)), before=prose, inside=code, after=prose)
def test_rewrites_keep_lines_and_fenced_code(
    tmp_path: Path, name: str, before: str, inside: str, after: str
) -> None:
    before, after = before.replace("\r", ""), after.replace("\r", "")
    inside_lines = inside.replace("\r", "").split("\n")
    fence = "`" * 12
    assume(not any(line.lstrip(" \t>").startswith(("```", "~~~")) for line in inside_lines))
    assume(
        not any(
            line.lstrip(" \t>").startswith(("```", "~~~")) for line in (before + after).split("\n")
        )
    )
    text = "\n".join([before, fence + "text", *inside_lines, fence, after])
    ctx = PostContext(path=tmp_path / "post.md", site_root=tmp_path, confine=tmp_path, body_line=5)
    result = GENERATORS[name].body(text, ctx)
    old, new = text.split("\n"), result.text.split("\n")
    assert len(new) == len(old)
    start = len(before.split("\n"))
    assert new[start + 1 : start + 1 + len(inside_lines)] == inside_lines
    for warning in result.warnings:  # body line N is file line N + 4
        assert warning.path == str(ctx.path) and warning.line is not None
        assert 5 <= warning.line <= len(old) + 4


@settings(max_examples=200)
@given(name=st.sampled_from(sorted(GENERATORS)), text=prose)
def test_rewrites_never_raise_and_leave_no_code_span_changed(
    tmp_path: Path, name: str, text: str
) -> None:
    ctx = PostContext(path=tmp_path / "post.md", site_root=tmp_path, confine=tmp_path, body_line=1)
    span = "`` {{< x >}} [[y]] ==z== {% w %} ``"
    result = GENERATORS[name].body(f"{text}\n\n{span}\n", ctx)
    assert result.text.count("\n") == text.count("\n") + 3
    if not [b for b in blocks(result.text.split("\n")) if b[0]] and text.count("`") == 0:
        assert span in result.text
    for warning in result.warnings:
        assert warning.path == str(ctx.path) and warning.line is not None
        assert 1 <= warning.line <= text.count("\n") + 3
