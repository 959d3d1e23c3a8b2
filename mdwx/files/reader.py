"""The one reader of local files: every file mdwx reads from a site goes through :func:`read_file`.

Posts, pictures, videos (checked by :func:`check_file` before they are streamed), header and
footer templates, config files (``mdwx.toml``, ``pyproject.toml``, ``.obsidian/*.json``,
``_config.yml``), hook files and state exports. The rules, in the order they are applied:

1. **Confinement** (when a site root is given): the path with every symbolic link resolved
   must lie inside the site root (itself resolved).
2. **Regular files only**: the file is ``stat``-ed before it is opened; a FIFO, a device, a
   socket or a folder is refused and never opened (opening a FIFO blocks, reading
   ``/dev/zero`` never ends). It is then opened with ``O_NONBLOCK`` and checked again on the
   open descriptor, so a file swapped for a FIFO between the two steps is refused too.
3. **One name** (``single_link``, for every file whose bytes reach WeChat or the output:
   posts, pictures, videos, header/footer templates, a site's theme and its bases (inlined
   into the article), ``--openids`` lists): a regular file with more than one hard link is refused. Its other
   names may lie outside the site and nothing can tell where, so confinement cannot vouch
   for it; a copy of its own is always accepted.
4. **A cap**: at most ``limit`` bytes are read (``limit + 1`` to see it is over); a larger
   file is refused without reading it whole.

Each refusal is raised as the caller's :class:`~mdwx.errors.MdwxError` subclass with one line
saying which rule the file broke.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mdwx.errors import ConfigError, MdwxError
from mdwx.files.used_files import note_checked, note_read

#: A config, hook or template file larger than this (bytes) is no config file; refuse it.
MAX_CONFIG_BYTES = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1024 * 1024


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words: "a FIFO", "a device", "a socket", "a folder"."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _refuse(
    error: type[MdwxError], reason: str, path: Path, name: str | None, hint: str | None = None
) -> MdwxError:
    if name is not None:
        return error(f"{name}: {reason}", hint=hint)
    return error(reason, path=path, hint=hint)


def confined(path: Path, root: Path) -> bool:
    """Whether ``path``, every symbolic link resolved, lies inside ``root`` (resolved)."""
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


def check_file(
    path: Path,
    *,
    error: type[MdwxError] = ConfigError,
    root: Path | None = None,
    single_link: bool = False,
    name: str | None = None,
) -> os.stat_result:
    """Apply rules 1-3 of the module to ``path`` without opening it; its ``stat`` (links followed).

    ``name`` (when given) is how the caller's message names the file (a reference as the post
    wrote it) and the error then carries no path; else the error's path is ``path``.
    Raises ``error``.
    """
    if root is not None and not confined(path, root):
        # Name what the user gave: a path outside the site, or a link inside it leading out.
        given = os.path.abspath(path)
        named_inside = any(
            os.path.commonpath([given, base]) == base
            for base in {os.path.abspath(root), os.path.realpath(root)}
        )
        what = "a symbolic link leading outside" if named_inside else "outside"
        raise _refuse(
            error,
            f"{what} the site folder {os.path.realpath(root)}",
            path,
            name,
            "copy the file into the site instead",
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _refuse(error, "no such file", path, name) from None
    except OSError as exc:
        raise _refuse(error, f"cannot be read ({exc.strerror or exc})", path, name) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(
            error,
            f"not a regular file ({file_kind(info.st_mode)})",
            path,
            name,
            "mdwx reads only regular files",
        )
    if single_link and info.st_nlink > 1:
        raise _refuse(
            error,
            f"a hard link ({info.st_nlink} names for one file, which may lie outside the site)",
            path,
            name,
            "give it a copy of its own: cp FILE FILE.copy && mv FILE.copy FILE",
        )
    note_checked(path, info)  # a publish run keeps what each post used (mdwx.files.used_files)
    return info


def read_file(
    path: Path,
    *,
    limit: int,
    error: type[MdwxError] = ConfigError,
    root: Path | None = None,
    single_link: bool = False,
    name: str | None = None,
    too_large: MdwxError | None = None,
) -> bytes:
    """The bytes of ``path`` after :func:`check_file`'s rules, at most ``limit`` bytes.

    ``too_large`` is the error for a file over ``limit`` (default: "larger than the limit …").
    Raises ``error`` for every refusal and for an OS error while reading.
    """
    before = check_file(path, error=error, root=root, single_link=single_link, name=name)
    over = too_large or _refuse(error, f"larger than the limit of {limit:,} bytes", path, name)
    if before.st_size > limit:
        raise over
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse(error, f"cannot be read ({exc.strerror or exc})", path, name) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise _refuse(error, "changed while being read", path, name)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _refuse(error, f"cannot be read ({exc.strerror or exc})", path, name) from None
    finally:
        os.close(fd)
    if size > limit:
        raise over
    data = b"".join(chunks)
    note_read(path, data)
    return data


def read_config_text(
    path: Path, *, error: type[MdwxError] = ConfigError, limit: int = MAX_CONFIG_BYTES
) -> str:
    """A config, hook or template file's text (UTF-8) through :func:`read_file`; raises ``error``."""
    data = read_file(path, limit=limit, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8", path=path, line=line) from None


def consulted_text(
    path: Path, *, limit: int = MAX_CONFIG_BYTES, root: Path | None = None
) -> str | None:
    """The text of a file mdwx only consults (a site generator's config) through
    :func:`read_file`, undecodable bytes replaced; None when it is missing or refused (a link
    leading out of the site ``root``, default the file's folder; no regular file; over
    ``limit``): such a file is skipped, as when it is missing."""
    try:
        data = read_file(path, limit=limit, root=root or path.parent)
    except MdwxError:
        return None
    return data.decode("utf-8", errors="replace")
