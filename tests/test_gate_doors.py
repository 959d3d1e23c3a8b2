"""The door matrix: one hostile site, every door, the same refusals, nothing sent.

The site holds a post that is a link leading outside, a post whose picture is such a link, a
post that is a hard link to an outside file, a post whose picture is one, a FIFO named like a
post, and a post for two accounts whose title is over one account's own limit. Each door (CLI
commands, ``--changed-since`` on a real repository, the pre-push hook in a clone and the
post-receive hook on a bare repository, each with a real ``git push``, README.md's pre-commit
hooks run by the real ``pre-commit`` (its check, and its publish on a real push), the CI
Action's steps as the runner runs them, ``mdwx.api`` with paths and with in-memory posts, real
``mkdocs build`` and ``pelican`` runs, the live preview) must refuse each hostile post with
the gate's own words and send nothing. A door gets the hostile files it can carry: git stores
neither FIFOs nor hard links (a pushed checkout has plain files), and MkDocs and Pelican read
every page themselves first (a FIFO would stop them, not mdwx). ``status`` judges no
publishing rule (it reads state and sends nothing): that difference is asserted, not skipped.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mdwx import api
from mdwx.errors import MdwxError
from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache
from tests.action_runner import run_action
from tests.cli_helpers import mdwx, sandbox_env
from tests.git_helpers import commit_all, git, git_env, repository
from tests.precommit_helpers import pre_commit_env, readme_local_config, run_pre_commit
from tests.publish_helpers import png_bytes, sandbox

pytest.importorskip("mkdocs")
pytest.importorskip("pelican.plugins.signals")

PAGE = "Title: {title}\nDate: 2026-01-02 10:00\nWechat: true\n\n{body}\n"
SECRET = "SECRET-7f3a"  # only the outside files hold it
LINK = "a symbolic link leading outside the site folder"
HARD = "a hard link"
FIFO = "not a regular file (a FIFO)"
LIMITS = "account 'news': title is 16 characters"

#: hostile post → what the gate says about it
HOSTILE = {
    "leak.md": LINK,
    "evil-pic.md": LINK,
    "hard.md": HARD,
    "hard-pic.md": HARD,
    "fifo.md": FIFO,
    "limits.md": LIMITS,
}
ON_DISK = tuple(HOSTILE)  # a local work tree carries every kind
NO_FIFO = tuple(name for name in HOSTILE if name != "fifo.md")
PUSHED = ("leak.md", "evil-pic.md", "limits.md")  # what a checkout made from a push holds
POST_ONLY = ("leak.md", "hard.md", "fifo.md")  # status reads the post, not its pictures (nor rules)
#: A post for both accounts whose title is over news's limit (the error names the account).
LIMITED = "---\ntitle: A title over ten\ndate: 2026-01-02\nwechat: true\naccounts: [blog, news]\n---\n\nText.\n"
#: Two accounts, both with the sandbox's secret variable; news allows 10-character titles.
ACCOUNTS = """[accounts.blog]
appid = "wx00000000000000b1"
secret_env = "WECHAT_APPSECRET"

[accounts.news]
appid = "wx00000000000000e2"
secret_env = "WECHAT_APPSECRET"

[accounts.news.limits]
title = 10
"""
TOKEN = ("stable_token", "token")
PLUGIN_FILES = {
    "mkdocs.yml": "site_name: Hostile\ndocs_dir: posts\nplugins:\n  - wechat\n",
    "pelicanconf.py": 'PATH = "posts"\nTIMEZONE = "UTC"\nPLUGINS = ["mdwx.integrations.pelican"]\n'
    "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
    "AUTHOR_FEED_RSS = None\nLOAD_CONTENT_CACHE = False\n",
}


PRE_COMMIT_HOME = Path()  # pre-commit's cache, one per module (set by the fixture below)


@pytest.fixture(scope="module", autouse=True)
def _pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    global PRE_COMMIT_HOME
    PRE_COMMIT_HOME = tmp_path_factory.mktemp("pre-commit-home")


def outside(base: Path) -> Path:
    out = base / "outside"
    out.mkdir(exist_ok=True)
    (out / "secret.md").write_text(PAGE.format(title=SECRET, body=f"{SECRET} text."), "utf-8")
    (out / "secret.png").write_bytes(png_bytes(colour=(1, 2, 3)))
    (out / "hard.md").write_text(
        PAGE.format(title=f"{SECRET} hard", body=f"{SECRET} hard."), "utf-8"
    )
    (out / "hard.png").write_bytes(png_bytes(colour=(3, 2, 1)))
    return out


def hostile_site(site: Path, kinds: tuple[str, ...]) -> list[Path]:
    """The hostile posts of ``kinds`` in ``site/posts`` (outside files beside ``site``)."""
    out = outside(site.parent)
    posts = site / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (site / "mdwx.toml").write_text(ACCOUNTS, "utf-8")
    (site / ".gitignore").write_text(".mdwx/\nsite/\noutput/\n__pycache__/\n", "utf-8")
    for name, text in PLUGIN_FILES.items():
        (site / name).write_text(text, "utf-8")
    made = []
    for name in kinds:
        path = posts / name
        if name == "leak.md":
            path.symlink_to(
                out / "secret.md"
            )  # absolute: it leads there from a pushed checkout too
        elif name == "evil-pic.md":
            (posts / "evil.png").symlink_to(out / "secret.png")
            path.write_text(PAGE.format(title="Evil pic", body="Text.\n\n![x](evil.png)"), "utf-8")
        elif name == "hard.md":
            os.link(out / "hard.md", path)
        elif name == "hard-pic.md":
            os.link(out / "hard.png", posts / "hard.png")
            path.write_text(PAGE.format(title="Hard pic", body="Text.\n\n![x](hard.png)"), "utf-8")
        elif (
            name == "limits.md"
        ):  # between --- lines: front matter to mdwx and MkDocs, a header to Pelican
            path.write_text(LIMITED, "utf-8")
        else:
            os.mkfifo(path)
        made.append(path)
    return made


def sent(sb: SandboxServer) -> list[str]:
    """What the sandbox was sent besides token requests."""
    return [r.endpoint for r in sb.requests if r.endpoint not in TOKEN]


def sandbox_rows(site: Path) -> dict[str, int]:
    db = site / ".mdwx" / "sandbox.db"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("images", "videos", "blocks", "articles", "submissions")
        }


# Each door: (kinds it carries, run(site, posts, base, sb, code) → everything it printed);
# ``code`` is the exit code a command must give (1: posts refused, 2: the site's config).
Door = Callable[[Path, list[Path], Path, SandboxServer, int], str]


def _cli(*command: str) -> Door:
    def door(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
        done = mdwx(*command, *map(str, posts), cwd=site, env=sandbox_env(sb, base))
        assert done.returncode == code, done.stdout + done.stderr  # refused, not a crash
        rows = sandbox_rows(site)
        assert not any(rows.values()), rows
        return done.stdout + done.stderr

    return door


def _status(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    lines = []
    for post in posts:  # one at a time: each must answer at once (a FIFO must not hang it)
        done = mdwx("status", str(post), cwd=site, env=sandbox_env(sb, base))
        assert done.returncode == code, done.stdout + done.stderr
        lines.append(done.stdout + done.stderr)
    if code == 1:  # the documented difference: status reads state and sends nothing, so it judges
        # no publishing rule; a post whose account refuses it is listed per account, unpublished
        limited = hostile_site(site, ("limits.md",))[0]
        done = mdwx("status", str(limited), cwd=site, env=sandbox_env(sb, base))
        assert (
            done.returncode == 0 and f"{limited} [news]: not published" in done.stdout + done.stderr
        ), done
    return "\n".join(lines)


def _changed_since(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    env = git_env(sandbox_env(sb, base), base)
    git(site, "init", "-q", "-b", "main", env=env)
    git(site, "add", "mdwx.toml", ".gitignore", env=env)
    git(site, "commit", "-q", "-m", "the site", env=env)
    commit_all(site, "the hostile posts", env)
    done = mdwx("publish", "--changed-since", "HEAD~1", cwd=site, env=env)
    assert done.returncode == code, done.stdout + done.stderr
    return done.stdout + done.stderr


def _post_receive(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    env = git_env(sandbox_env(sb, base), base)
    (base / "git").mkdir()
    bare, work = repository(base / "git", env)
    for path in sorted(site.rglob("*")):  # the site, links kept as links
        target = work / path.relative_to(site)
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        elif path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    commit_all(work, "hostile site", env)
    installed = mdwx("hook", "install", "--post-receive", "--submit", cwd=bare, env=env)
    assert installed.returncode == 0, installed.stderr
    pushed = git(work, "push", "origin", "main", env=env, check=False)
    assert pushed.returncode == 0, pushed.stderr  # the push is accepted; publishing refused
    assert not (base / "outside" / ".mdwx").exists()  # no state beside the outside files
    return pushed.stderr


def _git_site(site: Path, bare: Path, env: dict[str, str]) -> None:
    """``site`` made a clone of the new bare repository ``bare``, everything committed."""
    git(bare.parent, "init", "-q", "--bare", "-b", "main", str(bare), env=env)
    git(site, "init", "-q", "-b", "main", env=env)
    git(site, "remote", "add", "origin", str(bare), env=env)
    commit_all(site, "hostile site", env)


def _pre_push(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    """``mdwx hook install --pre-push`` in the writer's clone, then a real ``git push``."""
    env = git_env(sandbox_env(sb, base), base)
    _git_site(site, base / "remote.git", env)
    installed = mdwx("hook", "install", "--pre-push", cwd=site, env=env)
    assert installed.returncode == 0, installed.stderr
    pushed = git(site, "push", "origin", "main", env=env, check=False)
    assert pushed.returncode != 0, pushed.stderr  # a refused publish stops the push
    assert not git(
        base / "remote.git", "rev-parse", "-q", "--verify", "main", env=env, check=False
    ).stdout
    return pushed.stdout + pushed.stderr


def _pre_commit_site(site: Path, base: Path, sb: SandboxServer) -> dict[str, str]:
    """``site`` a git work tree with README.md's ``repo: local`` hooks; pre-commit's environment."""
    env = pre_commit_env(sandbox_env(sb, base), base)
    env["PRE_COMMIT_HOME"] = str(PRE_COMMIT_HOME)  # one cache for the module's runs
    (site / ".pre-commit-config.yaml").write_text(readme_local_config(), "utf-8")
    return env


def _pre_commit(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    """``pre-commit run`` of README.md's ``repo: local`` hooks on the posts (the mdwx check hook)."""
    env = _pre_commit_site(site, base, sb)
    git(site, "init", "-q", "-b", "main", env=env)
    git(site, "add", "-A", env=env)  # git stages no FIFO: pre-commit is given it by name
    done = run_pre_commit("run", "--files", *map(str, posts), cwd=site, env=env)
    assert done.returncode == 1, done.stdout + done.stderr  # the mdwx check hook failed
    assert "mdwx check" in done.stdout and "Failed" in done.stdout
    return done.stdout + done.stderr


def _pre_commit_push(
    site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int
) -> str:
    """README.md's pre-commit hooks installed for pre-push, then a real ``git push`` (the mdwx
    publish hook: ``mdwx hook run pre-commit``)."""
    env = _pre_commit_site(site, base, sb)
    _git_site(site, base / "remote.git", env)
    installed = run_pre_commit("install", "--hook-type", "pre-push", cwd=site, env=env)
    assert installed.returncode == 0, installed.stderr
    pushed = git(site, "push", "origin", "main", env=env, check=False)
    assert pushed.returncode != 0 and "mdwx publish" in pushed.stdout + pushed.stderr, pushed
    assert not git(
        base / "remote.git", "rev-parse", "-q", "--verify", "main", env=env, check=False
    ).stdout
    return pushed.stdout + pushed.stderr


def _action(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    """action.yml's steps as the runner runs them, the site as the workspace."""
    env = git_env(sandbox_env(sb, base), base)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # setup-python's python
    paths = " ".join(p.relative_to(site).as_posix() for p in posts)
    done = run_action(
        {"paths": paths, "mode": "submit", "persist-state": "none"}, workspace=site, env=env
    )
    assert done.returncode == code, done.stdout + done.stderr
    return done.stdout + done.stderr


def _options(sb: SandboxServer) -> api.Options:
    """The sandbox's credentials, and a secret for each of the site's accounts (as a script gives them)."""
    return api.Options(
        credentials=api.Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        accounts={name: api.Credentials(secret=sb.secret) for name in ("blog", "news")},
        token_cache=MemoryTokenCache(),
    )


def _api_results(report: object) -> str:
    return "\n".join(str(p.error) for p in report.posts if p.error)  # type: ignore[attr-defined]


def _api_calls(sources: Callable[[], list[api.Source]], sb: SandboxServer, code: int) -> str:
    """check, then publish: posts refused in the report (1), or the call refused (2)."""
    try:
        checked = api.check(sources(), _options(sb))
        published = api.publish(sources(), _options(sb))
    except MdwxError as exc:
        assert code == 2, exc
        return str(exc)
    # publish reports each (post, account): limits.md twice, refused for both before sending
    assert (
        code == 1
        and not checked.ok
        and len({str(p.path) for p in published.posts}) == len(sources())
    )
    return _api_results(checked) + "\n" + _api_results(published)


def _api_paths(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    return _api_calls(lambda: [*posts], sb, code)


def _in_memory(post: Path) -> api.Post:
    """The post as a script holds it: the text of the file its path names (a FIFO: none)."""
    text = "" if post.name == "fifo.md" else post.read_text("utf-8")
    return api.Post(text, path=post)


def _api_memory(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    return _api_calls(lambda: [_in_memory(p) for p in posts], sb, code)


def _mkdocs(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"],
        capture_output=True,
        text=True,
        cwd=site,
        env=sandbox_env(sb, base),
        timeout=300,
    )
    return done.stdout + done.stderr


def _pelican(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pelican", "posts", "-o", "output", "-s", "pelicanconf.py"],
        capture_output=True,
        text=True,
        cwd=site,
        env={**sandbox_env(sb, base), "COLUMNS": "400"},
        timeout=300,
    )
    return done.stdout + done.stderr


def _preview(site: Path, posts: list[Path], base: Path, sb: SandboxServer, code: int) -> str:
    from mdwx.preview.snapshot import take_snapshot

    shots = [take_snapshot(post, 1) for post in posts]
    for shot in shots:
        assert SECRET not in shot.html and not shot.media, shot.path
    return "\n".join(f"{shot.path}: {shot.error}" for shot in shots)


DOORS: dict[str, tuple[tuple[str, ...], Door]] = {
    "check": (ON_DISK, _cli("check")),
    "build": (ON_DISK, _cli("build")),
    "publish --sandbox": (ON_DISK, _cli("publish", "--sandbox")),
    "status": (POST_ONLY, _status),
    "--changed-since": (NO_FIFO, _changed_since),
    "post-receive hook": (PUSHED, _post_receive),
    "pre-push hook": (NO_FIFO, _pre_push),  # git commits no FIFO; the clone keeps its hard links
    "pre-commit check": (ON_DISK, _pre_commit),
    "pre-commit push": (NO_FIFO, _pre_commit_push),
    "CI Action": (ON_DISK, _action),
    "api paths": (ON_DISK, _api_paths),
    "api in-memory": (ON_DISK, _api_memory),
    "mkdocs build": (NO_FIFO, _mkdocs),
    "pelican": (NO_FIFO, _pelican),
    "preview": (ON_DISK, _preview),
}


@pytest.mark.parametrize("door", list(DOORS))
def test_every_door_refuses_the_hostile_site_alike_and_sends_nothing(
    door: str, tmp_path: Path
) -> None:
    kinds, run = DOORS[door]
    site = tmp_path / "site"
    posts = hostile_site(site, kinds)
    with sandbox() as sb:
        said = run(site, posts, tmp_path, sb, 1)
        assert sent(sb) == []
    assert "Traceback" not in said
    assert SECRET not in said
    lines = said.splitlines()
    for name in kinds:
        words = HOSTILE[name]
        assert any(name in line and words in line for line in lines), (
            f"{door}: {name}: {words!r} not in\n{said}"
        )


@pytest.mark.parametrize("door", list(DOORS))
def test_every_door_refuses_a_device_as_the_sites_config(door: str, tmp_path: Path) -> None:
    """``mdwx.toml`` linked to ``/dev/zero``: one line naming it, never a read that does not end."""
    _kinds, run = DOORS[door]
    site = tmp_path / "site"
    hostile_site(site, ())
    (site / "posts" / "fine.md").write_text(PAGE.format(title="Fine", body="Fine text."), "utf-8")
    (site / "mdwx.toml").unlink()
    (site / "mdwx.toml").symlink_to("/dev/zero")
    posts = [site / "posts" / "fine.md"]
    with sandbox() as sb:
        said = run(site, posts, tmp_path, sb, 2)
        assert sent(sb) == []
    assert "Traceback" not in said
    assert any(
        "mdwx.toml" in line and "not a regular file (a device)" in line
        for line in said.splitlines()
    ), said
