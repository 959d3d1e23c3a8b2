"""The relay's log: the file it appends to, and the caller's address as the log records it.

The log names keys, accounts and callers; it is kept like a secrets file (mode 0600, owned
by the relay's user). A caller's ``X-Forwarded-For`` is whatever the caller wrote, so it is
recorded only when it is a list of IP addresses, and apart from the socket peer
(docs/relay.md, "The log").
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from mdwx.errors import ConfigError

#: At most this many addresses of an X-Forwarded-For are kept (proxies in a chain).
MAX_FORWARDED = 8
#: Never through a link (an attacker's link would get the log, and its target mode 0600);
#: non-blocking so a FIFO is refused rather than waited on.
_APPEND_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_NOFOLLOW


@contextlib.contextmanager
def log_stream(path: Path | None) -> Iterator[IO[str]]:
    """Standard error, or ``path`` opened to append: created with mode 0600; an existing
    file left readable by others is set to 0600; a symbolic link (to a file or to nothing),
    one owned by another user, or no regular file raises :class:`ConfigError` (the relay
    does not start, and nothing is created, changed or written through the link)."""
    if path is None:
        yield sys.stderr
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, _APPEND_FLAGS, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW: the name is a symbolic link
            raise ConfigError(
                "the relay's log_file is a symbolic link, not a regular file",
                path=path,
                hint="name the file itself: the relay never writes through a link",
            ) from None
        raise ConfigError(
            f"the relay's log_file cannot be opened ({exc.strerror or exc})", path=path
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError("the relay's log_file is not a regular file", path=path)
        if info.st_uid != os.getuid():
            raise ConfigError(
                "the relay's log_file belongs to another user",
                path=path,
                hint="remove it or name another log_file: the log is kept 0600",
            )
        if stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)  # the log names keys and callers: for the relay's user only
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "a", encoding="utf-8") as stream:
        yield stream


def forwarded_for(header: str | None) -> list[str] | None:
    """The addresses of an ``X-Forwarded-For`` header, normalised, when it is a list of at
    most :data:`MAX_FORWARDED` IP addresses; None when absent or anything else (then the
    log says only that it was invalid: a caller's text is never logged as given)."""
    if header is None or not header.strip():
        return None
    parts = [part.strip() for part in header.split(",")]
    if len(parts) > MAX_FORWARDED:
        return None
    try:
        return [str(ipaddress.ip_address(part)) for part in parts]
    except ValueError:
        return None
