"""Named accounts: ``[accounts.NAME]`` profiles, front matter ``accounts``, ``--account``.

One post goes to two sandbox accounts (two standalone sandboxes, each its own Official
Account on its own ``api_base``): each account gets its article, state records, submission
count and token; ``status`` shows a row per account; ``--account`` narrows to one. Config
and front-matter mistakes are one line naming the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.accounts import Account
from mdwx.errors import ArticleError, ConfigError
from mdwx.publish.routing import account_config
from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from mdwx.source.article import read_article_text
from mdwx.source.site import load_config
from mdwx.wechat import MemoryTokenCache
from tests import factories
from tests.cli_helpers import count, mdwx, write_post

BLOG, NEWS = factories.BLOG_ACCOUNT, factories.NEWS_ACCOUNT


def site_with_accounts(
    root: Path, blog: SandboxServer, news: SandboxServer, *, extra: str = ""
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mdwx.toml").write_text(
        f"""author = "Site"

[accounts.blog]
appid = "{blog.appid}"
secret_env = "WECHAT_APPSECRET_BLOG"
api_base = "{blog.base_url}"

[accounts.news]
appid = "{news.appid}"
secret_env = "WECHAT_APPSECRET_NEWS"
api_base = "{news.base_url}"
backend = "media"
{extra}""",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def two_sandboxes() -> Any:
    with SandboxServer(BLOG) as blog, SandboxServer(NEWS) as news:
        yield blog, news


def credentials(blog: SandboxServer, news: SandboxServer) -> dict[str, api.Credentials]:
    return {
        "blog": api.Credentials(secret=blog.secret),
        "news": api.Credentials(secret=news.secret),
    }


def test_one_post_goes_to_two_accounts_with_separate_state_tokens_and_quotas(
    tmp_path: Path, two_sandboxes: Any
) -> None:
    blog, news = two_sandboxes
    site = site_with_accounts(tmp_path / "site", blog, news)
    post = write_post(site / "posts" / "both.md", title="Both", extra="accounts: [blog, news]\n")
    alone = write_post(site / "posts" / "blog-only.md", title="Blog only", extra="accounts: blog\n")
    tokens = MemoryTokenCache()
    options = api.Options(
        accounts=credentials(blog, news),
        token_cache=tokens,
        wait=True,
        allow_api_base=(blog.base_url, news.base_url),
    )

    report = api.publish([post, alone], options)
    assert report.ok, [str(r.error) for r in report.posts]
    assert [(Path(r.path).name, r.account, r.status) for r in report.posts] == [
        ("both.md", "blog", "published"),
        ("both.md", "news", "published"),
        ("blog-only.md", "blog", "published"),
    ]
    assert sorted(a.article["title"] for a in blog.store.articles()) == ["Blog only", "Both"]
    assert [a.article["title"] for a in news.store.articles()] == ["Both"]
    assert count(blog, "publish/submit") == 2 and count(news, "publish/submit") == 1
    # Each account's own token, fetched from its own API base.
    assert tokens.get(blog.appid, blog.base_url) is not None
    assert tokens.get(news.appid, news.base_url) is not None
    assert count(blog, "stable_token") == 1 and count(news, "stable_token") == 1
    with State.open(site / ".mdwx" / "state.db") as state:
        media = state.for_backend("media")
        assert {r.source_path for r in media.articles(blog.appid)} == {
            "posts/both.md",
            "posts/blog-only.md",
        }
        assert {r.source_path for r in media.articles(news.appid)} == {"posts/both.md"}
        assert (
            media.article(blog.appid, "posts/both.md").media_id
            != media.article(news.appid, "posts/both.md").media_id
        )
        assert (
            state.count_submissions_today(blog.appid) == 2
            and state.count_submissions_today(news.appid) == 1
        )

    rows = api.status([post, alone], options).posts
    assert [(Path(r.path).name, r.account, r.status, r.live) for r in rows] == [
        ("both.md", "blog", "published", "发布成功"),
        ("both.md", "news", "published", "发布成功"),
        ("blog-only.md", "blog", "published", "发布成功"),
    ]
    assert json.loads(json.dumps(rows[1].to_json()))["account"] == "news"

    again = api.publish([post, alone], options)
    assert [r.steps for r in again.posts] == [["unchanged"]] * 3
    assert count(blog, "publish/uploadnews") == 2 and count(news, "publish/uploadnews") == 1

    # A post on two accounts is deleted from the one named, and only there.
    with pytest.raises(api.MdwxError, match="goes to accounts blog, news"):
        api.delete(post, options)
    deleted = api.delete(
        post,
        api.Options(
            accounts=options.accounts,
            token_cache=tokens,
            account="news",
            allow_api_base=options.allow_api_base,
        ),
    )
    assert (
        deleted.deleted
        and count(news, "publish/delete") == 1
        and count(blog, "publish/delete") == 0
    )
    rows = api.status(post, options).posts
    assert [(r.account, r.status) for r in rows] == [("blog", "published"), ("news", "deleted")]


def test_account_option_narrows_a_run_to_one_account(tmp_path: Path, two_sandboxes: Any) -> None:
    blog, news = two_sandboxes
    site = site_with_accounts(tmp_path / "site", blog, news)
    both = write_post(site / "posts" / "both.md", title="Both", extra="accounts: [blog, news]\n")
    blog_only = write_post(site / "posts" / "blog.md", title="Blog", extra="accounts: [blog]\n")
    plain = write_post(site / "posts" / "plain.md", title="Plain")
    options = api.Options(
        accounts=credentials(blog, news),
        token_cache=MemoryTokenCache(),
        account="news",
        allow_api_base=(news.base_url,),
    )
    report = api.publish([both, blog_only, plain], options)
    assert [(Path(r.path).name, r.account, r.status) for r in report.posts] == [
        ("both.md", "news", "submitted"),
        ("blog.md", "news", "skipped"),
        ("plain.md", "news", "submitted"),
    ]
    assert "not news" in report.posts[1].actions[0]
    assert not blog.store.articles() and len(news.store.articles()) == 2
    rows = api.status([both, plain], options).posts
    assert [r.account for r in rows] == ["news", "news"]
    assert all(
        r.status in ("submitted", "published") and r.media_id for r in rows
    )  # review takes 0.05 s
    with pytest.raises(ConfigError, match="no account 'nwes'.*did you mean 'news'"):
        api.publish([both], api.Options(account="nwes"))


def test_a_named_account_without_its_secret_stops_before_anything_is_sent(
    tmp_path: Path, two_sandboxes: Any
) -> None:
    blog, news = two_sandboxes
    site = site_with_accounts(tmp_path / "site", blog, news)
    post = write_post(site / "posts" / "both.md", extra="accounts: [blog]\n")
    allowed = (
        blog.base_url,
        news.base_url,
    )  # the sandboxes' bases, allowed as the environment would
    with pytest.raises(ConfigError, match="account 'blog' has no credentials") as caught:
        api.publish(post, api.Options(accounts={}, allow_api_base=allowed))
    assert "WECHAT_APPSECRET_BLOG" in (caught.value.hint or "")
    assert not blog.requests
    with pytest.raises(
        ConfigError, match="account 'blog' has no credentials"
    ):  # the dry run stops alike
        api.publish(post, api.Options(dry_run=True, allow_api_base=allowed))
    planned = api.publish(
        post, api.Options(dry_run=True, accounts=credentials(blog, news), allow_api_base=allowed)
    )
    assert [r.account for r in planned.posts] == ["blog"] and planned.posts[0].status == "dry-run"
    assert not blog.requests  # it resolved that the secret is there; it fetched no token
    with pytest.raises(ConfigError, match="accounts.blog.api_base .* is not WeChat's own API host"):
        api.publish(post, api.Options(dry_run=True, accounts=credentials(blog, news)))  # no consent
    assert not blog.requests


def test_the_cli_reads_each_accounts_secret_from_the_variable_its_config_names(
    tmp_path: Path, two_sandboxes: Any
) -> None:
    import os

    blog, news = two_sandboxes
    site = site_with_accounts(tmp_path / "site", blog, news)
    write_post(site / "posts" / "both.md", title="Both", extra="accounts: [blog, news]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    env.update(
        HOME=str(tmp_path),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        WECHAT_APPSECRET_BLOG=blog.secret,
        MDWX_ALLOW_API_BASE=f"{blog.base_url},{news.base_url}",
    )
    missing = mdwx("publish", "posts", cwd=site, env=env)
    assert missing.returncode == 2 and "WECHAT_APPSECRET_NEWS" in missing.stderr
    assert "Traceback" not in missing.stderr
    env["WECHAT_APPSECRET_NEWS"] = news.secret
    done = mdwx("publish", "posts", "--json", cwd=site, env=env)
    assert done.returncode == 0, done.stderr
    posts = json.loads(done.stdout)["posts"]
    assert [(p["account"], p["status"]) for p in posts] == [
        ("blog", "submitted"),
        ("news", "submitted"),
    ]
    for secret in (blog.secret, news.secret):
        assert secret not in done.stdout + done.stderr + missing.stdout + missing.stderr
    news.advance(60)  # the review is over, however long the runs above took
    shown = mdwx("status", "posts", "--account", "news", cwd=site, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "both.md [news]: published (recorded)" in shown.stderr and "[blog]" not in shown.stderr


def test_account_limits_and_backend_are_laid_over_the_sites(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text(
        """[limits]
title = 64

[accounts.short]
appid = "wx0123456789abcdef"
token_env = "WECHAT_SHORT_TOKEN"
backend = "draft"

[accounts.short.limits]
title = 10
""",
        encoding="utf-8",
    )
    config = load_config(site)
    short = config.accounts["short"]
    assert short == Account(
        name="short",
        appid="wx0123456789abcdef",
        token_env="WECHAT_SHORT_TOKEN",
        backend="draft",
        limits=(("title", 10),),
    )
    seen = account_config(config, short)
    assert (seen.limits.title, seen.backend, seen.api_base) == (10, "draft", config.api_base)
    post = write_post(site / "posts" / "long.md", title="A title longer than ten")
    assert api.check(post).ok
    checked = api.check(post, api.Options(account="short"))
    assert not checked.ok and "title" in str(checked.posts[0].error)
    assert str(checked.posts[0].error).startswith(f"{post}:2:")
    # The account's backend checks too: an image post is the draft API's alone.
    images = write_post(site / "posts" / "images.md", title="Pics", extra="type: images\n")
    assert api.check(images, api.Options(account="short")).ok
    (site / "mdwx.toml").write_text(
        (site / "mdwx.toml").read_text("utf-8").replace('backend = "draft"', 'backend = "media"'),
        encoding="utf-8",
    )
    media = api.check(images, api.Options(account="short"))
    assert not media.ok and "draft" in str(media.posts[0].error)


BAD_ACCOUNTS = [
    ('[accounts.blog]\nsecret_env = "WECHAT_X"\n', 1, "needs an appid"),
    ('[accounts.blog]\nappid = "wx123"\nsecret_env = "WECHAT_X"\n', 2, "is not an AppID"),
    (
        '[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret = "hunter2"\n',
        3,
        "secrets never live in mdwx.toml",
    ),
    ('[accounts.blog]\nappid = "wx0123456789abcdef"\n', 1, "needs secret_env or token_env"),
    (
        '[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "not a name"\n',
        3,
        "must name an environment",
    ),
    (
        'x = 1\n\n[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_S"\nbakend = "draft"\n',
        6,
        "did you mean 'backend'",
    ),
    (
        '[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_S"\nbackend = "fax"\n',
        4,
        "backend must be one of",
    ),
    (
        '[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_S"\n[accounts.blog.limits]\ntitel = 3\n',
        5,
        "did you mean 'title'",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_ACCOUNTS)
def test_a_wrong_account_table_is_one_error_naming_the_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    if text.startswith("x = 1"):
        text = text.replace("x = 1\n", 'author = "A"\n')
    (tmp_path / "mdwx.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'mdwx.toml'}:{line}:")
    assert "hunter2" not in str(caught.value)


@settings(max_examples=60)
@given(
    names=st.lists(st.sampled_from(["blog", "news", "misc", "blgo", ""]), min_size=0, max_size=4),
    as_string=st.booleans(),
)
def test_front_matter_accounts_are_the_sites_or_an_error_at_their_line(
    names: list[str], as_string: bool
) -> None:
    config = load_config_with(["blog", "news"])
    value = json.dumps(names[0] if as_string and names else names, ensure_ascii=False)
    text = f"---\ntitle: T\naccounts: {value}\n---\n\nBody.\n"
    valid = (
        bool(names)
        and all(n in ("blog", "news") for n in names)
        and not (as_string and names[0] == "")
    )
    if as_string and names:
        valid = names[0] in ("blog", "news")
    if valid:
        article = read_article_text(text, Path("/site/p.md"), config)
        expected = [names[0]] if as_string else list(dict.fromkeys(names))
        assert list(article.accounts) == expected
    else:
        with pytest.raises(ArticleError) as caught:
            read_article_text(text, Path("/site/p.md"), config)
        assert caught.value.line == 3


def load_config_with(names: list[str]) -> Any:
    from mdwx.config import config_from_mapping

    data = {
        "accounts": {n: {"appid": "wx0123456789abcdef", "secret_env": "WECHAT_S"} for n in names}
    }
    return config_from_mapping(data, root=Path("/site"))
