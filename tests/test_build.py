"""The offline library API: prepare/check/build for one post."""

from __future__ import annotations

from pathlib import Path

from mdwx.build import build_post, check_post
from mdwx.document import FORMULA_SIZE_ATTR, AssetKind
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts
from tests.factories import save_picture


def site_with(tmp_path: Path, body: str, config: str = "") -> Path:
    (tmp_path / "mdwx.toml").write_text(config, encoding="utf-8")
    save_picture(tmp_path / "cover.png", (40, 30), (10, 120, 200))
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: T\ncover: cover.png\n---\n\n{body}", encoding="utf-8")
    return post


def test_formulas_get_their_typeset_size_in_the_content(tmp_path: Path) -> None:
    prepared = prepare(
        collect_posts([site_with(tmp_path, "Inline $E=mc^2$ and\n\n$$\\frac{a}{b}$$\n")])[0]
    )
    formulas = prepared.document.assets_of(AssetKind.FORMULA)
    assert len(formulas) == 2
    content = prepared.content({a.key: f"https://img/{a.key}" for a in prepared.document.assets})
    assert FORMULA_SIZE_ATTR not in content
    inline = content[content.index("https://img/" + formulas[0].key) :].split(">")[0]
    assert "width:" in inline and "height:" in inline and "vertical-align:-" in inline
    display = content[content.index("https://img/" + formulas[1].key) :].split(">")[0]
    assert "width:" in display and "vertical-align:-" not in display.split("width:")[1]


def test_bad_tex_is_a_warning_at_its_line_not_a_refused_post(tmp_path: Path) -> None:
    report = check_post(collect_posts([site_with(tmp_path, "Text\n\n$\\notacommand{x}$\n")])[0])
    assert report.error is None
    [warning] = [w for w in report.warnings if "notacommand" in str(w)]
    assert ":8: formula `\\notacommand{x}` cannot be drawn (unknown TeX command" in str(warning)


def test_header_image_and_post_image_with_the_same_name_are_different_assets(
    tmp_path: Path,
) -> None:
    save_picture(tmp_path / "templates" / "qr.png", (20, 20), (255, 0, 0))
    save_picture(tmp_path / "posts" / "qr.png", (20, 20), (0, 0, 255))
    (tmp_path / "templates" / "footer.md").write_text("![follow](qr.png)\n", encoding="utf-8")
    (tmp_path / "mdwx.toml").write_text('footer = "templates/footer.md"\n', encoding="utf-8")
    post = tmp_path / "posts" / "a.md"
    post.write_text("---\ntitle: A\n---\n\n![mine](qr.png)\n", encoding="utf-8")
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None, report.error
    content = (tmp_path / "out" / "a" / "content.html").read_text("utf-8")
    assert 'src="qr.png"' not in content
    assert "../../posts/qr.png" in content and "../../templates/qr.png" in content


def test_text_only_post_passes_offline_and_says_publish_will_make_a_cover(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\nNo pictures here.\n", encoding="utf-8")
    report = check_post(collect_posts([post])[0])
    assert report.error is None, report.error
    assert any(
        "no cover image: publish will make one" in w and "default_cover" in w
        for w in report.warnings
    )
    built = build_post(collect_posts([post])[0], tmp_path / "out")
    assert built.error is None and (tmp_path / "out" / "post" / "content.html").is_file()


def test_build_shows_the_cover_publish_would_make(tmp_path: Path) -> None:
    from mdwx.assets.cover import cover_for_post
    from mdwx.render.themes import load_theme

    (tmp_path / "mdwx.toml").write_text('theme = "elegant"\n', encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: 技术周刊 第 42 期\n---\n\nNo pictures here.\n", encoding="utf-8")
    built = build_post(collect_posts([post])[0], tmp_path / "out")
    cover = tmp_path / "out" / "post" / "cover.png"
    assert built.error is None and cover in built.outputs
    assert (
        cover.read_bytes()
        == cover_for_post(
            "技术周刊 第 42 期", load_theme("elegant").css, None, tmp_path, tmp_path / "mdwx.toml"
        ).png
    )
    assert '<img class="cover" src="cover.png"' in (
        tmp_path / "out" / "post" / "preview.html"
    ).read_text("utf-8")


def test_build_of_a_post_with_its_own_cover_writes_no_made_one(tmp_path: Path) -> None:
    save_picture(tmp_path / "pic.png", (90, 40), (0, 0, 255))
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n![a](pic.png)\n", encoding="utf-8")
    built = build_post(collect_posts([post])[0], tmp_path / "out")
    assert built.error is None and not (tmp_path / "out" / "post" / "cover.png").exists()
    assert 'class="cover"' not in (tmp_path / "out" / "post" / "preview.html").read_text("utf-8")
