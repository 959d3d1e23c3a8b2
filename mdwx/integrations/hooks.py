"""git hooks that publish the posts a push changed: ``mdwx hook install|uninstall|run``.

``pre-push`` runs in the writer's clone before the push leaves (a failed publish stops the
push); ``post-receive`` runs in the receiving repository (often bare) after the push landed,
and publishes from a work tree of its own (``GIT_DIR/mdwx-publish``, a ``git worktree``, where
the state database lives between pushes). Both read the pushed refs from stdin (githooks(5))
and publish only a push to the publishing branch: ``publish_branch`` in mdwx.toml, else the
repository's default branch (``<remote>/HEAD``, the bare repository's ``HEAD``,
``init.defaultBranch``, else ``main``).

The hook script calls ``python -m mdwx`` with the interpreter that installed it, so it works
from a virtual environment that is not on the pusher's PATH. A hook that is not mdwx's is
never overwritten silently: ``--force`` keeps it as ``<hook>.mdwx-backup``, the mdwx hook
runs it first (with the same stdin), and ``uninstall`` puts it back.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import MAX_CONFIG_BYTES, read_file
from mdwx.integrations.git import ZERO_SHA, changed_posts, describe, empty_tree, run_git
from mdwx.integrations.retry import pending_posts
from mdwx.source.site import load_config

#: What a hook exits with (githooks(5): non-zero from pre-push stops the push); a publish's
#: own exit code is passed through as it is.
EXIT_OK = 0
EXIT_FAILED = 1
HOOK_KINDS = ("pre-push", "post-receive")
MARKER = "# mdwx-hook:"
BACKUP_SUFFIX = ".mdwx-backup"
PUBLISH_TREE = "mdwx-publish"  # post-receive's work tree, inside the receiving GIT_DIR
_GIT_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX")


def hooks_dir(cwd: Path) -> Path:
    """The folder git runs hooks from (``core.hooksPath`` honoured)."""
    return (cwd / run_git(["rev-parse", "--git-path", "hooks"], cwd=cwd).strip()).resolve()


def is_mdwx_hook(path: Path) -> bool:
    try:
        return (
            MARKER
            in read_file(path, limit=MAX_CONFIG_BYTES).decode("utf-8", errors="replace")[:500]
        )
    except MdwxError:
        return False


def hook_script(kind: str, *, submit: bool, python: str | None = None) -> str:
    """The hook's text: runs a kept foreign hook first, then ``python -m mdwx hook run``."""
    python = shlex.quote(python or sys.executable)
    mode = "--submit" if submit else "--draft"
    return f"""#!/bin/sh
{MARKER} {kind} (written by `mdwx hook install`; `mdwx hook uninstall` removes it)
# Publishes the posts changed by a push to the publishing branch ({"submitted" if submit else "as drafts"}).
input=$(cat)
kept="$0{BACKUP_SUFFIX}"
if [ -x "$kept" ]; then
    printf '%s\\n' "$input" | "$kept" "$@" || exit $?
fi
printf '%s\\n' "$input" | exec {python} -m mdwx hook run {kind} {mode} -- "$@"
"""


@dataclass
class Installed:
    path: Path
    backup: Path | None  # the foreign hook kept aside
    updated: bool  # an mdwx hook was there already


def install(cwd: Path, kind: str, *, submit: bool, force: bool) -> Installed:
    """Write the ``kind`` hook; ConfigError (exit 2) over a foreign hook without ``force``."""
    if kind not in HOOK_KINDS:
        raise ConfigError(f"unknown hook {kind!r}", hint=f"one of {', '.join(HOOK_KINDS)}")
    folder = hooks_dir(cwd)
    path = folder / kind
    backup = path.with_name(kind + BACKUP_SUFFIX)
    ours = path.exists() and is_mdwx_hook(path)
    if path.exists() and not ours:
        if not force:
            raise ConfigError(
                f"a {kind} hook that is not mdwx's is installed",
                path=path,
                hint=f"--force keeps it as {backup.name}, runs it before mdwx's and "
                "`mdwx hook uninstall` restores it",
            )
        if backup.exists():
            raise ConfigError(
                f"{backup.name} exists already: it would be overwritten",
                path=backup,
                hint="move it aside by hand first",
            )
        path.rename(backup)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(hook_script(kind, submit=submit), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except OSError as exc:
        raise ConfigError(f"cannot write the hook: {exc.strerror}", path=path) from None
    return Installed(path, backup if backup.exists() else None, ours)


def uninstall(cwd: Path) -> list[str]:
    """Remove mdwx's hooks, putting back any foreign hook they kept; lines saying what."""
    folder = hooks_dir(cwd)
    done = []
    for kind in HOOK_KINDS:
        path, backup = folder / kind, folder / (kind + BACKUP_SUFFIX)
        if not (path.exists() and is_mdwx_hook(path)):
            continue
        path.unlink()
        if backup.exists():
            backup.rename(path)
            done.append(f"removed mdwx's {kind} hook; restored the one it replaced: {path}")
        else:
            done.append(f"removed mdwx's {kind} hook: {path}")
    return done


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PushedRef:
    ref: str  # refs/heads/… on the receiving side
    old: str  # what the receiving side had (zeros: a new branch)
    new: str  # what it gets (zeros: deleted)


def parse_stdin(kind: str, text: str) -> list[PushedRef]:
    """githooks(5): pre-push ``<local ref> <local sha> <remote ref> <remote sha>``,
    post-receive ``<old sha> <new sha> <ref>``; malformed lines are skipped."""
    refs = []
    for line in text.splitlines():
        parts = line.split()
        if kind == "pre-push" and len(parts) == 4:
            refs.append(PushedRef(parts[2], parts[3], parts[1]))
        elif kind == "post-receive" and len(parts) == 3:
            refs.append(PushedRef(parts[2], parts[0], parts[1]))
    return refs


def default_branch(cwd: Path, remote: str | None) -> str:
    """``<remote>/HEAD``'s branch, else (a receiving repository) ``HEAD``'s, else
    ``init.defaultBranch``, else ``main``."""
    candidates = [f"refs/remotes/{remote}/HEAD"] if remote else ["HEAD"]
    for name in candidates:
        try:
            target = run_git(["symbolic-ref", "--quiet", name], cwd=cwd).strip()
        except ConfigError:
            continue
        if target.startswith("refs/remotes/"):
            return target.split("/", 3)[3]
        if target.startswith("refs/heads/"):
            return target.removeprefix("refs/heads/")
    try:
        configured = run_git(["config", "--get", "init.defaultBranch"], cwd=cwd).strip()
    except ConfigError:
        configured = ""
    return configured or "main"


def publishing_branch(cwd: Path, remote: str | None) -> str:
    return load_config(cwd).publish_branch or default_branch(cwd, remote)


Say = Callable[[str], None]


def run_hook(kind: str, args: Sequence[str], stdin: str, *, submit: bool, say: Say) -> int:
    """What the installed hook does; the exit code git sees (pre-push: non-zero stops the push)."""
    git_dir = Path(
        os.path.abspath(
            os.environ.get("GIT_DIR") or run_git(["rev-parse", "--git-dir"], cwd=Path.cwd()).strip()
        )
    )
    for name in _GIT_ENV:  # the hook's own git environment must not steer the commands below
        os.environ.pop(name, None)
    if kind == "pre-commit":  # pre-commit's pre-push stage passes the push in its environment
        refs = [_pre_commit_push()]
        return _pre_push(
            refs, remote=os.environ.get("PRE_COMMIT_REMOTE_NAME"), submit=submit, say=say
        )
    refs = parse_stdin(kind, stdin)
    if kind == "pre-push":
        return _pre_push(refs, remote=args[0] if args else None, submit=submit, say=say)
    return _post_receive(refs, git_dir, submit=submit, say=say)


def _pre_commit_push() -> PushedRef:
    """The push pre-commit describes in its environment. A branch new to the remote whose
    history reaches a root commit comes without FROM/TO refs (pre-commit runs on all files):
    then the whole local branch is the push."""
    tip = os.environ.get("PRE_COMMIT_TO_REF", "")
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "")
    if not tip and local:
        try:
            tip = run_git(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{local}^{{commit}}"],
                cwd=Path.cwd(),
            ).strip()
        except ConfigError:
            tip = ""
    return PushedRef(
        os.environ.get("PRE_COMMIT_REMOTE_BRANCH", ""),
        os.environ.get("PRE_COMMIT_FROM_REF", ""),
        tip,
    )


def _pre_push(refs: list[PushedRef], *, remote: str | None, submit: bool, say: Say) -> int:
    top = Path(run_git(["rev-parse", "--show-toplevel"], cwd=Path.cwd()).strip())
    branch = publishing_branch(top, remote)
    pushed = [
        r for r in refs if r.ref == f"refs/heads/{branch}" and r.new and r.new not in ZERO_SHA
    ]
    if not pushed:
        return EXIT_OK
    ref = pushed[0]
    head = run_git(["rev-parse", "HEAD"], cwd=top).strip()
    if head != ref.new:
        say(
            f"mdwx: pre-push: {branch} is not checked out here, and mdwx publishes from the work tree; "
            f"check out {branch} and push again, or push without publishing: git push --no-verify"
        )
        return EXIT_FAILED
    return _publish_range(
        top, _push_base(top, ref, remote, branch), ref.new, submit=submit, say=say, blocking=True
    )


def _push_base(top: Path, ref: PushedRef, remote: str | None, branch: str) -> str:
    """What the remote already has of the push: its old tip; when this clone lacks that commit
    (someone else pushed), where the pushed tip forked from the last-fetched remote branch; for
    a new branch, nothing (the empty tree)."""
    if ref.old and ref.old not in ZERO_SHA and _known(top, ref.old):
        return ref.old
    if remote and _known(top, f"refs/remotes/{remote}/{branch}"):
        return run_git(
            ["merge-base", f"refs/remotes/{remote}/{branch}", ref.new], cwd=top, what="merge-base"
        ).strip()
    return empty_tree(top)


def _known(cwd: Path, sha: str) -> bool:
    try:
        run_git(["cat-file", "-e", f"{sha}^{{commit}}"], cwd=cwd)
    except ConfigError:
        return False
    return True


def _post_receive(refs: list[PushedRef], git_dir: Path, *, submit: bool, say: Say) -> int:
    branch_default = default_branch(git_dir, None)
    tree = git_dir / PUBLISH_TREE
    for ref in refs:
        if ref.new in ZERO_SHA or not ref.ref.startswith("refs/heads/"):
            continue
        _checkout(git_dir, tree, ref.new)
        from mdwx.source.site import load_config

        branch = load_config(tree).publish_branch or branch_default
        if ref.ref != f"refs/heads/{branch}":
            continue
        base = ref.old if ref.old not in ZERO_SHA else empty_tree(tree)
        return _publish_range(tree, base, ref.new, submit=submit, say=say, blocking=False)
    return EXIT_OK


def _checkout(git_dir: Path, tree: Path, commit: str) -> None:
    """The receiving repository's publishing work tree at ``commit`` (made on first use)."""
    if not (tree / ".git").exists():
        run_git(["worktree", "prune"], cwd=git_dir)
        run_git(
            ["worktree", "add", "--detach", "--force", str(tree), commit],
            cwd=git_dir,
            what="git worktree add",
        )
    else:
        run_git(["checkout", "--detach", "--force", commit], cwd=tree, what="git checkout")


def _publish_range(
    top: Path, base: str, tip: str, *, submit: bool, say: Say, blocking: bool
) -> int:
    """Publish the posts ``base``..``tip`` changed, then retry those an earlier run failed."""
    changes = changed_posts(top, base, tip)
    for line in describe(changes, top):
        say(f"mdwx: {line}")
    retry = [p for p in pending_posts(top) if p not in changes.posts]
    if not changes.posts and not retry:
        say("mdwx: no posts changed in this push; nothing to publish")
        return EXIT_OK
    if not blocking:  # the command a warning names runs here, on the server
        say(f"mdwx: post-receive: publishing in {top}")
    code = EXIT_OK
    if changes.posts:
        code = _publish_changed(top, changes.posts, submit=submit, say=say, blocking=blocking)
    if retry and code == EXIT_OK:
        _retry(top, retry, submit=submit, say=say, blocking=blocking)
    return code


def _publish_command(paths: Sequence[Path], *, submit: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mdwx",
        "publish",
        *([] if submit else ["--draft"]),
        "--",
        *map(str, paths),
    ]


def _publish_changed(
    top: Path, posts: list[Path], *, submit: bool, say: Say, blocking: bool
) -> int:
    if blocking:
        dirty = run_git(["status", "--porcelain", "--", *map(str, posts)], cwd=top).strip()
        if dirty:
            say(
                "mdwx: pre-push: a post to publish has uncommitted changes; commit or stash them and push "
                "again, or push without publishing: git push --no-verify"
            )
            return EXIT_FAILED
    code = subprocess.run(
        _publish_command(posts, submit=submit), cwd=top, stdin=subprocess.DEVNULL
    ).returncode
    if code != EXIT_OK and blocking:
        say(
            "mdwx: pre-push: publishing failed (see above), so the push was stopped; fix the post and push "
            "again, or push without publishing: git push --no-verify"
        )
    elif code != EXIT_OK:
        say(
            "mdwx: post-receive: publishing failed (see above); the push itself was accepted, `mdwx status` "
            "lists the failed posts and the next push retries them"
        )
    return code


def _retry(top: Path, posts: list[Path], *, submit: bool, say: Say, blocking: bool) -> None:
    """Publish again the posts an earlier run failed. The push did not touch them, so their
    failing again never stops it; a pre-push skips one with uncommitted changes (it would
    publish what was not pushed)."""
    if blocking:
        dirty = {
            Path(os.path.realpath(top / line[3:]))
            for line in run_git(
                ["status", "--porcelain", "--", *map(str, posts)], cwd=top
            ).splitlines()
            if len(line) > 3
        }
        for path in (p for p in posts if p in dirty):
            say(
                f"mdwx: {_rel(path, top)} failed to publish earlier but has uncommitted changes; "
                "commit it and push again to retry it"
            )
        posts = [p for p in posts if p not in dirty]
        if not posts:
            return
    say(
        f"mdwx: retrying {len(posts)} post(s) an earlier publish failed: {', '.join(_rel(p, top) for p in posts)}"
    )
    code = subprocess.run(
        _publish_command(posts, submit=submit), cwd=top, stdin=subprocess.DEVNULL
    ).returncode
    if code != EXIT_OK:
        say(
            "mdwx: the retried post(s) failed again (see above); the push goes on, `mdwx status` lists them and "
            "the next push retries them"
        )


def _rel(path: Path, top: Path) -> str:
    try:
        return path.relative_to(Path(os.path.realpath(top))).as_posix()
    except ValueError:
        return str(path)
