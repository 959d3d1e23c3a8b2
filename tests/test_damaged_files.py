"""Damaged or foreign files mdwx keeps (state, sandbox database, token cache): one-line
errors naming the file and what to do, never a traceback and never a silent reset."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from mdwx.errors import ConfigError, StateError
from mdwx.publish.state.store import State
from mdwx.sandbox.store import Store
from mdwx.wechat.token import CachedToken, DiskTokenCache
from tests.cli_helpers import mdwx
from tests.publish_helpers import copy_site


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return mdwx(*args, env=env)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_empty_state_file_is_an_error_naming_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    State.open(path).close()
    path.write_bytes(b"")  # truncated by a crash: it used to hold records
    for wal in (tmp_path / "state.db-wal", tmp_path / "state.db-shm"):
        wal.unlink(missing_ok=True)
    with pytest.raises(StateError) as info:
        State.open(path)
    message = str(info.value)
    assert "empty" in message and f"rm {path}" in message and "\n" not in message
    path.unlink()
    State.open(path).close()  # deleting it is the explicit way to start afresh


def test_a_fresh_state_file_is_still_created(tmp_path: Path) -> None:
    state = State.open(tmp_path / "new" / "state.db")
    assert state.schema_version > 0
    state.close()


@pytest.mark.parametrize(
    "damage",
    ["garbage", "foreign", "not_a_folder"],
)
def test_sandbox_database_faults_are_one_line_errors(tmp_path: Path, damage: str) -> None:
    site = copy_site(tmp_path)
    folder = site / ".mdwx"
    if damage == "not_a_folder":  # stands in for a read-only site (tests may run as root)
        folder.write_text("a file where the folder should be")
    else:
        folder.mkdir()
        db = folder / "sandbox.db"
        if damage == "garbage":
            db.write_bytes(b"this is not a database" * 100)
        else:
            with sqlite3.connect(db) as conn:
                conn.execute("CREATE TABLE images (id TEXT, colour TEXT)")
    result = run("publish", "--sandbox", str(site / "posts"))
    assert result.returncode in (1, 2)
    line = one_line_error(result)
    assert ".mdwx" in line


def test_store_refuses_foreign_and_garbled_files_directly(tmp_path: Path) -> None:
    from mdwx.sandbox.control import Control
    from mdwx.sandbox.settings import SandboxSettings

    control = Control(SandboxSettings())
    garbled = tmp_path / "g.db"
    garbled.write_bytes(os.urandom(4096))
    with pytest.raises(StateError, match="not a sandbox database"):
        Store(control, garbled)
    foreign = tmp_path / "f.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE blocks (vid TEXT)")
    with pytest.raises(StateError, match="tables differ"):
        Store(control, foreign)
    good = Store(control, tmp_path / "ok.db")
    good.close()
    Store(control, tmp_path / "ok.db").close()  # its own file opens again


TOKEN = CachedToken("secret-token-value", 9e12, 9e12)


@pytest.mark.parametrize("mode", [0o722, 0o770, 0o777, 0o702])
def test_a_cache_folder_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    os.chmod(folder, mode)
    cache = DiskTokenCache(folder)
    with pytest.raises(ConfigError, match="written by other users"):
        cache.get("wx1", "https://api")
    with pytest.raises(ConfigError, match="written by other users"):
        cache.put("wx1", "https://api", TOKEN)


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_cache_file_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    cache = DiskTokenCache(tmp_path / "cache")
    cache.put("wx1", "https://api", TOKEN)
    path = cache.path("wx1", "https://api")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(tmp_path / "cache").st_mode & 0o777 == 0o700
    os.chmod(path, mode)
    with pytest.raises(ConfigError, match="written by other users"):
        cache.get("wx1", "https://api")


def test_a_planted_link_in_the_cache_is_refused(tmp_path: Path) -> None:
    cache = DiskTokenCache(tmp_path / "cache")
    cache.put("wx1", "https://api", TOKEN)
    path = cache.path("wx1", "https://api")
    (tmp_path / "elsewhere.json").write_text(path.read_text())
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(ConfigError, match="symbolic link"):
        cache.get("wx1", "https://api")


def test_a_readable_cache_folder_is_tightened_not_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    os.chmod(folder, 0o755)
    cache = DiskTokenCache(folder)
    cache.put("wx1", "https://api", TOKEN)
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert cache.get("wx1", "https://api") == TOKEN
