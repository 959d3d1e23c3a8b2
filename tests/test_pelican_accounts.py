"""Pelican's header holds text: a list (``accounts``) is its items separated by commas, as Pelican
reads ``Tags``. The command line and the Pelican plugin share the mapping, so a post's accounts
(and their limits) are the same whichever door reads it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.source.generators.pelican import front_matter

names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}", fullmatch=True)
spaces = st.sampled_from(["", " ", "  "])
quotes = st.sampled_from(["", "'", '"'])


@settings(max_examples=100)
@given(st.lists(names, min_size=1, max_size=5), spaces, quotes, st.booleans())
def test_a_headers_account_list_is_its_comma_separated_names(
    accounts: list[str], space: str, quote: str, brackets: bool
) -> None:
    text = f",{space}".join(f"{quote}{name}{quote}" for name in accounts)
    value = f"{space}[{text}]{space}" if brackets else f"{space}{text}{space}"
    assert front_matter({"accounts": value})["accounts"] == accounts


def test_a_pelican_sites_accounts_apply_their_limits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text('PATH = "content"\n', "utf-8")
    (site / "mdwx.toml").write_text(
        '[accounts.blog]\nappid = "wx00000000000000b1"\nsecret_env = "WECHAT_APPSECRET_BLOG"\n\n'
        '[accounts.news]\nappid = "wx00000000000000e2"\nsecret_env = "WECHAT_APPSECRET_NEWS"\n\n'
        "[accounts.news.limits]\ntitle = 10\n",
        "utf-8",
    )
    post = site / "content" / "p.md"
    post.write_text(
        "Title: A title over ten\nDate: 2026-01-02\nAccounts: blog, news\n\nText.\n", "utf-8"
    )
    error = api.check(post).posts[0].error
    assert error is not None and str(error).startswith(
        f"{post}:1: account 'news': title is 16 characters"
    )
    post.write_text("Title: A title over ten\nAccounts: [blog, nope]\n\nText.\n", "utf-8")
    error = api.check(post).posts[0].error
    assert error is not None and "account 'nope' is not defined" in str(error)


def test_the_plugin_passes_every_key_of_mdwx_the_command_line_passes(tmp_path: Path) -> None:
    """The plugin's mapping (``front_matter``) and the command line's (the generator's) agree
    on every key of mdwx's own: none is dropped by one door and read by the other."""
    from mdwx.source.article import KNOWN_KEYS
    from mdwx.source.generators.base import PostContext
    from mdwx.source.generators.pelican import Pelican

    header = {key: "x" for key in KNOWN_KEYS}
    ctx = PostContext(path=tmp_path / "p.md", site_root=tmp_path, confine=tmp_path, body_line=1)
    command_line, _ = Pelican().front_matter(dict(header), {}, ctx)
    plugin = front_matter(dict(header))
    assert {k: v for k, v in plugin.items() if k in KNOWN_KEYS} == {
        k: v for k, v in command_line.items() if k in KNOWN_KEYS
    }
