"""Relay keys: one per client and account, stored only as SHA-256 digests in a 0600 file.

A key is 32 random bytes (``mdwxr_`` + URL-safe base64), so a plain SHA-256 is enough to
make the file useless to a reader: nothing can be guessed back from it (a slow password
hash buys nothing for a random secret). The key is shown once, when it is made. The relay
re-reads the file when it changes, so ``mdwx relay key add`` / ``revoke`` act on a running
relay without a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from mdwx.errors import ConfigError
from mdwx.relay.bounds import EXPIRES_DAYS, RATE_PER_MINUTE
from mdwx.relay.operations import parse_allow

#: Keys file times must lie before this Unix time (the year 9999: a date Python can show).
_LAST_TIME = 253_402_300_799

KEY_PREFIX = "mdwxr_"
# A relay key written anywhere in a text (a key pasted into a URL path or a parameter).
_KEY_IN_TEXT = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_\-]*")


def scrub_keys(text: str) -> str:
    """``text`` with every relay key in it replaced by ``mdwxr_…``: what the relay logs and
    answers never repeats a key, even one a client put where no key belongs."""
    return _KEY_IN_TEXT.sub(KEY_PREFIX + "…", text)


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_FORMAT = 1
MAX_KEYS_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class RelayKey:
    """One key's record: who holds it, for which account, what it may do, until when.

    ``digest`` is the SHA-256 of the key (hex); ``expires`` is a Unix time or None (never);
    ``rate_per_minute`` overrides the relay's default rate for this key (None: the default).
    """

    name: str
    account: str
    allow: tuple[str, ...]
    digest: str
    created: float
    expires: float | None = None
    rate_per_minute: float | None = None

    def expired(self, now: float) -> bool:
        return self.expires is not None and now >= self.expires

    def public(self) -> dict[str, object]:
        """The record as JSON, without the digest."""
        data = asdict(self)
        data.pop("digest")
        data["allow"] = list(self.allow)
        return data


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class KeyStore:
    """The keys file: read (and re-read when it changes), added to, revoked from."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._seen: tuple[int, int] | None = None
        self._keys: dict[str, RelayKey] = {}

    def records(self) -> list[RelayKey]:
        """Every key's record, reloaded if the file changed. Raises :class:`ConfigError`."""
        self._reload()
        return list(self._keys.values())

    def find(self, key: str) -> RelayKey | None:
        """The record of ``key`` (expired or not), or None; compared in constant time."""
        self._reload()
        wanted = digest_of(key)
        found = None
        for record in self._keys.values():
            if hmac.compare_digest(record.digest, wanted):
                found = record
        return found

    def add(
        self,
        name: str,
        account: str,
        allow: str | tuple[str, ...],
        *,
        expires_in: float | None = None,
        rate_per_minute: float | None = None,
        replace: bool = False,
        now: float | None = None,
    ) -> str:
        """Make a key, store its digest and return the key (the only time it is shown).

        ``expires_in`` is in seconds (see :data:`~mdwx.relay.bounds.EXPIRES_DAYS`),
        ``rate_per_minute`` in calls a minute (:data:`~mdwx.relay.bounds.RATE_PER_MINUTE`).
        Raises :class:`ConfigError` for a bad name or permission, a number outside its bounds
        (NaN and infinity included), or a name already used (unless ``replace``).
        """
        if not _NAME.fullmatch(name):
            raise ConfigError(
                f"key name {name!r} must be letters, digits, '.', '-' or '_' (up to 64)"
            )
        try:
            allowed = parse_allow(allow)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        _check_numbers(expires_in, rate_per_minute)
        self._reload()
        if name in self._keys and not replace:
            raise ConfigError(
                f"a key named {name!r} exists",
                path=self.path,
                hint=f"revoke it first (mdwx relay key revoke {name}) or add --replace",
            )
        key = new_key()
        created = time.time() if now is None else now
        self._keys[name] = RelayKey(
            name,
            account,
            allowed,
            digest_of(key),
            created,
            None if expires_in is None else created + expires_in,
            rate_per_minute,
        )
        self._write()
        return key

    def revoke(self, name: str) -> RelayKey:
        """Remove key ``name``; its record. Raises :class:`ConfigError` when there is none."""
        self._reload()
        record = self._keys.pop(name, None)
        if record is None:
            known = ", ".join(sorted(self._keys)) or "none"
            raise ConfigError(f"no key named {name!r} (known: {known})", path=self.path)
        self._write()
        return record

    def _reload(self) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._keys, self._seen = {}, None
            return
        except OSError as exc:
            raise ConfigError(
                f"cannot read the relay keys file: {exc.strerror}", path=self.path
            ) from None
        seen = (info.st_mtime_ns, info.st_size)
        if seen == self._seen:
            return
        _refuse_shared(self.path, info)
        if info.st_size > MAX_KEYS_FILE_BYTES:
            raise ConfigError("the relay keys file is too large to be one", path=self.path)
        self._keys = _parse(self.path)
        self._seen = seen

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {"format": _FORMAT, "keys": [asdict(k) for k in self._keys.values()]},
            indent=2,
            ensure_ascii=False,
        ).encode("utf-8")
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, body)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        self._seen = None

    def __repr__(self) -> str:
        return f"KeyStore({str(self.path)!r})"


def _check_numbers(expires_in: float | None, rate_per_minute: float | None) -> None:
    """Refuse a lifetime (seconds) or rate outside its declared bounds, NaN and infinity too."""
    if expires_in is not None:
        days = expires_in / 86400 if isinstance(expires_in, (int, float)) else expires_in
        problem = EXPIRES_DAYS.problem(days)
        if problem:
            raise ConfigError(f"--expires {problem}")
    if rate_per_minute is not None:
        problem = RATE_PER_MINUTE.problem(rate_per_minute)
        if problem:
            raise ConfigError(f"--rate {problem}")


def _check_record(record: RelayKey) -> None:
    """Raise ValueError for a stored key whose numbers no ``add`` could have written."""
    longest = EXPIRES_DAYS.high * 86400
    for what, value in (("created", record.created), ("expires", record.expires)):
        if value is not None and not (math.isfinite(value) and 0 <= value < _LAST_TIME):
            raise ValueError(f"key {record.name!r} has an impossible {what} time")
    if record.expires is not None and record.expires - record.created > longest:
        raise ValueError(f"key {record.name!r} expires after more than {EXPIRES_DAYS.high:g} days")
    problem = (
        None if record.rate_per_minute is None else RATE_PER_MINUTE.problem(record.rate_per_minute)
    )
    if problem:
        raise ValueError(f"key {record.name!r}: rate_per_minute {problem}")


def _parse(path: Path) -> dict[str, RelayKey]:
    try:
        data = json.loads(path.read_bytes())
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or not isinstance(data.get("keys"), list)
        ):
            raise ValueError("not a relay keys file")
        found: dict[str, RelayKey] = {}
        for item in data["keys"]:
            record = RelayKey(
                name=str(item["name"]),
                account=str(item["account"]),
                allow=parse_allow(list(item["allow"])),
                digest=str(item["digest"]),
                created=float(item["created"]),
                expires=None if item.get("expires") is None else float(item["expires"]),
                rate_per_minute=None
                if item.get("rate_per_minute") is None
                else float(item["rate_per_minute"]),
            )
            if not re.fullmatch(r"[0-9a-f]{64}", record.digest):
                raise ValueError(f"key {record.name!r} has no valid digest")
            _check_record(record)
            found[record.name] = record
        return found
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"the relay keys file is damaged: {str(exc)[:200]}",
            path=path,
            hint="restore it, or delete it and add the keys again",
        ) from None


def _refuse_shared(path: Path, info: os.stat_result) -> None:
    """A keys file others may write could let them plant a key: refuse it (POSIX)."""
    if os.name != "posix":
        return
    if stat.S_ISLNK(os.lstat(path).st_mode) or not stat.S_ISREG(info.st_mode):
        raise ConfigError("the relay keys file is not a regular file", path=path)
    if info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise ConfigError(
            f"the relay keys file can be written by other users (mode "
            f"{stat.S_IMODE(info.st_mode):o})",
            path=path,
            hint=f"chmod 600 {path}",
        )
